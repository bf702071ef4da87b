"""An in-memory unit of work: the use cases run against it without a database."""

import copy
from dataclasses import replace
from datetime import datetime

from core.audit import AuditEntry
from core.capacity import AgentLoad
from core.domain import CLOSED_STATUSES, Availability, LeadStatus
from core.ports import UserRecord
from core.rules import AgentState, LeadState


class FakeUsers:
    def __init__(self, users: list[UserRecord]) -> None:
        self.rows = {u.username: u for u in users}

    def get_by_username(self, username: str, *, for_update: bool = False) -> UserRecord | None:
        user = self.rows.get(username)
        return replace(user) if user else None

    def list_active(self) -> list[UserRecord]:
        return [replace(u) for u in self.rows.values() if u.is_active]

    def add(self, *, tenant_id, username, name, email, role, password_hash) -> int:
        user_id = len(self.rows) + 1
        self.rows[username] = UserRecord(user_id, tenant_id, username, name, email, role,
                                         password_hash, 0, None, True)
        return user_id

    def set_login_state(self, user_id: int, *, failed_logins: int,
                        locked_until: datetime | None, last_login_at=None) -> None:
        user = next(u for u in self.rows.values() if u.id == user_id)
        user.failed_logins, user.locked_until = failed_logins, locked_until


class FakeTenants:
    def __init__(self, slugs: dict[str, int]) -> None:
        self.slugs = slugs

    def id_for_slug(self, slug: str) -> int | None:
        return self.slugs.get(slug)

    def add(self, *, slug: str, name: str) -> int:
        self.slugs[slug] = len(self.slugs) + 1
        return self.slugs[slug]


class FakeAgents:
    def __init__(self, agents: list[AgentState]) -> None:
        self.rows = {a.id: a for a in agents}

    def loads(self, tenant_id: int) -> list[AgentLoad]:
        return [AgentLoad(a.id, a.name, "", a.skills, a.availability, a.max_capacity, a.open_leads)
                for a in self.rows.values() if a.tenant_id == tenant_id]

    def get(self, tenant_id: int, agent_id: int, *, for_update: bool = False) -> AgentState | None:
        agent = self.rows.get(agent_id)
        return agent if agent and agent.tenant_id == tenant_id else None

    def states(self, tenant_id: int) -> list[AgentState]:
        return [a for a in self.rows.values() if a.tenant_id == tenant_id]

    def conversion_counts(self, tenant_id: int) -> dict[int, tuple[int, int]]:
        return {}

    def add_open_lead(self, agent_id: int) -> bool:
        agent = self.rows[agent_id]
        if agent.open_leads >= agent.max_capacity or agent.availability != Availability.AVAILABLE:
            return False
        self.rows[agent_id] = replace(agent, open_leads=agent.open_leads + 1)
        return True

    def remove_open_lead(self, agent_id: int) -> None:
        agent = self.rows[agent_id]
        self.rows[agent_id] = replace(agent, open_leads=max(agent.open_leads - 1, 0))

    def set_capacity(self, agent_id, *, max_capacity, availability, lowered, now) -> None:
        agent = self.rows[agent_id]
        self.rows[agent_id] = replace(agent, max_capacity=max_capacity,
                                      availability=availability, version=agent.version + 1)


class FakeLeads:
    def __init__(self, leads: list[LeadState]) -> None:
        self.rows = {lead.id: lead for lead in leads}

    def get(self, tenant_id: int, lead_id: int, *, for_update: bool = False) -> LeadState | None:
        lead = self.rows.get(lead_id)
        return lead if lead and lead.tenant_id == tenant_id else None

    def set_agent(self, lead_id: int, *, agent_id, status: LeadStatus, now) -> None:
        lead = self.rows[lead_id]
        self.rows[lead_id] = replace(lead, agent_id=agent_id, status=status, version=lead.version + 1)

    def set_status(self, lead_id: int, *, status: LeadStatus, now) -> None:
        lead = self.rows[lead_id]
        self.rows[lead_id] = replace(lead, status=status, version=lead.version + 1)
        assert status not in CLOSED_STATUSES or lead.agent_id is not None


class FakeHistory:
    """Assignment stretches and activities, as plain dicts."""

    def __init__(self) -> None:
        self.assignments: list[dict] = []
        self.activities: list[dict] = []

    def start(self, **values) -> None:
        self.assignments.append(dict(values, ended_at=None))

    def end_current(self, lead_id: int, *, now) -> None:
        for row in self.assignments:
            if row["lead_id"] == lead_id and row["ended_at"] is None:
                row["ended_at"] = now

    def add(self, **values) -> int:
        self.activities.append(values)
        return len(self.activities)


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


class FakeUnitOfWork:
    """Changes made inside `with` are kept only if `commit()` was called."""

    def __init__(self, *, users=(), tenants=None, agents=(), leads=()) -> None:
        self.users = FakeUsers(list(users))
        self.tenants = FakeTenants(tenants or {"acme": 1})
        self.agents = FakeAgents(list(agents))
        self.leads = FakeLeads(list(leads))
        self.assignments = self.activities = FakeHistory()
        self.audit = FakeAudit()
        self.committed = 0
        self._snapshot = None

    _STATE = ("users", "tenants", "agents", "leads", "assignments", "audit")

    def __enter__(self):
        self._snapshot = {name: copy.deepcopy(getattr(self, name)) for name in self._STATE}
        return self

    def __exit__(self, *exc) -> None:
        self.rollback()

    def commit(self) -> None:
        self.committed += 1
        self._snapshot = None

    def rollback(self) -> None:
        if self._snapshot is not None:
            for name, value in self._snapshot.items():
                setattr(self, name, value)
            self.activities = self.assignments
            self._snapshot = None
