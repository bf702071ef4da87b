"""The tables behind the fake unit of work: plain rows in dicts and lists.

One store is shared by every fake repository, so that what one writes the others read, as
in the database (an import's leads are what the rescore reads; a closed lead is what the
conversion counts read). A transaction is a deep copy of the store to go back to.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import TypedDict

from core.domain.audit import AuditEntry
from core.domain.batches import BatchItem, BatchKind, BatchState
from core.domain.clock import utcnow
from core.domain.leads import LeadFilters, LeadSort
from core.domain.routing import RoutingRule, RoutingRun
from core.domain.rules import AgentState, LeadState
from core.domain.saved_searches import SavedSearch
from core.domain.scoring import ScoringSettings, Thresholds, Weights
from core.domain.sla import SlaSettings, sla_windows
from core.domain.users import UserRecord
from core.domain.vocabulary import OPEN_STATUSES
from core.domain.working_hours import ShiftInterval

ZERO = Decimal(0)
CREATED = datetime(2026, 11, 1, 8, 0)  # when a lead made without a date was created


@dataclass
class LeadFields:
    """A lead's columns beyond LeadState: contact, source, dates and its stored scores
    (a new lead's scores are 0 and its category nurture, as the schema's defaults)."""

    source: str = "website"
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    due_date: date | None = None
    created_at: datetime = CREATED
    email_normalized: str | None = None
    phone_normalized: str | None = None
    source_quality_score: Decimal = ZERO
    engagement_score: Decimal = ZERO
    conversion_probability: Decimal = ZERO
    urgency_score: Decimal = ZERO
    overall_score: Decimal = ZERO
    score_category: str = "nurture"
    previous_score: Decimal | None = None
    previous_category: str | None = None
    score_change: Decimal | None = None
    last_calculated: datetime | None = None
    calculation_method: str | None = None
    weights_version_id: int | None = None
    assigned_at: datetime | None = None
    closed_at: datetime | None = None
    first_contact_at: datetime | None = None
    lost_reason: str | None = None


class AssignmentRow(TypedDict):
    tenant_id: int
    lead_id: int
    agent_id: int
    previous_agent_id: int | None
    by_user_id: int | None
    note: str | None
    assigned_at: datetime
    ended_at: datetime | None
    batch_id: str | None


class ActivityRow(TypedDict):
    id: int
    tenant_id: int
    lead_id: int
    agent_id: int | None
    kind: str
    note: str | None
    by_user_id: int | None
    occurred_at: datetime


@dataclass(frozen=True)
class AuditRow:
    id: int  # from 1, in the order rows were written
    entry: AuditEntry
    seq: int  # per tenant, from 1 (the fake keeps one chain per tenant)
    at: datetime
    prev_hash: str
    row_hash: str


@dataclass
class BatchRow:
    id: str
    tenant_id: int
    kind: BatchKind
    strategy: str | None
    created_by: int | None
    created_at: datetime
    leads_changed: int = 0
    leads_refused: int = 0
    undone_by: str | None = None
    state: BatchState = BatchState.RUNNING
    planned: int = 0
    heartbeat_at: datetime | None = None
    plan: str | None = None


@dataclass(frozen=True)
class VersionRow:
    """One saved version of a tenant's scoring settings; `id` is unique across tenants."""

    id: int
    tenant_id: int
    version: int
    weights: Weights
    thresholds: Thresholds
    source_quality: dict[str, int]
    created_by: int | None
    created_at: datetime
    reason: str

    def settings(self) -> ScoringSettings:
        return ScoringSettings(self.id, self.version, self.weights, self.thresholds,
                               dict(self.source_quality))


@dataclass(frozen=True)
class ScoreHistoryRow:
    tenant_id: int
    lead_id: int
    previous_score: Decimal | None
    new_score: Decimal
    previous_category: str | None
    new_category: str
    weights_version_id: int | None
    calculated_at: datetime


@dataclass(frozen=True)
class LedgerRow:
    tenant_id: int
    agent_id: int
    lead_id: int
    reason: str
    points: int
    awarded_at: datetime


