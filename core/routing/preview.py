"""What each rule would do now, as the bulk preview shows a plan (pages/_shared/bulk_views.py)."""

from dataclasses import dataclass

from core.bulk.assign import AgentScope, BulkPlan, BulkRequest
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Permission
from core.domain.placement import Refusal
from core.domain.routing import RoutingRule
from core.ports import UnitOfWork
from core.routing.engine import RoutingPlan
from core.routing.planning import plan_routing


@dataclass(frozen=True)
class RulePreview:
    rule: RoutingRule
    plan: BulkPlan               # the leads it would place, and its agents' load before/after
    passed_on: list[Refusal]     # leads it matches but cannot place: they go on to the next rule


@dataclass(frozen=True)
class RoutingPreview:
    rules: list[RulePreview]     # active rules, in order
    unplaced: list[Refusal]      # leads no rule would place


def _as_bulk_plan(plan: RoutingPlan, index: int) -> BulkPlan:
    outcome = plan.outcomes[index]
    spec = outcome.rule.spec
    request = BulkRequest(strategy=spec.strategy, filters=LeadFilters(
        statuses=("new",), sources=spec.sources, categories=spec.categories,
        required_skill=spec.required_skill, score_min=spec.score_min, score_max=spec.score_max),
        scope=AgentScope(teams=spec.teams, skill=spec.agent_skill))
    shown = {p.lead_id for p in outcome.placed}
    return BulkPlan(request=request, placed=outcome.placed, unplaced=outcome.passed_on,
                    agents_before=outcome.agents_before,
                    lead_versions={i: v for i, v in plan.lead_versions.items() if i in shown},
                    round_robin_after=outcome.round_robin_after, round_robin_before=None,
                    leads={i: s for i, s in plan.leads.items() if i in shown})


def preview_routing(uow: UnitOfWork, actor: Actor) -> RoutingPreview:
    """Where the active rules would place the new leads now; nothing is written."""
    actor.require(Permission.MANAGE_ROUTING)
    plan = plan_routing(uow, actor)
    return RoutingPreview([RulePreview(o.rule, _as_bulk_plan(plan, i), o.passed_on)
                           for i, o in enumerate(plan.outcomes)], plan.unplaced)
