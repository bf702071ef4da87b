"""Read use cases over leads: the filtered, paginated list and one lead's full detail."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import pandas as pd

from core.domain import SKILLS, SOURCES, LeadStatus
from core.errors import InvalidInput, NotFound
from core.identity import Actor
from core.permissions import Permission
from core.ports import UnitOfWork

CATEGORIES = ("hot", "warm", "cold", "nurture")
MAX_PAGE_SIZE = 200
MAX_SEARCH_LENGTH = 100
DETAIL_ROWS = 200  # newest rows a lead's detail lists per tab; enough for a phone call


class DetailList(StrEnum):
    """The lists of a lead's detail that are cut to the newest DETAIL_ROWS rows."""

    ACTIVITIES = "activities"
    AUDIT = "audit"
    SCORE_HISTORY = "score_history"


class LeadSort(StrEnum):
    SCORE_DESC = "Score, highest first"
    SCORE_ASC = "Score, lowest first"
    NEWEST = "Newest first"
    OLDEST = "Oldest first"


@dataclass(frozen=True)
class LeadFilters:
    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    agent_id: int | None = None
    required_skill: str | None = None
    score_min: float = 0.0
    score_max: float = 100.0
    text: str = ""
    sort: LeadSort = LeadSort.SCORE_DESC

    def validated(self) -> "LeadFilters":
        unknown = (set(self.statuses) - {s.value for s in LeadStatus}) | (
            set(self.categories) - set(CATEGORIES)) | (set(self.sources) - set(SOURCES))
        if unknown:
            raise InvalidInput(f"Unknown filter value(s): {', '.join(sorted(unknown))}.")
        if self.required_skill and self.required_skill not in SKILLS:
            raise InvalidInput(f"Unknown skill {self.required_skill!r}.")
        if not 0 <= self.score_min <= self.score_max <= 100:
            raise InvalidInput("The score range must lie within 0-100, low end first.")
        if len(self.text) > MAX_SEARCH_LENGTH:
            raise InvalidInput(f"Search text is limited to {MAX_SEARCH_LENGTH} characters.")
        return self


# Matches are counted up to this many: counting every lead of a million-lead tenant on each
# page view costs more than the page; beyond it the list says "more than 10,000".
COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class LeadPage:
    rows: pd.DataFrame
    total: int | None       # exact up to COUNT_LIMIT, then COUNT_LIMIT + 1; None: not counted
    page: int
    page_size: int

    @property
    def total_is_exact(self) -> bool:
        return self.total is not None and self.total <= COUNT_LIMIT

    @property
    def total_label(self) -> str:
        """"1,234" or "more than 10,000", for a caption."""
        if self.total is None:
            return "uncounted"
        return f"{self.total:,}" if self.total_is_exact else f"more than {COUNT_LIMIT:,}"

    @property
    def pages(self) -> int:
        """Pages reachable by number: all of them, or those within the counted matches."""
        counted = COUNT_LIMIT if self.total is None else min(self.total, COUNT_LIMIT)
        return max((counted + self.page_size - 1) // self.page_size, 1)


@dataclass(frozen=True)
class LeadDetail:
    id: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    source: str
    status: LeadStatus
    agent_id: int | None
    agent_name: str | None
    required_skill: str | None
    due_date: date | None
    created_at: datetime
    version: int
    scores: dict[str, Decimal | None]
    score_category: str
    last_calculated: datetime | None
    calculation_method: str | None
    assignments: pd.DataFrame = field(repr=False)
    activities: pd.DataFrame = field(repr=False)
    audit: pd.DataFrame = field(repr=False)
    score_history: pd.DataFrame = field(repr=False)  # newest first
    # Lists that hold more than DETAIL_ROWS rows: the detail shows their newest DETAIL_ROWS
    # and must say that older ones exist.
    cut_off: frozenset[DetailList] = frozenset()


def search_leads(uow: UnitOfWork, actor: Actor, filters: LeadFilters, *, page: int = 1,
                 page_size: int = 50, count: bool = True) -> LeadPage:
    """A page of the matching leads; `count=False` skips counting them (a top-N list that
    shows no pager)."""
    actor.require(Permission.VIEW_DASHBOARDS)
    filters = filters.validated()
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"Page size must be 1-{MAX_PAGE_SIZE}.")
    page = max(page, 1)
    with uow:
        rows, total = uow.leads.search(actor.tenant_id, filters, offset=(page - 1) * page_size,
                                       limit=page_size,
                                       count_limit=COUNT_LIMIT if count else None)
    return LeadPage(rows, total, page, page_size)


def lead_detail(uow: UnitOfWork, actor: Actor, lead_id: int) -> LeadDetail:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        detail = uow.leads.detail(actor.tenant_id, lead_id)
    if detail is None:
        raise NotFound(f"Lead #{lead_id} does not exist in your tenant.")
    return detail