@dataclass
class Store:
    users: dict[str, UserRecord] = field(default_factory=dict)
    last_logins: dict[int, datetime] = field(default_factory=dict)
    tenants: dict[str, int] = field(default_factory=dict)  # slug -> id
    tenant_names: dict[int, str] = field(default_factory=dict)
    round_robin: dict[int, int] = field(default_factory=dict)  # tenant -> agent id
    agents: dict[int, AgentState] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    leads: dict[int, LeadState] = field(default_factory=dict)
    lead_fields: dict[int, LeadFields] = field(default_factory=dict)
    assignments: list[AssignmentRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    audit: list[AuditRow] = field(default_factory=list)
    batches: dict[str, BatchRow] = field(default_factory=dict)
    batch_items: dict[str, list[BatchItem]] = field(default_factory=dict)
    versions: list[VersionRow] = field(default_factory=list)
    score_history: list[ScoreHistoryRow] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    points_totals: dict[int, int] = field(default_factory=dict)  # agent -> stored total
    badges: list[tuple[int, int, str, datetime]] = field(default_factory=list)  # tenant, agent, badge, at
    routing_rules: dict[int, "RoutingRule"] = field(default_factory=dict)
    routing_pointers: dict[int, tuple[int, int]] = field(default_factory=dict)  # rule -> tenant, agent
    routing_runs: dict[int, "RoutingRun"] = field(default_factory=dict)
    sla_settings: dict[int, SlaSettings] = field(default_factory=dict)  # tenant -> saved settings
    team_hours: dict[tuple[int, str], tuple[ShiftInterval, ...]] = field(default_factory=dict)
    sla_rerouted: dict[int, datetime] = field(default_factory=dict)  # lead -> when
    availability_changed: dict[int, datetime] = field(default_factory=dict)  # agent -> when
    # (tenant, user, search): saved searches by owner
    saved_searches: dict[tuple[int, int], list[SavedSearch]] = field(default_factory=dict)

    def fields_of(self, lead_id: int) -> LeadFields:
        """The lead's columns (defaults for a lead a test put straight into `leads`)."""
        return self.lead_fields.setdefault(lead_id, LeadFields())

    def username_of(self, user_id: int | None) -> str | None:
        return next((u.username for u in self.users.values() if u.id == user_id), None)

    def agent_name(self, agent_id: int | None) -> str | None:
        agent = self.agents.get(agent_id) if agent_id is not None else None
        return agent.name if agent else None

    def snapshot(self) -> "Store":
        return copy.deepcopy(self)

    def restore(self, saved: "Store") -> None:
        again = copy.deepcopy(saved)  # a snapshot may be gone back to more than once
        for table in fields(self):
            setattr(self, table.name, getattr(again, table.name))


def in_sla_windows(store: Store, lead: LeadState, settings: SlaSettings, now: datetime, *,
                   breached: bool, due_within: int | None) -> bool:
    """The SLA filters as db/repositories/sla.py's `in_windows` reads them."""
    extra = store.fields_of(lead.id)
    if lead.status not in OPEN_STATUSES or extra.first_contact_at is not None or extra.assigned_at is None:
        return False
    return any(window.category.value == extra.score_category and window.holds(extra.assigned_at)
               for window in sla_windows(settings, now, breached=breached, due_within=due_within))


def matches(store: Store, lead: LeadState, tenant_id: int, f: LeadFilters) -> bool:
    """LeadFilters as the SQL WHERE of db/queries/leads.py reads them."""
    extra = store.fields_of(lead.id)
    text = f.text.strip()
    settings = store.sla_settings.get(tenant_id, SlaSettings())
    return (lead.tenant_id == tenant_id
            and (not f.sla_filtered or in_sla_windows(
                store, lead, settings, f.sla_as_of or utcnow(), breached=f.sla_breached,
                due_within=f.due_within_minutes))
            and (not f.statuses or lead.status.value in f.statuses)
            and (not f.categories or extra.score_category in f.categories)
            and (not f.sources or extra.source in f.sources)
            and (f.agent_id is None or lead.agent_id == f.agent_id)
            and (not f.required_skill or lead.required_skill == f.required_skill)
            and ((f.score_min <= 0 and f.score_max >= 100)
                 or f.score_min <= extra.overall_score <= f.score_max)
            and (not text or _text_matches(lead, extra, text)))


def _text_matches(lead: LeadState, extra: LeadFields, text: str) -> bool:
    needle = text.casefold()
    if any(needle in (value or "").casefold()
           for value in (lead.name, extra.company, extra.email, extra.phone)):
        return True
    return text.lstrip("#").isdigit() and lead.id == int(text.lstrip("#"))


def ordered(store: Store, leads: Iterable[LeadState], sort: LeadSort) -> list[LeadState]:
    """A lead list's order as the SQL ORDER BY gives it (equal scores: by id)."""
    def score(lead: LeadState) -> Decimal:
        return store.fields_of(lead.id).overall_score

    if sort == LeadSort.SCORE_DESC:
        return sorted(leads, key=lambda lead: (-score(lead), lead.id))
    if sort == LeadSort.SCORE_ASC:
        return sorted(leads, key=lambda lead: (score(lead), -lead.id))
    return sorted(leads, key=lambda lead: (store.fields_of(lead.id).created_at, lead.id),
                  reverse=sort == LeadSort.NEWEST)
