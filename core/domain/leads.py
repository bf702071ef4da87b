"""Leads as lists and pages show them: the filters of a lead list, one row of it, one lead's
detail with its histories, and the pieces the scoring leaderboard reads."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from core.domain.errors import InvalidInput
from core.domain.pager import Pager
from core.domain.sla import validated_due_within
from core.domain.vocabulary import CLOSED_STATUSES, SKILLS, SOURCES, LeadStatus, ScoreCategory

MAX_SEARCH_LENGTH = 100
DETAIL_ROWS = 200  # newest rows a lead's detail lists per tab; enough for a phone call
# Matches are counted up to this many: counting every lead of a million-lead tenant on each
# page view costs more than the page; beyond it the list says "more than 10,000".
COUNT_LIMIT = 10_000


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
    # First-contact SLA (docs/sla-and-hours.md): open leads past their SLA with no contact,
    # and/or those due within N minutes; both set: either. Read at `sla_as_of` (None: now).
    sla_breached: bool = False
    due_within_minutes: int | None = None
    sla_as_of: datetime | None = None

    @property
    def sla_filtered(self) -> bool:
        return self.sla_breached or self.due_within_minutes is not None

    def validated(self) -> "LeadFilters":
        unknown = ((set(self.statuses) - set(LeadStatus)) | (set(self.categories) - set(ScoreCategory))
                   | (set(self.sources) - set(SOURCES)))
        if unknown:
            raise InvalidInput(f"Unknown filter value(s): {', '.join(sorted(unknown))}.")
        if self.required_skill and self.required_skill not in SKILLS:
            raise InvalidInput(f"Unknown skill {self.required_skill!r}.")
        if not 0 <= self.score_min <= self.score_max <= 100:
            raise InvalidInput("The score range must lie within 0-100, low end first.")
        if len(self.text) > MAX_SEARCH_LENGTH:
            raise InvalidInput(f"Search text is limited to {MAX_SEARCH_LENGTH} characters.")
        validated_due_within(self.due_within_minutes)
        return self


@dataclass(frozen=True)
class LeadRow:
    """One lead in a list."""

    id: int
    name: str
    company: str | None
    status: str
    category: str
    score: float
    agent_name: str | None
    source: str
    required_skill: str | None
    created_at: datetime
    version: int


@dataclass(frozen=True)
class LeadPage:
    rows: list[LeadRow]
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
    def pager(self) -> Pager:
        """Pages reachable by number: all of them, or those within the counted matches."""
        counted = COUNT_LIMIT if self.total is None else min(self.total, COUNT_LIMIT)
        return Pager(self.page, self.page_size, counted)

    @property
    def pages(self) -> int:
        return self.pager.pages


class DetailList(StrEnum):
    """The lists of a lead's detail that are cut to the newest DETAIL_ROWS rows."""

    ACTIVITIES = "activities"
    AUDIT = "audit"
    SCORE_HISTORY = "score_history"


@dataclass(frozen=True)
class AssignmentStretch:
    """A lead's time with one agent."""

    assigned_at: datetime
    agent_name: str
    previous_agent_name: str | None
    by_username: str | None
    ended_at: datetime | None
    note: str | None


@dataclass(frozen=True)
class ActivityEntry:
    occurred_at: datetime
    kind: str
    agent_name: str | None
    note: str | None


@dataclass(frozen=True)
class LeadAuditEntry:
    at: datetime
    actor_name: str
    action: str
    before_json: str | None
    after_json: str | None
    reason: str | None


@dataclass(frozen=True)
class ScoreChange:
    calculated_at: datetime
    previous_score: float | None
    new_score: float
    previous_category: str | None
    new_category: str
    weights_version: int | None


@dataclass(frozen=True)
class ScoreParts:
    """A lead's four components and its overall score, as stored (None: never scored)."""

    source_quality: Decimal | None
    engagement: Decimal | None
    conversion: Decimal | None
    urgency: Decimal | None
    overall: Decimal | None


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
    scores: ScoreParts
    score_category: str
    last_calculated: datetime | None
    calculation_method: str | None
    assignments: list[AssignmentStretch]
    activities: list[ActivityEntry]
    audit: list[LeadAuditEntry]
    score_history: list[ScoreChange]  # newest first
    # Lists that hold more than DETAIL_ROWS rows: the detail shows their newest DETAIL_ROWS
    # and must say that older ones exist.
    cut_off: frozenset[DetailList] = frozenset()
    lost_reason: str | None = None
    first_contact_at: datetime | None = None
    sla_rerouted_at: datetime | None = None  # re-routed for its SLA (docs/sla-and-hours.md)

    @property
    def closed(self) -> bool:
        """Converted or lost: no agent receives it again, and it keeps the score it closed with."""
        return self.status in CLOSED_STATUSES


@dataclass(frozen=True)
class CategoryCount:
    category: str
    leads: int


@dataclass(frozen=True)
class HistogramBin:
    score_from: float
    leads: int


@dataclass(frozen=True)
class Mover:
    """A lead whose score moved at its last calculation."""

    lead_id: int
    name: str
    before: float | None
    now: float
    change: float
    category: str


@dataclass(frozen=True)
class NewLead:
    """A lead to insert, as an import validated it (email and phone also normalized, for
    duplicate detection)."""

    name: str
    source: str
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    required_skill: str | None = None
    due_date: date | None = None
    email_normalized: str | None = None
    phone_normalized: str | None = None


@dataclass(frozen=True)
class KnownContacts:
    """Leads already in the tenant, by normalized email and by normalized phone."""

    by_email: dict[str, int]
    by_phone: dict[str, int]

    def lead_with(self, email: str | None, phone: str | None) -> int | None:
        return (self.by_email.get(email) if email else None) or (
            self.by_phone.get(phone) if phone else None)


class Clear(StrEnum):
    """A bulk update's value that removes a field's value."""

    CLEAR = ""


CLEAR = Clear.CLEAR


@dataclass(frozen=True)
class LeadUpdate:
    """Checked field changes for one lead; None leaves a field as it is, CLEAR empties it."""

    lead_id: int
    status: LeadStatus | None = None
    source: str | None = None
    required_skill: str | Clear | None = None
    due_date: date | Clear | None = None
    lost_reason: str | None = None
