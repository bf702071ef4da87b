"""Pages of a list: the one place that turns page numbers into offsets and counts into pages."""

from dataclasses import dataclass


def offset_of(page: int, page_size: int) -> int:
    """Rows before page `page` (from 1; anything lower is page 1)."""
    return (max(page, 1) - 1) * page_size


@dataclass(frozen=True)
class Pager:
    """Where a list stands: page `page` of `page_size` rows, over `counted` rows that the pages
    may reach (every match, or as many as were counted when counting stops early)."""

    page: int
    page_size: int
    counted: int

    @property
    def pages(self) -> int:
        return max((self.counted + self.page_size - 1) // self.page_size, 1)

    @property
    def shown_page(self) -> int:
        """The page asked for, within the pages there are (for a caption or a page picker)."""
        return min(max(self.page, 1), self.pages)
