"""An in-memory unit of work: the use cases run against it without a database.

It implements the whole port (core/ports.py; mypy checks it, see `_conforms` at the end) over
one store of plain rows, behaving as the SQL repositories do: guarded capacity counters,
audit rows chained per tenant, batches with their items, versions of scoring weights, and
lead lists filtered, sorted and paged in memory. The larger repositories have a file each
(fake_agents.py, fake_leads.py, fake_audit.py, fake_bulk.py, fake_scoring.py); the rows they
share are in fake_store.py.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from types import TracebackType
from typing import Self

from core.domain.clock import utcnow
from core.domain.placement import Placement
from core.domain.rules import AgentState, LeadState
from core.domain.scoring import Thresholds, Weights
from core.domain.users import UserIdentity, UserRecord, UserSummary
from core.domain.vocabulary import DEFAULT_SOURCE_QUALITY
from core.ports import (
    ActivityRepository,
    AgentRepository,
    AssignmentRepository,
    AuditReader,
    AuditRepository,
    BulkRepository,
    ExportReader,
    LeadRepository,
    PointsRepository,
    RoutingRepository,
    SavedSearchRepository,
    ScoringRepository,
    SlaRepository,
    TenantRepository,
    UnitOfWork,
    UserRepository,
)
from tests.unit.fake_agents import FakeAgents
from tests.unit.fake_audit import FakeAudit, FakeAuditReader
from tests.unit.fake_bulk import FakeBulk
from tests.unit.fake_exports import FakeExports
from tests.unit.fake_leads import FakeLeads
from tests.unit.fake_points import FakePoints
from tests.unit.fake_routing import FakeRouting
from tests.unit.fake_saved_searches import FakeSavedSearches
from tests.unit.fake_scoring import FakeScoring, add_version
from tests.unit.fake_sla import FakeSla
from tests.unit.fake_store import ActivityRow, AssignmentRow, LeadFields, Store

__all__ = ["FakeUnitOfWork", "LeadFields"]


class FakeUsers:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store, self._clock = store, clock

    @property
    def rows(self) -> dict[str, UserRecord]:
        return self._store.users

    def get_by_username(self, username: str, *, for_update: bool = False) -> UserRecord | None:
        user = self.rows.get(username)
        return replace(user) if user else None

    def identity(self, username: str) -> UserIdentity | None:
        u = self.rows.get(username)
        return UserIdentity(u.id, u.tenant_id, u.username, u.name, u.role, u.is_active,
                            u.session_generation, u.sessions_ended_at) if u else None

    def in_tenant(self, tenant_id: int) -> list[UserSummary]:
        return [UserSummary(u.username, u.name, u.email, u.role, u.is_active, u.locked_until,
                            self._store.last_logins.get(u.id))
                for _, u in sorted(self.rows.items()) if u.tenant_id == tenant_id]

    def add(self, *, tenant_id: int, username: str, name: str, email: str | None, role: str,
            password_hash: str) -> int:
        user_id = max((u.id for u in self.rows.values()), default=0) + 1
        self.rows[username] = UserRecord(user_id, tenant_id, username, name, email, role,
                                         password_hash, 0, None, True)
        return user_id

    def set_login_state(self, user_id: int, *, failed_logins: int, locked_until: datetime | None,
                        last_login_at: datetime | None = None) -> None:
        user = next(u for u in self.rows.values() if u.id == user_id)
        user.failed_logins, user.locked_until = failed_logins, locked_until
        if last_login_at is not None:
            self._store.last_logins[user_id] = last_login_at

    def _by_id(self, user_id: int) -> UserRecord:
        return next(u for u in self.rows.values() if u.id == user_id)

    def set_role(self, user_id: int, role: str) -> None:
        self._by_id(user_id).role = role

    def set_active(self, user_id: int, active: bool) -> None:
        self._by_id(user_id).is_active = active

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._by_id(user_id).password_hash = password_hash

    def end_sessions(self, user_id: int) -> None:
        user = self._by_id(user_id)
        user.session_generation += 1
        user.sessions_ended_at = self._clock()


class FakeTenants:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store, self._clock = store, clock

    @property
    def slugs(self) -> dict[str, int]:
        return self._store.tenants

    def id_for_slug(self, slug: str) -> int | None:
        return self.slugs.get(slug)

    def all_slugs(self) -> list[str]:
        return sorted(self.slugs)

    def add(self, *, slug: str, name: str) -> int:
        tenant_id = max(self.slugs.values(), default=0) + 1
        self.slugs[slug] = tenant_id
        self._store.tenant_names[tenant_id] = name
        add_default_weights(self._store, tenant_id, self._clock())
        return tenant_id


def add_default_weights(store: Store, tenant_id: int, now: datetime) -> None:
    add_version(store, tenant_id, weights=Weights(), thresholds=Thresholds(),
                source_quality=dict(DEFAULT_SOURCE_QUALITY), by_user_id=None,
                reason="Default weights", now=now)


class FakeAssignments:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def assignments(self) -> list[AssignmentRow]:
        return self._store.assignments

    def start(self, *, tenant_id: int, lead_id: int, agent_id: int, previous_agent_id: int | None,
              by_user_id: int | None, note: str | None, now: datetime,
              batch_id: str | None = None) -> None:
        self.assignments.append(AssignmentRow(
            tenant_id=tenant_id, lead_id=lead_id, agent_id=agent_id,
            previous_agent_id=previous_agent_id, by_user_id=by_user_id, note=note,
            assigned_at=now, ended_at=None, batch_id=batch_id))

    def start_many(self, *, tenant_id: int, placements: Sequence[Placement], by_user_id: int | None,
                   now: datetime, batch_id: str | None, notes: dict[int, str] | None = None) -> None:
        for lead_id, agent_id in placements:
            self.start(tenant_id=tenant_id, lead_id=lead_id, agent_id=agent_id, previous_agent_id=None,
                       by_user_id=by_user_id, note=(notes or {}).get(lead_id), now=now, batch_id=batch_id)

    def end_current(self, lead_id: int, *, now: datetime) -> None:
        self.end_many([lead_id], now=now)

    def end_many(self, lead_ids: Sequence[int], *, now: datetime) -> None:
        for row in self.assignments:
            if row["lead_id"] in lead_ids and row["ended_at"] is None:
                row["ended_at"] = now

    def moved_from(self, tenant_id: int, batch_id: str) -> dict[int, int]:
        return {row["lead_id"]: row["previous_agent_id"] for row in self.assignments
                if row["batch_id"] == batch_id and row["tenant_id"] == tenant_id
                and row["previous_agent_id"] is not None}


class FakeActivities:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def activities(self) -> list[ActivityRow]:
        return self._store.activities

    def add(self, *, tenant_id: int, lead_id: int, agent_id: int | None, kind: str, note: str | None,
            by_user_id: int | None, now: datetime) -> int:
        activity_id = len(self.activities) + 1
        self.activities.append(ActivityRow(id=activity_id, tenant_id=tenant_id, lead_id=lead_id,
                                           agent_id=agent_id, kind=kind, note=note,
                                           by_user_id=by_user_id, occurred_at=now))
        return activity_id


class FakeUnitOfWork:
    """Changes made inside `with` are kept only if `commit()` was called.

    Outside `with`, repository calls write straight to the store: a test's way to set up rows.
    Writing to a row that does not exist raises KeyError where the SQL would change nothing:
    a use case never should.

    A use case that takes a factory can be given `lambda: uow`: the state persists across its
    transactions. When one `with` opens inside another (rescoring holds one open while its
    chunks commit), they share the store: a commit keeps every change made so far, and leaving
    a block goes back to the last commit.
    """

    # The port's types, as db's SqlUnitOfWork declares them: mypy checks each fake repository
    # against its Protocol where it is assigned below. Tests reach the fakes' tables
    # (`uow.agents.rows`, `uow.audit.entries`) at run time.
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
    concurrent_writers = 1  # one object shared by a use case's transactions: one lane

    def __init__(self, *, users: Iterable[UserRecord] = (), tenants: dict[str, int] | None = None,
                 agents: Iterable[AgentState] = (), leads: Iterable[LeadState] = (),
                 lead_fields: dict[int, LeadFields] | None = None, teams: dict[int, str] | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        states = {lead.id: lead for lead in leads}
        self.store = Store(users={u.username: u for u in users}, tenants=dict(tenants or {"acme": 1}),
                           agents={a.id: a for a in agents}, leads=states, teams=dict(teams or {}),
                           lead_fields={i: (lead_fields or {}).get(i) or LeadFields() for i in states})
        for tenant_id in self.store.tenants.values():
            add_default_weights(self.store, tenant_id, clock())
        self.users = FakeUsers(self.store, clock)
        self.tenants = FakeTenants(self.store, clock)
        self.agents = FakeAgents(self.store)
        self.leads = FakeLeads(self.store)
        self.assignments = FakeAssignments(self.store)
        self.activities = FakeActivities(self.store)
        self.audit = FakeAudit(self.store, clock)
        self.audit_reader = FakeAuditReader(self.store)
        self.exports = FakeExports(self.store)
        self.bulk = FakeBulk(self.store)
        self.scoring = FakeScoring(self.store)
        self.points = FakePoints(self.store)
        self.routing = FakeRouting(self.store)
        self.sla = FakeSla(self.store)
        self.saved_searches = FakeSavedSearches(self.store)
        self.committed = 0
        self._last_commit: list[Store] = []  # per open `with`: what leaving it goes back to

    def __enter__(self) -> Self:
        self._last_commit.append(self.store.snapshot())
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.rollback()
        self._last_commit.pop()

    def commit(self) -> None:
        self.committed += 1
        kept = self.store.snapshot()
        self._last_commit = [kept for _ in self._last_commit]

    def rollback(self) -> None:
        if self._last_commit:
            self.store.restore(self._last_commit[-1])


def _conforms(uow: FakeUnitOfWork) -> UnitOfWork:
    """mypy holds the fake to the whole port through this line."""
    return uow
