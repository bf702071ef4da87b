"""What the use cases need from storage: every repository method a use case calls, and nothing
else. `db` implements these; `tests/unit/fakes.py` implements them in memory, and mypy holds
both to this page."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

import pandas as pd

from core.domain.audit import AuditCursor, AuditEntry, AuditFilters, AuditRecord
from core.domain.batches import Batch, BatchItem, BatchKind
from core.domain.capacity import AgentLoad, AgentName
from core.domain.components import ConversionStats, LeadFacts, LeadScore, ScoredComponents
from core.domain.gamification import BadgeFacts, BadgeKind, PointsAward, PointsReason
from core.domain.leads import (
    CategoryCount,
    HistogramBin,
    KnownContacts,
    LeadDetail,
    LeadFilters,
    LeadRow,
    LeadUpdate,
    Mover,
    NewLead,
)
from core.domain.performance import ConversionCount, RecentWork
from core.domain.placement import Candidate, Placement
from core.domain.routing import RoutingRule, RoutingRun, RuleSpec
from core.domain.rules import AgentState, LeadState
from core.domain.saved_searches import SavedSearch
from core.domain.scoring import IdRange, ScoringSettings, Thresholds, Weights, WeightsVersion
from core.domain.sla import LeadSlaFacts, SlaSettings, UnavailableAgent
from core.domain.standings import BadgeAward, PointsEntry
from core.domain.users import UserIdentity, UserRecord, UserSummary
from core.domain.vocabulary import Availability, LeadStatus
from core.domain.working_hours import ShiftInterval


class UserRepository(Protocol):
    def get_by_username(self, username: str, *, for_update: bool = False) -> UserRecord | None: ...

    def identity(self, username: str) -> UserIdentity | None:
        """Who the user is, for every run of a session: no password hash."""
        ...

    def in_tenant(self, tenant_id: int) -> list[UserSummary]:
        """The tenant's users by username, without password hashes."""
        ...

    def add(self, *, tenant_id: int, username: str, name: str, email: str | None, role: str,
            password_hash: str) -> int: ...

    def set_login_state(self, user_id: int, *, failed_logins: int, locked_until: datetime | None,
                        last_login_at: datetime | None = None) -> None: ...

    def set_role(self, user_id: int, role: str) -> None: ...

    def set_active(self, user_id: int, active: bool) -> None: ...

    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...

    def end_sessions(self, user_id: int) -> None:
        """Bump the user's session generation and note the moment (sessions_ended_at): every
        session and every login cookie issued until now ends."""
        ...


class TenantRepository(Protocol):
    def id_for_slug(self, slug: str) -> int | None: ...

    def all_slugs(self) -> list[str]: ...

    def add(self, *, slug: str, name: str) -> int:
        """A new tenant with the default scoring weights as its version 1."""
        ...


class AgentRepository(Protocol):
    def loads(self, tenant_id: int) -> list[AgentLoad]: ...

    def get(self, tenant_id: int, agent_id: int, *, for_update: bool = False) -> AgentState | None: ...

    def states(self, tenant_id: int) -> list[AgentState]: ...

    def lock_states(self, tenant_id: int, ids: Sequence[int]) -> list[AgentState]:
        """Lock these agents in id order (the order every use case locks agents in)."""
        ...

    def teams(self, tenant_id: int) -> dict[int, str]: ...

    def names(self, tenant_id: int, agent_ids: Sequence[int] | None = None) -> dict[int, AgentName]:
        """Name and team of every agent (or of these agents)."""
        ...

    def skills_of(self, tenant_id: int, ids: Sequence[int]) -> dict[int, frozenset[str]]: ...

    def conversion_counts(self, tenant_id: int,
                          agent_ids: Sequence[int] | None = None) -> dict[int, ConversionCount]:
        """Each agent's closed leads and how many converted (of these agents only, if given)."""
        ...

    def add_open_lead(self, agent_id: int) -> bool:
        """Count one more open lead if the agent still has room and is available (atomic)."""
        ...

    def add_open_leads(self, counts: dict[int, int]) -> None:
        """Count many new open leads at once; refuses (RuleViolation) to overfill anyone."""
        ...

    def remove_open_lead(self, agent_id: int) -> None: ...

    def remove_open_leads(self, counts: dict[int, int]) -> None: ...

    def count_closes(self, closes: dict[int, ConversionCount]) -> None:
        """Add leads just closed (and how many of them converted) to each agent's counters,
        which `conversion_counts` reads; the caller holds the agents' locks."""
        ...

    def set_capacity(self, agent_id: int, *, max_capacity: int, availability: Availability,
                     lowered: bool, now: datetime) -> None: ...


