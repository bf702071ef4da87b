"""Agents: their state for the capacity rule, their loads, and the guarded open-lead counter."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, bindparam, case, func, literal_column, select, update

from core.domain.capacity import AgentLoad, AgentName
from core.domain.errors import RuleViolation
from core.domain.performance import ConversionCount
from core.domain.rules import AgentState
from core.domain.vocabulary import CLOSED_STATUSES, OPEN_STATUSES, Availability, parse_skills
from db.int_case import int_case
from db.models import Agent, Lead
from db.results import AnyRow

OPEN = [s.value for s in OPEN_STATUSES]
CLOSED = [s.value for s in CLOSED_STATUSES]


_STATE_COLUMNS = (Agent.id, Agent.tenant_id, Agent.name, Agent.skills, Agent.availability,
                  Agent.max_capacity, Agent.open_leads, Agent.version)
# Built once (see leads.py): single assignments read one agent each and move its counter.
_AGENTS = Agent.table()
_ONE_AGENT = select(*(_AGENTS.c[column.key] for column in _STATE_COLUMNS)).where(
    _AGENTS.c.id == bindparam("agent_id"), _AGENTS.c.tenant_id == bindparam("tenant_id"))
_ONE_AGENT_LOCKED = _ONE_AGENT.with_for_update()
# The capacity rule as the UPDATE's own guard: no row changes unless there is a free slot.
_ADD_OPEN_LEAD = update(_AGENTS).where(
    _AGENTS.c.id == bindparam("agent_id"), _AGENTS.c.open_leads < _AGENTS.c.max_capacity,
    _AGENTS.c.availability == Availability.AVAILABLE.value,
).values(open_leads=_AGENTS.c.open_leads + 1)
_REMOVE_OPEN_LEAD = update(_AGENTS).where(
    _AGENTS.c.id == bindparam("agent_id"), _AGENTS.c.open_leads > 0,
).values(open_leads=_AGENTS.c.open_leads - 1)


def _state(agent: AnyRow) -> AgentState:
    return AgentState(
        id=agent.id, tenant_id=agent.tenant_id, name=agent.name, skills=parse_skills(agent.skills),
        availability=Availability(agent.availability), max_capacity=agent.max_capacity,
        open_leads=agent.open_leads, version=agent.version,
    )


class SqlAgentRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def loads(self, tenant_id: int) -> list[AgentLoad]:
        # Two plain queries rather than one join: joined to a grouped subquery, MariaDB picks
        # a per-agent ("lateral") plan that reads every open lead row (33 s at 1M leads); alone,
        # the hot count reads only ix_leads_tenant_status_category. SQLite, without statistics,
        # would rather group in the order of ix_leads_tenant_agent_status and look up every
        # assigned lead's category (105 ms against 0.12 ms at 1M): its unary + keeps a column
        # out of index choices.
        sqlite = self.connection.dialect.name == "sqlite"
        group = literal_column("+leads.agent_id") if sqlite else Lead.agent_id
        hot = dict(self.connection.execute(
            select(Lead.agent_id, func.count())
            .where(Lead.tenant_id == tenant_id, Lead.status.in_(OPEN), Lead.score_category == "hot",
                   Lead.agent_id.is_not(None))
            .group_by(group)
        ).all())
        rows = self.connection.execute(
            select(Agent.id, Agent.name, Agent.team, Agent.skills, Agent.availability,
                   Agent.max_capacity, Agent.open_leads, Agent.version)
            .where(Agent.tenant_id == tenant_id)
            .order_by(Agent.name, Agent.id)
        )
        return [
            AgentLoad(
                agent_id=r.id, name=r.name, team=r.team, skills=parse_skills(r.skills),
                availability=Availability(r.availability), max_capacity=r.max_capacity,
                open_leads=r.open_leads, open_hot_leads=hot.get(r.id, 0), version=r.version,
            )
            for r in rows
        ]

    def get(self, tenant_id: int, agent_id: int, *, for_update: bool = False) -> AgentState | None:
        row = self.connection.execute(_ONE_AGENT_LOCKED if for_update else _ONE_AGENT,
                                      {"agent_id": agent_id, "tenant_id": tenant_id}).one_or_none()
        return _state(row) if row else None

    def states(self, tenant_id: int) -> list[AgentState]:
        agents = self.connection.execute(select(*_STATE_COLUMNS).where(Agent.tenant_id == tenant_id))
        return [_state(agent) for agent in agents]

    def conversion_counts(self, tenant_id: int,
                          agent_ids: Sequence[int] | None = None) -> dict[int, ConversionCount]:
        """From the agents' counters (moved by `count_closes`), not a scan of closed leads."""
        query = select(Agent.id, Agent.converted_leads, Agent.closed_leads).where(
            Agent.tenant_id == tenant_id, Agent.closed_leads > 0)
        if agent_ids is not None:
            query = query.where(Agent.id.in_(agent_ids))
        return {agent_id: ConversionCount(won, closed)
                for agent_id, won, closed in self.connection.execute(query)}

    def count_closes(self, closes: dict[int, ConversionCount]) -> None:
        if not closes:
            return
        ids = list(closes)
        self.connection.execute(update(Agent).where(Agent.id.in_(ids)).values(
            closed_leads=Agent.closed_leads + case({a: c.closed for a, c in closes.items()}, value=Agent.id),
            converted_leads=Agent.converted_leads + case({a: c.converted for a, c in closes.items()},
                                                         value=Agent.id)))

    def names(self, tenant_id: int, agent_ids: Sequence[int] | None = None) -> dict[int, AgentName]:
        query = select(Agent.id, Agent.name, Agent.team).where(Agent.tenant_id == tenant_id)
        if agent_ids is not None:
            query = query.where(Agent.id.in_(agent_ids))
        return {agent_id: AgentName(name, team) for agent_id, name, team in self.connection.execute(query)}

    def teams(self, tenant_id: int) -> dict[int, str]:
        rows = self.connection.execute(select(Agent.id, Agent.team).where(Agent.tenant_id == tenant_id))
        return dict(rows.all())

    def skills_of(self, tenant_id: int, ids: Sequence[int]) -> dict[int, frozenset[str]]:
        rows = self.connection.execute(select(Agent.id, Agent.skills).where(
            Agent.tenant_id == tenant_id, Agent.id.in_(ids)))
        return {agent_id: parse_skills(skills) for agent_id, skills in rows}

    def lock_states(self, tenant_id: int, ids: Sequence[int]) -> list[AgentState]:
        """Lock these agents in id order (the order every use case locks agents in)."""
        if not ids:
            return []
        agents = self.connection.execute(select(*_STATE_COLUMNS).where(
            Agent.tenant_id == tenant_id, Agent.id.in_(ids)).order_by(Agent.id).with_for_update())
        return [_state(agent) for agent in agents]

    def add_open_leads(self, counts: dict[int, int]) -> None:
        """Count many new open leads at once, in one UPDATE; its guard refuses to overfill
        anyone, and then nothing of the transaction is kept (the caller rolls back)."""
        if not counts:
            return
        added: ColumnElement[int] = literal_column(int_case("agents.id", counts))
        result = self.connection.execute(
            update(Agent).where(Agent.id.in_(list(counts)), Agent.open_leads + added <= Agent.max_capacity)
            .values(open_leads=Agent.open_leads + added))
        if result.rowcount != len(counts):
            raise RuleViolation(f"{len(counts) - result.rowcount} agent(s) have no room for the "
                                "leads planned for them; nothing was saved. Preview again.")

    def remove_open_leads(self, counts: dict[int, int]) -> None:
        if not counts:
            return
        removed = case(counts, value=Agent.id)
        self.connection.execute(
            update(Agent).where(Agent.id.in_(list(counts))).values(
                open_leads=case((Agent.open_leads >= removed, Agent.open_leads - removed), else_=0)))

    def add_open_lead(self, agent_id: int) -> bool:
        result = self.connection.execute(_ADD_OPEN_LEAD, {"agent_id": agent_id})
        return result.rowcount == 1

    def remove_open_lead(self, agent_id: int) -> None:
        self.connection.execute(_REMOVE_OPEN_LEAD, {"agent_id": agent_id})

    def set_capacity(self, agent_id: int, *, max_capacity: int, availability: Availability,
                     lowered: bool, now: datetime) -> None:
        values = {"max_capacity": max_capacity, "availability": availability.value,
                  "version": Agent.version + 1, "updated_at": now}
        if lowered:
            values["capacity_changed_at"] = now
        # The grace period of an agent who goes away or offline starts here (core/sla/grace.py).
        # Set first: MySQL's later SET clauses would read the new availability.
        changed_at = case((Agent.availability == availability.value, Agent.availability_changed_at),
                          else_=now)
        self.connection.execute(update(Agent).where(Agent.id == agent_id).ordered_values(
            (Agent.availability_changed_at, changed_at), *values.items()))
