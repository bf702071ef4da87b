"""The agent repository in memory: states, loads, and the guarded open-lead counter, as
db/repositories/agents.py keeps them."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from core.domain.capacity import AgentLoad, AgentName
from core.domain.errors import RuleViolation
from core.domain.performance import ConversionCount
from core.domain.rules import AgentState
from core.domain.vocabulary import CLOSED_STATUSES, OPEN_STATUSES, Availability, LeadStatus, ScoreCategory
from tests.unit.fake_store import Store


class FakeAgents:
    def __init__(self, store: Store) -> None:
        self._store = store
        self.closes_counted: dict[int, ConversionCount] = {}

    @property
    def rows(self) -> dict[int, AgentState]:
        return self._store.agents

    def _of_tenant(self, tenant_id: int, ids: Iterable[int] | None = None) -> list[AgentState]:
        wanted = None if ids is None else set(ids)
        return [a for _, a in sorted(self.rows.items())
                if a.tenant_id == tenant_id and (wanted is None or a.id in wanted)]

    def loads(self, tenant_id: int) -> list[AgentLoad]:
        hot = Counter(lead.agent_id for lead in self._store.leads.values()
                      if lead.tenant_id == tenant_id and lead.status in OPEN_STATUSES
                      and self._store.fields_of(lead.id).score_category == ScoreCategory.HOT)
        agents = sorted(self._of_tenant(tenant_id), key=lambda a: (a.name, a.id))
        return [AgentLoad(a.id, a.name, self._store.teams.get(a.id, ""), a.skills, a.availability,
                          a.max_capacity, a.open_leads, hot[a.id], a.version) for a in agents]

    def get(self, tenant_id: int, agent_id: int, *, for_update: bool = False) -> AgentState | None:
        agent = self.rows.get(agent_id)
        return agent if agent and agent.tenant_id == tenant_id else None

    def states(self, tenant_id: int) -> list[AgentState]:
        return self._of_tenant(tenant_id)

    def lock_states(self, tenant_id: int, ids: Sequence[int]) -> list[AgentState]:
        return self._of_tenant(tenant_id, ids)

    def names(self, tenant_id: int, agent_ids: Sequence[int] | None = None) -> dict[int, AgentName]:
        return {a.id: AgentName(a.name, self._store.teams.get(a.id, "")) for a in self._of_tenant(tenant_id)
                if agent_ids is None or a.id in agent_ids}

    def teams(self, tenant_id: int) -> dict[int, str]:
        return {a.id: self._store.teams.get(a.id, "") for a in self._of_tenant(tenant_id)}

    def skills_of(self, tenant_id: int, ids: Sequence[int]) -> dict[int, frozenset[str]]:
        return {a.id: a.skills for a in self._of_tenant(tenant_id, ids)}

    def conversion_counts(self, tenant_id: int,
                          agent_ids: Sequence[int] | None = None) -> dict[int, ConversionCount]:
        closed: Counter[int] = Counter()
        converted: Counter[int] = Counter()
        for lead in self._store.leads.values():
            if agent_ids is not None and lead.agent_id not in agent_ids:
                continue
            if lead.tenant_id == tenant_id and lead.status in CLOSED_STATUSES and lead.agent_id:
                closed[lead.agent_id] += 1
                converted[lead.agent_id] += lead.status == LeadStatus.CONVERTED
        return {agent_id: ConversionCount(converted[agent_id], n) for agent_id, n in closed.items()}

    def count_closes(self, closes: dict[int, ConversionCount]) -> None:
        """The fake counts from its leads (conversion_counts above); it records what it was
        told, so a test can check that a close was counted once."""
        for agent_id, count in closes.items():
            self.closes_counted[agent_id] = ConversionCount(
                self.closes_counted.get(agent_id, ConversionCount(0, 0)).converted + count.converted,
                self.closes_counted.get(agent_id, ConversionCount(0, 0)).closed + count.closed)

    def add_open_lead(self, agent_id: int) -> bool:
        agent = self.rows[agent_id]
        if agent.open_leads >= agent.max_capacity or agent.availability != Availability.AVAILABLE:
            return False
        self.rows[agent_id] = replace(agent, open_leads=agent.open_leads + 1)
        return True

    def add_open_leads(self, counts: dict[int, int]) -> None:
        """All or nothing, as the guarded UPDATE: nobody may end above max_capacity."""
        full = [a for a, n in counts.items()
                if a not in self.rows or self.rows[a].open_leads + n > self.rows[a].max_capacity]
        if full:
            raise RuleViolation(f"{len(full)} agent(s) have no room for the leads planned for them; "
                                "nothing was saved. Preview again.")
        for agent_id, n in counts.items():
            agent = self.rows[agent_id]
            self.rows[agent_id] = replace(agent, open_leads=agent.open_leads + n)

    def remove_open_lead(self, agent_id: int) -> None:
        self.remove_open_leads({agent_id: 1})

    def remove_open_leads(self, counts: dict[int, int]) -> None:
        for agent_id, n in counts.items():
            agent = self.rows[agent_id]
            self.rows[agent_id] = replace(agent, open_leads=max(agent.open_leads - n, 0))

    def set_capacity(self, agent_id: int, *, max_capacity: int, availability: Availability,
                     lowered: bool, now: datetime) -> None:
        agent = self.rows[agent_id]
        if availability != agent.availability:
            self._store.availability_changed[agent_id] = now
        self.rows[agent_id] = replace(agent, max_capacity=max_capacity, availability=availability,
                                      version=agent.version + 1)
