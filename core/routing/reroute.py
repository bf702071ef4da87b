"""The SLA step of a routing run: breached leads move once, by the rules that say so.

An open first-contact breach (docs/sla-and-hours.md) that an active rule marked "re-route
breached" matches moves to ANOTHER agent of that rule who may receive routed leads now
(available and on shift), chosen by the rule's strategy against the loads built so far. Rules
are tried in order, and a rule that cannot move the lead passes it on, as for new leads. Rules
without the mark leave breached leads alone.

The moves of one pass are one batch of kind `sla_reroute`, recorded with its plan before any
lead moves, as a routing run is: shown among the recent batches on Bulk operations and undone
there (core.bulk.undo gives each lead back to the agent it came from). Each move is one short
transaction through core.sla.breaches.reroute_breached_lead_in, which re-checks the breach, the
once-per-lead mark (sla_rerouted_at) and the capacity rule on the locked rows, and records the
reason "first-contact SLA breached" in the assignment history and the audit, both naming the
batch; the batch's item (the lead, its new agent, its version after) is written with it. A pass
that stopped part-way is not resumed: the next pass closes it as it stands.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NamedTuple

from core.bulk.runner import close_batch, close_stopped_runs, open_batch, run_plan
from core.domain.batches import RUN_CLOSING, BatchItem, BatchKind
from core.domain.clock import utcnow
from core.domain.errors import NotFound, RuleViolation
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.placement import Candidate, Refusal, Strategy
from core.domain.routing import RoutingRule
from core.domain.rules import AgentState
from core.gamification.standings import performance_scores
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction
from core.routing.eligibility import routing_pool, why_not_routable
from core.routing.engine import Snapshot, in_scope, place_by_rule, why_nobody
from core.sla.breaches import reroute_breached_lead_in
from core.sla.shifts import on_shift_agent_ids_in

# Breached leads one run looks at, longest overdue first; the next run takes the rest.
MAX_REROUTE = 1000
# One lead per transaction, as each move locks its lead, then its two agents by id.
CHUNK = 1


@dataclass(frozen=True)
class Reroute:
    """A breached lead moved (planned, on a dry run) from one agent to another by a rule."""

    lead_id: int
    from_agent: str
    to_agent_id: int
    to_agent: str
    rule: str


class Move(NamedTuple):
    """One position of a stored re-route plan."""

    lead_id: int
    to_agent_id: int
    rule_id: int


@dataclass(frozen=True)
class RerouteResult:
    moved: list[Reroute] = field(default_factory=list)
    left: list[Refusal] = field(default_factory=list)  # matched by a re-routing rule, cannot move
    untouched: int = 0       # breached leads no re-routing rule matches: they stay, by design
    dry_run: bool = False
    batch_id: str | None = None  # the pass's batch, when it planned any move


@dataclass(frozen=True)
class _World:
    rules: list[RoutingRule]
    breached: list[Candidate]     # longest overdue first
    snapshot: Snapshot            # the routable agents and those passed over, teams, pointers
    names: dict[int, str]         # every agent of the tenant by id (the current agents' names)


def _read(uow: UnitOfWork, actor: Actor, now: datetime, skip: frozenset[int]) -> _World | None:
    tenant_id = actor.tenant_id
    rules = [r for r in uow.routing.rules(tenant_id) if r.spec.active and r.spec.reroute_breached]
    if not rules:
        return None
    ids = uow.sla.open_breach_ids(tenant_id, uow.sla.settings(tenant_id), now,
                                  limit=MAX_REROUTE, not_rerouted=True)
    by_id = {c.lead.id: c for c in uow.leads.candidates_by_id(tenant_id, ids)}
    pool = routing_pool(uow, tenant_id, now)
    by_performance = any(r.spec.strategy == Strategy.PERFORMANCE for r in rules)
    performance_of = ({agent_id: p.score for agent_id, p in performance_scores(
        uow, tenant_id, now=now, agent_ids=list(pool.agents)).items()}
        if by_performance and pool.agents and ids else {})
    snapshot = Snapshot(rules=rules, leads=[], agents=pool.agents, teams=uow.agents.teams(tenant_id),
                        thresholds=uow.scoring.current_settings(tenant_id).thresholds,
                        pointers=uow.routing.pointers(tenant_id), performance_of=performance_of,
                        left_out=pool.left_out)
    names = {**{i: a.name for i, a in pool.agents.items()},
             **{i: o.agent.name for i, o in pool.left_out.items()}}
    return _World(rules, [by_id[i] for i in ids if i in by_id and i not in skip], snapshot, names)


def _plan(world: _World) -> tuple[list[tuple[Reroute, int]], list[Refusal], int, dict[int, int]]:
    """Each breached lead to the first re-routing rule that can move it: the moves (with each
    rule's id), the leads that cannot move (with why), how many no such rule matches, and each
    round-robin rule's pointer after."""
    snap = world.snapshot
    loads: dict[int, AgentState] = dict(snap.agents)
    pointers = dict(snap.pointers)
    moves: list[tuple[Reroute, int]] = []
    left: list[Refusal] = []
    untouched = 0
    for candidate in world.breached:
        current = candidate.lead.agent_id
        matching = [r for r in world.rules if r.spec.matches(candidate, snap.thresholds)]
        if not matching:
            untouched += 1
            continue
        reasons = []
        for rule in matching:
            scope = {i: a for i, a in loads.items() if in_scope(rule, a, snap.teams.get(i, ""))}
            pool = {i: a for i, a in scope.items() if i != current}
            if not pool:
                reasons.append(f"rule '{rule.name}': " + (
                    f"no agent of {rule.spec.describe_agents()} other than its current one may "
                    "receive routed leads now." if scope else why_nobody(rule, snap)))
                continue
            result = place_by_rule(rule, pool, [candidate], pointers.get(rule.id), snap.performance_of)
            if not result.placed:
                reasons.append(f"rule '{rule.name}': {result.unplaced[0].why}")
                continue
            to = result.placed[0].agent_id
            loads[to] = pool[to]  # the strategy counted the lead in its pool
            if current in loads:
                loads[current] = replace(loads[current], open_leads=max(loads[current].open_leads - 1, 0))
            if result.round_robin_agent_id is not None:
                pointers[rule.id] = result.round_robin_agent_id
            moves.append((Reroute(candidate.lead.id, world.names.get(current or 0, f"agent #{current}"),
                                  to, world.names[to], rule.name), rule.id))
            break
        else:
            left.append(Refusal(candidate.lead.id, "; ".join(reasons)))
    changed = {rule_id: agent_id for rule_id, agent_id in pointers.items()
               if snap.pointers.get(rule_id) != agent_id}
    return moves, left, untouched, changed


def _move_in(uow: UnitOfWork, actor: Actor, move: Move, now: datetime, batch_id: str) -> str | None:
    """One lead's move in the caller's transaction; the chosen agent asked again beside the
    locks. Why it did not move, or None."""
    agent = uow.agents.get(actor.tenant_id, move.to_agent_id)
    if agent is None:
        return f"Agent #{move.to_agent_id} no longer exists."
    why = why_not_routable(agent, on_shift=agent.id in on_shift_agent_ids_in(uow, actor.tenant_id, now))
    if why:
        return why
    try:
        reroute_breached_lead_in(uow, actor, lead_id=move.lead_id, eligible_agent_ids=[move.to_agent_id],
                                 now=now, batch_id=batch_id)
    except (RuleViolation, NotFound) as refused:  # raised before the lead's first write
        return str(refused)
    return None


Apply = Callable[[UnitOfWork, list[tuple[int, Move]]], list[BatchItem]]


def _applier(actor: Actor, batch_id: str, now: datetime) -> Apply:
    def apply(uow: UnitOfWork, todo: list[tuple[int, Move]]) -> list[BatchItem]:
        items = []
        for position, move in todo:
            refused = _move_in(uow, actor, move, now, batch_id)
            version = None if refused else uow.leads.versions(actor.tenant_id, [move.lead_id])[move.lead_id]
            items.append(BatchItem(position, move.lead_id, None if refused else move.to_agent_id,
                                   version, refused))
        return items
    return apply


def _apply_as_batch(new_uow: UnitOfWorkFactory, actor: Actor, moves: list[tuple[Reroute, int]],
                    pointers: dict[int, int], now: datetime) -> tuple[str, list[BatchItem]]:
    stored: dict[str, Any] = {"moves": [[m.lead_id, m.to_agent_id, rule_id] for m, rule_id in moves]}
    batch_id = open_batch(new_uow, actor, kind=BatchKind.SLA_REROUTE, now=now, plan=stored,
                          positions=len(moves), strategy="re-route breached")
    plan = [Move(*row) for row in stored["moves"]]
    items = run_plan(new_uow, actor, batch_id, BatchKind.SLA_REROUTE, plan, _applier(actor, batch_id, now),
                     chunk=CHUNK)
    moved_any = any(item.applied for item in items)

    def close(uow: UnitOfWork) -> None:
        if moved_any:  # each round-robin rule resumes after the agent it served last
            for rule_id, agent_id in pointers.items():
                uow.routing.set_pointer(actor.tenant_id, rule_id, agent_id)
        action, changed, refused = RUN_CLOSING[BatchKind.SLA_REROUTE]
        close_batch(uow, actor, batch_id, action=action, changed=changed, refused=refused)
    in_transaction(new_uow, close)
    return batch_id, items


def reroute_breached(new_uow: UnitOfWorkFactory, actor: Actor, *, dry_run: bool = False,
                     now: datetime | None = None, skip: frozenset[int] = frozenset()) -> RerouteResult:
    """Move the tenant's breached leads by its re-routing rules, as one batch; `dry_run`: the
    plan only. `skip`: leads left out (a dry run's leads the grace would release first)."""
    actor.require(Permission.BULK_OPERATIONS)
    at = now or utcnow()
    if not dry_run:
        close_stopped_runs(new_uow, actor, BatchKind.SLA_REROUTE)
    world = in_transaction(new_uow, lambda uow: _read(uow, actor, at, skip))
    if world is None:
        return RerouteResult(dry_run=dry_run)
    moves, left, untouched, pointers = _plan(world)
    if dry_run or not moves:
        return RerouteResult([m for m, _ in moves], left, untouched, dry_run=dry_run)
    batch_id, items = _apply_as_batch(new_uow, actor, moves, pointers, at)
    refused = {item.lead_id: item.refused for item in items if item.refused}
    return RerouteResult([m for m, _ in moves if m.lead_id not in refused],
                         left + [Refusal(lead_id, why) for lead_id, why in refused.items()],
                         untouched, batch_id=batch_id)
