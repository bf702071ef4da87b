"""Bulk strategies on random agents and leads: never overfill, and every refusal is the one
the capacity rule gives at that moment (the remembered reasons are never stale)."""

import random
from dataclasses import replace

import pytest

from core.domain import placement as bulk_strategies
from core.domain.placement import Candidate, least_loaded, least_loaded_key, performance, round_robin, skills
from core.domain.rules import AgentState, LeadState, why_agent_cannot_receive
from core.domain.vocabulary import Availability, LeadStatus

SKILL_CHOICES = (None, None, "spanish", "enterprise")


def _agents(rnd: random.Random) -> dict[int, AgentState]:
    agents = {}
    for agent_id in range(1, rnd.randint(1, 8) + 1):
        capacity = rnd.randint(0, 4)
        agents[agent_id] = AgentState(
            id=agent_id, tenant_id=1, name=f"Agent {agent_id}",
            skills=frozenset(s for s in SKILL_CHOICES[2:] if rnd.random() < 0.4) | {"sales"},
            availability=rnd.choice([Availability.AVAILABLE] * 3 + [Availability.AWAY]),
            max_capacity=capacity, open_leads=rnd.randint(0, capacity))
    return agents


def _candidates(rnd: random.Random) -> list[Candidate]:
    return [Candidate(LeadState(id=i, tenant_id=1, name=f"Lead {i}", status=LeadStatus.NEW,
                                agent_id=None, required_skill=rnd.choice(SKILL_CHOICES)),
                      score=rnd.random() * 100)
            for i in range(1, rnd.randint(1, 40) + 1)]


RUNS = {
    "least_loaded": lambda agents, leads: least_loaded(agents, leads),
    "round_robin": lambda agents, leads: round_robin(agents, leads, None),
    "performance": lambda agents, leads: performance(agents, leads, {1: 0.9, 2: 0.1}),
    "skills": lambda agents, leads: skills(agents, leads),
}


@pytest.mark.parametrize("strategy", sorted(RUNS))
def test_remembered_refusals_equal_fresh_ones_and_nobody_is_overfilled(strategy, monkeypatch):
    for seed in range(300):
        rnd = random.Random(seed)
        agents, leads = _agents(rnd), _candidates(rnd)
        remembered = RUNS[strategy](dict(agents), leads)
        with monkeypatch.context() as patch:  # the same run, every reason computed afresh
            patch.setattr(bulk_strategies._WhyNowhere, "__call__",
                          lambda self, lead: bulk_strategies._why_nowhere(self.agents, lead))
            fresh = RUNS[strategy](dict(agents), leads)
        assert remembered == fresh, f"seed {seed}"
        load = {a: agents[a].open_leads for a in agents}
        for _, agent_id in remembered.placed:
            load[agent_id] += 1
        assert all(load[a] <= max(agents[a].max_capacity, agents[a].open_leads) for a in agents)
        assert len(remembered.placed) + len(remembered.unplaced) == len(leads)


def _performance_by_definition(agents, leads, performance_of):
    """Each lead, best score first, to the first agent of every agent sorted by performance
    who may receive it now (what `performance` computes without sorting per lead)."""
    agents, placed = dict(agents), []
    for lead in sorted(leads, key=lambda c: (-c.score, c.lead.id)):
        for agent in sorted(agents.values(), key=lambda a: (-performance_of.get(a.id, 0.0), a.id)):
            if why_agent_cannot_receive(agent, lead.lead) is None:
                agents[agent.id] = replace(agent, open_leads=agent.open_leads + 1)
                placed.append((lead.lead.id, agent.id))
                break
    return placed


def test_performance_places_as_its_definition_does():
    for seed in range(300):
        rnd = random.Random(seed)
        agents, leads = _agents(rnd), _candidates(rnd)
        scores = {agent_id: rnd.choice([0.0, 0.5, 0.9]) for agent_id in agents}
        result = performance(dict(agents), leads, scores)
        assert [tuple(p) for p in result.placed] == _performance_by_definition(agents, leads, scores), seed


def _two_tenants(rnd: random.Random, agents, leads):
    """Some agents and leads of a second tenant: no strategy may mix them."""
    return ({i: replace(a, tenant_id=rnd.choice([1, 1, 2])) for i, a in agents.items()},
            [Candidate(replace(c.lead, tenant_id=rnd.choice([1, 1, 2])), c.score) for c in leads])


def _least_loaded_by_definition(agents, leads):
    """Each lead, in order, to the agent with the smallest least-loaded key of all who may
    receive it now (what `least_loaded` computes with a heap per kind of lead)."""
    agents, placed = dict(agents), []
    for lead in leads:
        able = [a for a in agents.values() if why_agent_cannot_receive(a, lead.lead) is None]
        if able:
            agent = min(able, key=least_loaded_key)
            agents[agent.id] = replace(agent, open_leads=agent.open_leads + 1)
            placed.append((lead.lead.id, agent.id))
    return placed


def _round_robin_by_definition(agents, leads, resume_after):
    """Each lead to the first agent in id order after the last one chosen (wrapping round)
    who may receive it now; the pointer ends on the last one chosen."""
    agents, placed, last = dict(agents), [], resume_after
    for lead in leads:
        ring = sorted(agents)
        after = [i for i in ring if i > (last or 0)] + [i for i in ring if i <= (last or 0)]
        chosen = next((i for i in after if why_agent_cannot_receive(agents[i], lead.lead) is None), None)
        if chosen is not None:
            agents[chosen] = replace(agents[chosen], open_leads=agents[chosen].open_leads + 1)
            placed.append((lead.lead.id, chosen))
            last = chosen
    return placed, last


def test_least_loaded_places_as_its_definition_does():
    for seed in range(300):
        rnd = random.Random(seed)
        agents, leads = _two_tenants(rnd, _agents(rnd), _candidates(rnd))
        result = least_loaded(dict(agents), leads)
        assert [tuple(p) for p in result.placed] == _least_loaded_by_definition(agents, leads), seed


def test_round_robin_places_and_moves_the_pointer_as_its_definition_does():
    for seed in range(300):
        rnd = random.Random(seed)
        agents, leads = _two_tenants(rnd, _agents(rnd), _candidates(rnd))
        resume_after = rnd.choice([None, 0, rnd.randint(1, 9)])
        result = round_robin(dict(agents), leads, resume_after)
        placed, last = _round_robin_by_definition(agents, leads, resume_after)
        assert ([tuple(p) for p in result.placed], result.round_robin_agent_id) == (placed, last), seed