class LeadRepository(Protocol):
    def get(self, tenant_id: int, lead_id: int, *, for_update: bool = False) -> LeadState | None: ...

    def lock_states(self, tenant_id: int, ids: Sequence[int]) -> list[LeadState]:
        """Lock these leads (in id order) and return their state."""
        ...

    def claim_new(self, tenant_id: int, ids: Sequence[int]) -> list[LeadState]:
        """Lock those of these leads that are still new and that no other transaction holds
        (SKIP LOCKED where the database has it), in id order: a routing run never waits on
        another run for a lead, it leaves that lead to the run that holds it."""
        ...

    def lock_assignable(self, tenant_id: int, ids: Sequence[int]) -> list[LeadState]:
        """Lock these leads (in id order) with what assigning re-checks: status, agent, skill,
        version (no name, no dates)."""
        ...

    def versions(self, tenant_id: int, ids: Sequence[int]) -> dict[int, int]: ...

    def version_sum(self, tenant_id: int, ids: Sequence[int]) -> tuple[int, int]:
        """How many of these leads exist, and the sum of their versions (versions only grow)."""
        ...

    def candidates(self, tenant_id: int, filters: LeadFilters, *, limit: int) -> list[Candidate]:
        """The leads a filter selects, best score first (the order bulk runs place them)."""
        ...

    def candidates_by_id(self, tenant_id: int, ids: Sequence[int]) -> list[Candidate]: ...

    def set_agent(self, lead_id: int, *, agent_id: int | None, status: LeadStatus,
                  now: datetime) -> None: ...

    def set_status(self, lead_id: int, *, status: LeadStatus, now: datetime,
                   lost_reason: str | None = None) -> None: ...

    def mark_first_contact(self, lead_id: int, *, now: datetime) -> None:
        """The first contact since the lead's current assignment (clears again with its agent)."""
        ...

    def assign_many(self, placements: Sequence[Placement], *, now: datetime) -> None: ...

    def unassign_many(self, ids: Sequence[int], *, now: datetime) -> None: ...

    def update_fields(self, updates: Sequence[LeadUpdate], *, now: datetime) -> None: ...

    def known_contacts(self, tenant_id: int, emails: Iterable[str],
                       phones: Iterable[str]) -> KnownContacts: ...

    def lock_contacts(self, tenant_id: int) -> None:
        """Held until the commit: the writers that check new leads' emails and phones against
        the tenant's leads, then insert them, go one at a time per tenant."""
        ...

    def insert_new(self, leads: Sequence[NewLead], *, tenant_id: int, now: datetime) -> list[int]:
        """Insert new leads; returns their ids in the same order."""
        ...

    def search(self, tenant_id: int, filters: LeadFilters, *, offset: int, limit: int,
               count_limit: int | None) -> tuple[list[LeadRow], int | None]:
        """One page of matches, and how many match, counted up to count_limit + 1 (None:
        not counted)."""
        ...

    def detail(self, tenant_id: int, lead_id: int) -> LeadDetail | None: ...

    def score_spread(self, tenant_id: int, filters: LeadFilters,
                     width: int) -> tuple[list[CategoryCount], list[HistogramBin]]:
        """The matching leads per category (best first, none listed without leads) and per
        score bin of `width` (lowest first, only bins with leads)."""
        ...

    def movers(self, tenant_id: int, filters: LeadFilters, *, rising: bool, limit: int) -> list[Mover]:
        """The open or new leads whose last calculation moved their score most (closed leads
        keep their score, so they are no longer movers)."""
        ...


