"""How a bulk assignment places leads (DESIGN.md §4). Pure functions over a snapshot.

Every placement passes the capacity rule against the load the plan has built so far, so a
plan never overfills anyone; leads that fit nowhere are returned with the rule that refused.
"""

import heapq
from dataclasses import dataclass, replace
from enum import StrEnum

from core.domain import Availability
from core.rules import AgentState, LeadState, why_agent_cannot_receive


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    PERFORMANCE = "performance"
    SKILLS = "skills"
    MANUAL = "manual"


@dataclass(frozen=True)
class Candidate:
    """A lead to place, with what the strategies rank by."""

    lead: LeadState
    score: float = 0.0
    manual_agent_id: int | None = None  # per-row agent of a manual CSV


@dataclass(frozen=True)
class Placement:
    placed: list[tuple[int, int]]        # (lead id, agent id), in placement order
    unplaced: list[tuple[int, str]]      # (lead id, why)
    round_robin_agent_id: int | None     # where the next round-robin run resumes


def _why_nowhere(agents: dict[int, AgentState], lead: LeadState) -> str:
    if not agents:
        return "No agent takes part in this run."
    reasons = {why_agent_cannot_receive(a, lead) for a in agents.values()}
    if lead.required_skill and all(lead.required_skill not in a.skills for a in agents.values()):
        return f"No agent in this run has skill {lead.required_skill}."
    if len(reasons) == 1:
        return reasons.pop()
    if lead.required_skill:
        return f"Every agent with skill {lead.required_skill} is full or unavailable."
    return "Every eligible agent is full or unavailable."


class _WhyNowhere:
    """`_why_nowhere`, remembered per (tenant, skill) until the next placement: the answer
    depends on nothing else, and a large run asks it for thousands of leads once agents fill."""

    def __init__(self, agents: dict[int, AgentState]) -> None:
        self.agents, self.answers = agents, {}

    def __call__(self, lead: LeadState) -> str:
        key = (lead.tenant_id, lead.required_skill)
        if key not in self.answers:
            self.answers[key] = _why_nowhere(self.agents, lead)
        return self.answers[key]

    def forget(self) -> None:
        self.answers.clear()


def _take(agents: dict[int, AgentState], agent_id: int, why_nowhere: _WhyNowhere) -> None:
    agent = agents[agent_id]
    agents[agent_id] = replace(agent, open_leads=agent.open_leads + 1)
    why_nowhere.forget()


def _least_loaded_key(agent: AgentState) -> tuple:
    free = agent.max_capacity - agent.open_leads
    utilization = agent.open_leads / agent.max_capacity if agent.max_capacity else 1.0
    return (-free, utilization, agent.id)


def _place_by(order, agents: dict[int, AgentState], candidates: list[Candidate]) -> Placement:
    """Generic: each lead goes to the first agent in `order(agents)` that may receive it."""
    placed, unplaced, why_nowhere = [], [], _WhyNowhere(agents)
    for candidate in candidates:
        chosen = next((a.id for a in order(agents) if not why_agent_cannot_receive(a, candidate.lead)), None)
        if chosen is None:
            unplaced.append((candidate.lead.id, why_nowhere(candidate.lead)))
        else:
            _take(agents, chosen, why_nowhere)
            placed.append((candidate.lead.id, chosen))
    return Placement(placed, unplaced, None)


def least_loaded(agents: dict[int, AgentState], candidates: list[Candidate]) -> Placement:
    """Most free capacity first; ties by lower utilization, then id. A heap keeps it fast."""
    heap = [(_least_loaded_key(a), a.id) for a in agents.values()
            if a.availability == Availability.AVAILABLE]  # the others can never receive
    heapq.heapify(heap)
    placed, unplaced, why_nowhere = [], [], _WhyNowhere(agents)
    for candidate in candidates:
        skipped, chosen = [], None
        while heap:
            key, agent_id = heapq.heappop(heap)
            if why_agent_cannot_receive(agents[agent_id], candidate.lead) is None:
                chosen = agent_id
                break
            if agents[agent_id].open_leads < agents[agent_id].max_capacity:
                skipped.append((key, agent_id))  # may still suit a later lead (skill, say)
        for item in skipped:
            heapq.heappush(heap, item)
        if chosen is None:
            unplaced.append((candidate.lead.id, why_nowhere(candidate.lead)))
            continue
        _take(agents, chosen, why_nowhere)
        placed.append((candidate.lead.id, chosen))
        heapq.heappush(heap, (_least_loaded_key(agents[chosen]), chosen))
    return Placement(placed, unplaced, None)


def round_robin(agents: dict[int, AgentState], candidates: list[Candidate],
                resume_after: int | None) -> Placement:
    """Agents in id order, starting after the tenant's pointer, skipping those who may not."""
    ring = sorted(agents)
    start = next((i for i, agent_id in enumerate(ring) if agent_id > (resume_after or 0)), 0)
    placed, unplaced, last, why_nowhere = [], [], resume_after, _WhyNowhere(agents)
    for candidate in candidates:
        chosen = None
        for step in range(len(ring)):
            agent_id = ring[(start + step) % len(ring)]
            if why_agent_cannot_receive(agents[agent_id], candidate.lead) is None:
                chosen, start = agent_id, (start + step + 1) % len(ring)
                break
        if chosen is None:
            unplaced.append((candidate.lead.id, why_nowhere(candidate.lead)))
            continue
        _take(agents, chosen, why_nowhere)
        placed.append((candidate.lead.id, chosen))
        last = chosen
    return Placement(placed, unplaced, last)


def performance(agents: dict[int, AgentState], candidates: list[Candidate],
                performance_of: dict[int, float]) -> Placement:
    """Highest-scored leads first, each to the best-performing agent who may take it."""
    ordered = sorted(candidates, key=lambda c: (-c.score, c.lead.id))
    rank = lambda pool: sorted(pool.values(), key=lambda a: (-performance_of.get(a.id, 0.0), a.id))  # noqa: E731
    return _place_by(rank, agents, ordered)


def skills(agents: dict[int, AgentState], candidates: list[Candidate]) -> Placement:
    """Leads that need a skill go first (specialists are scarce), each to the least loaded."""
    ordered = sorted(candidates, key=lambda c: (c.lead.required_skill is None, c.lead.id))
    return least_loaded(agents, ordered)


def manual(agents: dict[int, AgentState], candidates: list[Candidate],
           agent_id: int | None) -> Placement:
    """One chosen agent for every lead, or each lead's own agent from the uploaded file."""
    placed, unplaced, why_nowhere = [], [], _WhyNowhere(agents)
    for candidate in candidates:
        target = candidate.manual_agent_id or agent_id
        if target is None or target not in agents:
            unplaced.append((candidate.lead.id, "No agent was chosen for this lead, or that agent "
                                                "does not take part in this run."))
            continue
        refusal = why_agent_cannot_receive(agents[target], candidate.lead)
        if refusal:
            unplaced.append((candidate.lead.id, refusal))
            continue
        _take(agents, target, why_nowhere)
        placed.append((candidate.lead.id, target))
    return Placement(placed, unplaced, None)
