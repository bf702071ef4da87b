"""Capacity figures (docs/design.md §3): utilization per agent and workload fairness."""

from dataclasses import dataclass
from typing import NamedTuple

from core.domain.vocabulary import Availability

HIGH_UTILIZATION = 0.8


class AgentName(NamedTuple):
    name: str
    team: str


@dataclass(frozen=True)
class AgentLoad:
    agent_id: int
    name: str
    team: str
    skills: frozenset[str]
    availability: Availability
    max_capacity: int
    open_leads: int
    open_hot_leads: int = 0
    version: int = 1

    @property
    def utilization(self) -> float:
        return utilization(self.open_leads, self.max_capacity)

    @property
    def free_slots(self) -> int:
        return max(self.max_capacity - self.open_leads, 0)

    @property
    def over_capacity(self) -> bool:
        """Only possible after capacity was lowered below the load (allowed, flagged)."""
        return self.open_leads > self.max_capacity


def utilization(open_leads: int, max_capacity: int) -> float:
    if max_capacity <= 0:
        return 1.0 if open_leads == 0 else float(open_leads)
    return open_leads / max_capacity


def gini(values: list[float]) -> float:
    """Gini coefficient: 0 = perfectly even, towards 1 = all load on few agents."""
    n = len(values)
    total = sum(values)
    if n == 0 or total == 0:
        return 0.0
    ordered = sorted(values)
    weighted = sum((rank + 1) * v for rank, v in enumerate(ordered))
    return (2 * weighted) / (n * total) - (n + 1) / n


@dataclass(frozen=True)
class TeamTotals:
    agents: int
    agents_available: int
    open_leads: int
    capacity: int
    free_slots: int
    utilization: float
    fairness_gini: float


def team_totals(loads: list[AgentLoad]) -> TeamTotals:
    available = [a for a in loads if a.availability == Availability.AVAILABLE]
    capacity = sum(a.max_capacity for a in loads)
    open_leads = sum(a.open_leads for a in loads)
    return TeamTotals(
        agents=len(loads),
        agents_available=len(available),
        open_leads=open_leads,
        capacity=capacity,
        free_slots=sum(a.free_slots for a in available),
        utilization=utilization(open_leads, capacity) if capacity else 0.0,
        fairness_gini=gini([a.utilization for a in available]),
    )


def fairness_sentence(gini_value: float) -> str:
    if gini_value < 0.15:
        verdict = "work is spread evenly"
    elif gini_value < 0.3:
        verdict = "work is somewhat uneven"
    else:
        verdict = "a few agents carry most of the work"
    return (
        f"Fairness (Gini of utilization over available agents) is {gini_value:.2f}: "
        f"0 means every available agent is equally loaded, 1 means one agent has it all — {verdict}."
    )


def filter_loads(
    loads: list[AgentLoad], *, availability: set[str] | None = None, skill: str | None = None,
    high_only: bool = False, name: str = "",
) -> list[AgentLoad]:
    """The capacity page's filters. Agents per tenant are few, so this runs in memory."""
    needle = name.strip().lower()
    return [
        a for a in loads
        if (not availability or a.availability.value in availability)
        and (not skill or skill in a.skills)
        and (not high_only or a.utilization >= HIGH_UTILIZATION)
        and (not needle or needle in a.name.lower())
    ]
