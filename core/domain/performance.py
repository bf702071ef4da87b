"""How well an agent converts (DESIGN.md §6): what the lead ranking shows and the
`performance` bulk strategy ranks by, until the gamification score exists."""

from typing import NamedTuple


class ConversionCount(NamedTuple):
    """An agent's closed leads: how many, and how many of them converted."""

    converted: int
    closed: int

    @property
    def smoothed_rate(self) -> float:
        """(converted + 1) / (closed + 2): an agent with no closed leads yet stands at 0.5."""
        return (self.converted + 1) / (self.closed + 2)

    def describe(self) -> str:
        return f"conversion {self.converted / self.closed:.0%}" if self.closed else "no closed leads yet"
