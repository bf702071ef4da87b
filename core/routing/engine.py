"""The routing engine: rules in order over one snapshot, each placing what it can (pure).

Each rule places the new leads its filter matches and no earlier rule placed, with its own
strategy, among the routable agents in its scope. The agents' loads are shared by all rules,
so a later rule sees what the earlier ones gave, and no plan overfills anyone (the capacity
rule of core.domain.rules, as in a bulk run). A lead a rule matches but cannot place passes on
to the next rule, with why; a lead no rule places is left, with every rule's reason.
"""

from dataclasses import dataclass, field

from core.domain.placement import (
    Candidate,
    LeadShown,
    Placement,
    PlacementResult,
    Refusal,
    Strategy,
    least_loaded,
    performance,
    round_robin,
    skills,
)
from core.domain.routing import CategoryOf, LeftOut, RoutingRule
from core.domain.rules import AgentState, why_lead_cannot_be_assigned
from core.domain.scoring import Thresholds

NO_RULE = "No active routing rule matches this lead (its source, category, score or skill)."


@dataclass(frozen=True)
class Routed:
    """A lead placed by a rule."""

    lead_id: int
    agent_id: int
    rule_id: int


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule does in a run: the leads it places, those it passes on, and the loads of
    its agents before it (what the bulk preview shows)."""

    rule: RoutingRule
    placed: list[Placement]
    passed_on: list[Refusal]
    agents_before: dict[int, AgentState]
    round_robin_after: int | None

    @property
    def matched(self) -> int:
        return len(self.placed) + len(self.passed_on)


@dataclass(frozen=True)
class RoutingPlan:
    outcomes: list[RuleOutcome]
    unplaced: list[Refusal]                       # leads no rule could place, with why
    lead_versions: dict[int, int] = field(default_factory=dict)
    leads: dict[int, LeadShown] = field(default_factory=dict)

    @property
    def routed(self) -> list[Routed]:
        return [Routed(p.lead_id, p.agent_id, o.rule.id) for o in self.outcomes for p in o.placed]


@dataclass(frozen=True)
class Snapshot:
    """What a run plans over: the rules in order, the new leads (best score first), the agents
    who may receive routed leads now with their teams, each rule's round-robin pointer and
    (for the performance strategy) each agent's performance score."""

    rules: list[RoutingRule]
    leads: list[Candidate]
    agents: dict[int, AgentState]
    teams: dict[int, str]
    thresholds: Thresholds
    pointers: dict[int, int] = field(default_factory=dict)
    performance_of: dict[int, float] = field(default_factory=dict)
    left_out: dict[int, LeftOut] = field(default_factory=dict)  # agents routing passes over now


def in_scope(rule: RoutingRule, agent: AgentState, team: str) -> bool:
    spec = rule.spec
    return ((not spec.teams or team in spec.teams)
            and (not spec.agent_skill or spec.agent_skill in agent.skills))


def place_by_rule(rule: RoutingRule, pool: dict[int, AgentState], leads: list[Candidate],
                  pointer: int | None, performance_of: dict[int, float]) -> PlacementResult:
    """The rule's strategy over `pool` (counting each placement in it), as in a bulk run."""
    strategy = rule.spec.strategy
    if strategy == Strategy.ROUND_ROBIN:
        return round_robin(pool, leads, pointer)
    if strategy == Strategy.PERFORMANCE:
        return performance(pool, leads, performance_of)
    if strategy == Strategy.SKILLS:
        return skills(pool, leads)
    return least_loaded(pool, leads)


def why_nobody(rule: RoutingRule, snapshot: Snapshot) -> str:
    """Why none of the rule's agents may receive routed leads now: off shift, away, or none."""
    scope = rule.spec.describe_agents()
    out = [o for i, o in sorted(snapshot.left_out.items())
           if in_scope(rule, o.agent, snapshot.teams.get(i, ""))]
    if not out:
        return f"No agent of {scope} may receive routed leads now."
    if all(o.off_shift for o in out):
        return f"No agent of {scope} is on shift now (team hours on the SLAs & hours page)."
    shown = " ".join(o.why for o in out[:3]) + (f" (and {len(out) - 3} more)" if len(out) > 3 else "")
    return f"No agent of {scope} may receive routed leads now: {shown}"


def _nobody(rule: RoutingRule, snapshot: Snapshot, leads: list[Candidate]) -> list[Refusal]:
    why = why_nobody(rule, snapshot)
    return [Refusal(c.lead.id, why) for c in leads]


def route(snapshot: Snapshot) -> RoutingPlan:
    loads = dict(snapshot.agents)
    placed_ids: set[int] = set()
    reasons: dict[int, list[str]] = {}
    outcomes: list[RuleOutcome] = []
    category_of = CategoryOf(snapshot.thresholds)  # shared by the rules: once per score a run
    waiting = [c for c in snapshot.leads if why_lead_cannot_be_assigned(c.lead) is None]
    for rule in snapshot.rules:
        todo = rule.spec.matching(waiting, category_of)
        pool = {i: a for i, a in loads.items() if in_scope(rule, a, snapshot.teams.get(i, ""))}
        before = dict(pool)
        if not todo:
            outcomes.append(RuleOutcome(rule, [], [], before, None))
            continue
        if pool:
            result = place_by_rule(rule, pool, todo, snapshot.pointers.get(rule.id), snapshot.performance_of)
        else:
            result = PlacementResult([], _nobody(rule, snapshot, todo), None)
        loads.update(pool)  # the strategies count each placement in the pool they are given
        if result.placed:
            placed_ids.update(p.lead_id for p in result.placed)
            waiting = [c for c in waiting if c.lead.id not in placed_ids]
        for refusal in result.unplaced:
            reasons.setdefault(refusal.lead_id, []).append(f"rule '{rule.name}': {refusal.why}")
        outcomes.append(RuleOutcome(rule, result.placed, result.unplaced, before,
                                    result.round_robin_agent_id))
    unplaced = [Refusal(c.lead.id, "; ".join(reasons.get(c.lead.id, [])) or NO_RULE)
                for c in snapshot.leads if c.lead.id not in placed_ids]
    return RoutingPlan(outcomes, unplaced,
                       lead_versions={c.lead.id: c.lead.version for c in snapshot.leads},
                       leads={c.lead.id: LeadShown(c.lead.name, c.score) for c in snapshot.leads})