class AssignmentRepository(Protocol):
    def start(self, *, tenant_id: int, lead_id: int, agent_id: int, previous_agent_id: int | None,
              by_user_id: int | None, note: str | None, now: datetime,
              batch_id: str | None = None) -> None: ...

    def start_many(self, *, tenant_id: int, placements: Sequence[Placement], by_user_id: int | None,
                   now: datetime, batch_id: str | None, notes: dict[int, str] | None = None) -> None:
        """`notes`: lead id -> the stretch's note (a routing run names its rule)."""
        ...

    def end_current(self, lead_id: int, *, now: datetime) -> None: ...

    def end_many(self, lead_ids: Sequence[int], *, now: datetime) -> None: ...

    def moved_from(self, tenant_id: int, batch_id: str) -> dict[int, int]:
        """Lead id -> the agent it had before the stretch this batch started, for the batch's
        moves (an SLA re-route's first agent, which its undo gives the lead back to)."""
        ...


class ActivityRepository(Protocol):
    def add(self, *, tenant_id: int, lead_id: int, agent_id: int | None, kind: str, note: str | None,
            by_user_id: int | None, now: datetime) -> int: ...


class PointsRepository(Protocol):
    def earned_on(self, tenant_id: int, lead_ids: Sequence[int], *,
                  agent_id: int | None = None) -> dict[int, dict[PointsReason, int]]:
        """Net points per reason on each of these leads (by this agent only, if given; a lead
        with no entry is left out)."""
        ...

    def award(self, tenant_id: int, awards: Sequence[PointsAward], *, now: datetime) -> None:
        """Write the ledger entries, and move each agent's stored total by the same amount."""
        ...

    def badge_facts(self, tenant_id: int, agent_id: int, *, now: datetime) -> BadgeFacts: ...

    def grant_badge(self, tenant_id: int, agent_id: int, badge: BadgeKind, *, now: datetime) -> bool:
        """Award the badge unless the agent holds it (atomic: of two racing grants one wins);
        True when this call awarded it."""
        ...

    def badges(self, tenant_id: int, agent_ids: Sequence[int] | None = None) -> list[BadgeAward]: ...

    def totals(self, tenant_id: int, agent_ids: Sequence[int] | None = None) -> dict[int, int]:
        """Each agent's stored all-time total."""
        ...

    def top(self, tenant_id: int, *, since: date, limit: int) -> list[tuple[int, int]]:
        """(agent id, points earned on the UTC day `since` and after), most points first, then
        agent id: from the agents' daily totals."""
        ...

    def recent_work(self, tenant_id: int, *, since: date,
                    agent_ids: Sequence[int] | None = None) -> dict[int, RecentWork]:
        """Each agent's points, first contacts, fast first contacts and conversions since that
        UTC day."""
        ...

    def entries(self, tenant_id: int, agent_id: int) -> list[PointsEntry]:
        """One agent's ledger, oldest first."""
        ...


class AuditRepository(Protocol):
    def append(self, entry: AuditEntry) -> None: ...

    def append_many(self, entries: Sequence[AuditEntry]) -> None:
        """Entries of one tenant, chained in the order given."""
        ...


class AuditReader(Protocol):
    def screen(self, tenant_id: int, filters: AuditFilters, *, limit: int,
               older_than: AuditCursor | None = None) -> list[AuditRecord]:
        """Up to `limit` matching rows, newest first by (at, id), older than the cursor if given."""
        ...

    def actions(self, tenant_id: int) -> list[str]:
        """The distinct actions of the tenant's rows, sorted."""
        ...


class SavedSearchRepository(Protocol):
    """A user's saved searches: every method is scoped to one tenant and one user."""

    def of_user(self, tenant_id: int, user_id: int) -> list[SavedSearch]:
        """By name."""
        ...

    def get(self, tenant_id: int, user_id: int, search_id: int) -> SavedSearch | None: ...

    def add(self, tenant_id: int, user_id: int, *, name: str, filters_json: str, now: datetime) -> int:
        """Refuses (InvalidInput) a name the user already has, should two saves race."""
        ...

    def rename(self, tenant_id: int, user_id: int, search_id: int, *, name: str, now: datetime) -> None: ...

    def delete(self, tenant_id: int, user_id: int, search_id: int) -> None: ...


class ExportReader(Protocol):
    """Whole lists for exports: counted up to a limit first, then read a chunk at a time, so
    that the rows in memory stay one chunk however many the file holds."""

    def agent_names(self, tenant_id: int) -> dict[int, str]: ...

    def count_leads(self, tenant_id: int, filters: LeadFilters, *, limit: int) -> int:
        """How many leads match, counted up to limit + 1."""
        ...

    def lead_chunks(self, tenant_id: int, filters: LeadFilters, *, size: int) -> Iterator[list[LeadRow]]:
        """Every matching lead in the filters' order, `size` at a time."""
        ...

    def count_audit(self, tenant_id: int, filters: AuditFilters, *, limit: int) -> int:
        """How many audit rows match, counted up to limit + 1."""
        ...

    def audit_chunks(self, tenant_id: int, filters: AuditFilters, *,
                     size: int) -> Iterator[list[AuditRecord]]:
        """Every matching audit row, newest first, `size` at a time."""
        ...


class BulkRepository(Protocol):
    def round_robin_pointer(self, tenant_id: int) -> int | None: ...

    def set_round_robin_pointer(self, tenant_id: int, agent_id: int) -> None: ...

    def add_batch(self, batch_id: str, *, tenant_id: int, kind: BatchKind, strategy: str | None,
                  by_user_id: int | None, now: datetime, plan: str, planned: int, refused: int = 0) -> None:
        """A running batch, its plan (JSON) and how many leads it refused before its first chunk."""
        ...

    def plan(self, batch_id: str) -> str | None:
        """The plan of a batch not yet complete (None once complete)."""
        ...

    def recorded_items(self, batch_id: str, positions: Sequence[int]) -> list[BatchItem]:
        """The items already recorded for these positions of the plan."""
        ...

    def add_items(self, batch_id: str, items: Sequence[BatchItem]) -> None: ...

    def record_progress(self, batch_id: str, *, changed: int, refused: int, now: datetime) -> None:
        """Count a chunk's changed and refused leads, and refresh the heartbeat."""
        ...

    def claim(self, batch_id: str, *, now: datetime, stopped_before: datetime) -> bool:
        """Take over a stopped batch (interrupted, or running with a heartbeat older than
        `stopped_before`): atomically, so that two resumers cannot both have it."""
        ...

    def mark_interrupted(self, batch_id: str) -> None: ...

    def finish_batch(self, batch_id: str, *, now: datetime) -> None:
        """Complete: its plan is no longer needed."""
        ...

    def items(self, batch_id: str) -> list[BatchItem]:
        """Every recorded item, in plan order."""
        ...

    def batch(self, tenant_id: int, batch_id: str) -> Batch | None: ...

    def mark_undone(self, batch_id: str, *, by_batch: str) -> None: ...

    def recent(self, tenant_id: int, limit: int) -> list[Batch]: ...


class RoutingRepository(Protocol):
    def rules(self, tenant_id: int) -> list[RoutingRule]:
        """The tenant's rules in their order."""
        ...

    def add_rule(self, tenant_id: int, spec: RuleSpec, *, by_user_id: int | None, now: datetime) -> int:
        """A new rule at the end of the list, at version 1."""
        ...

    def update_rule(self, tenant_id: int, rule_id: int, *, version: int, spec: RuleSpec,
                    by_user_id: int | None, now: datetime) -> bool:
        """Save the rule if it is still at `version` (then bumped); False if it is not."""
        ...

    def move_rule(self, tenant_id: int, rule_id: int, *, version: int, position: int,
                  by_user_id: int | None, now: datetime) -> bool:
        """Give the rule this position if it is still at `version` (then bumped)."""
        ...

    def delete_rule(self, tenant_id: int, rule_id: int, *, version: int) -> bool:
        """Delete the rule (and its round-robin pointer) if it is still at `version`."""
        ...

    def pointers(self, tenant_id: int) -> dict[int, int]:
        """Rule id -> the agent its round robin served last."""
        ...

    def set_pointer(self, tenant_id: int, rule_id: int, agent_id: int) -> None: ...

    def record_run(self, tenant_id: int, run: RoutingRun) -> None:
        """The tenant's last run (one row per tenant, replaced)."""
        ...

    def last_run(self, tenant_id: int) -> RoutingRun | None: ...


class ScoringRepository(Protocol):
    def current_settings(self, tenant_id: int) -> ScoringSettings: ...

    def settings_of_version(self, tenant_id: int, version: int) -> ScoringSettings | None: ...

    def add_version(self, tenant_id: int, *, weights: Weights, thresholds: Thresholds,
                    source_quality: dict[str, int], by_user_id: int | None, reason: str,
                    now: datetime) -> int: ...

    def versions(self, tenant_id: int) -> list[WeightsVersion]: ...

    def components_frame(self, tenant_id: int) -> pd.DataFrame:
        """Every lead a rescore would move (not those that keep their score: see
        `keeps_its_score`): id, name, source, four components, overall score and category,
        one row per lead (columns named as those fields): the what-if preview's input."""
        ...

    def conversion_stats(self, tenant_id: int) -> ConversionStats: ...

    def chunks_at_once(self) -> int:
        """How many chunks of a tenant rescore the store can write at the same time."""
        ...

    def cleanup_deferred(self) -> AbstractContextManager[None]:
        """While open, the store leaves the old row versions that commits replace for later,
        instead of cleaning them up beside a batch's writers."""
        ...

    def id_bounds(self, tenant_id: int) -> IdRange | None: ...

    def lead_facts(self, tenant_id: int, *, low: int, high: int) -> list[LeadFacts]: ...

    def write_components(self, rows: Sequence[ScoredComponents]) -> None: ...

    def write_score(self, tenant_id: int, score: LeadScore, settings: ScoringSettings, *,
                    now: datetime, method: str) -> None:
        """One lead's score; a first calculation, as in `apply_overall`, is no move."""
        ...

    def apply_overall(self, tenant_id: int, settings: ScoringSettings, *, low: int, high: int,
                      now: datetime, method: str) -> int:
        """Set-based: overall score and category from stored components for ids in [low, high],
        except leads that keep their score (`keeps_its_score`); how many were rescored. A
        lead's first calculation has no previous score and no change (it is not a move), and
        only a change writes a score-history row."""
        ...


class SlaRepository(Protocol):
    """First-contact SLAs, the availability grace and teams' working hours (docs/sla-and-hours.md)."""

    def settings(self, tenant_id: int, *, for_update: bool = False) -> SlaSettings:
        """The saved settings, or the defaults (version 0) if none were saved."""
        ...

    def save_settings(self, tenant_id: int, settings: SlaSettings, *, by_user_id: int | None,
                      now: datetime) -> int:
        """Store them as the next version (refuses with StaleView if another save came first)."""
        ...

    def team_hours(self, tenant_id: int) -> dict[str, tuple[ShiftInterval, ...]]:
        """Each team that has hours (a team without any is always on shift)."""
        ...

    def set_team_hours(self, tenant_id: int, team: str, hours: Sequence[ShiftInterval]) -> None: ...

    def open_breaches_per_agent(self, tenant_id: int, settings: SlaSettings,
                                now: datetime) -> dict[int, int]: ...

    def open_breach_ids(self, tenant_id: int, settings: SlaSettings, now: datetime, *,
                        limit: int, not_rerouted: bool = False) -> list[int]:
        """Open leads past their SLA with no contact, longest overdue first within a category."""
        ...

    def breaches_since(self, tenant_id: int, settings: SlaSettings, *, since: datetime,
                       now: datetime) -> int:
        """Leads whose SLA ran out in [since, now) and that still wait for a first contact,
        and leads re-routed for their SLA in that time."""
        ...

    def lead_facts(self, tenant_id: int, lead_id: int) -> LeadSlaFacts | None: ...

    def mark_rerouted(self, lead_id: int, *, now: datetime) -> None: ...

    def clear_rerouted(self, lead_id: int, *, now: datetime) -> None: ...

    def unavailable_agents(self, tenant_id: int) -> list[UnavailableAgent]:
        """Agents away or offline, with when their availability last changed."""
        ...

    def untouched_leads(self, tenant_id: int, agent_ids: Sequence[int], *, limit: int) -> list[int]:
        """These agents' leads still `assigned` with no contact since their assignment."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    users: UserRepository
    tenants: TenantRepository
    agents: AgentRepository
    leads: LeadRepository
    assignments: AssignmentRepository
    activities: ActivityRepository
    audit: AuditRepository
    audit_reader: AuditReader
    exports: ExportReader
    bulk: BulkRepository
    scoring: ScoringRepository
    points: PointsRepository
    routing: RoutingRepository
    sla: SlaRepository
    saved_searches: SavedSearchRepository
    # Transactions worth running at once for one long job (core/bulk/lanes.py): 1 where the
    # database takes one writer at a time.
    concurrent_writers: int

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


# Use cases that run several transactions (bulk runs, rescoring) take a factory and open a
# fresh unit of work for each.
UnitOfWorkFactory = Callable[[], UnitOfWork]
