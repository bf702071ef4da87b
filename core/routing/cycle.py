"""One `cli.py route` for one tenant (docs/routing.md, "Order of a run"):

1. the availability grace: the untouched leads of agents away or offline past the grace period
   go back to the unassigned pool (repeated while more remain);
2. the SLA step: breached leads move once, by the rules marked "re-route breached";
3. routing: the new leads (among them those just released) by the active rules.

Each step that changes anything is a batch of its own, listed on Bulk operations: the grace's
`grace_release` (not undone: its agents are away), the SLA step's `sla_reroute` and routing's
`routing` (both undone there). Released leads are routed in the same run, because step 3 reads
the new leads after step 1 committed, and the agents they came from are not routable (away or
offline). A dry run plans
each step and writes nothing; its routing plan does not see the leads step 1 would release
(they are not new until it runs): the real run routes them too.
"""

from dataclasses import dataclass
from datetime import datetime

from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.ports import UnitOfWorkFactory
from core.routing.reroute import RerouteResult, reroute_breached
from core.routing.run import RoutingResult, run_routing
from core.sla.grace import ReleaseReport, releasable, release_untouched_from_unavailable


@dataclass(frozen=True)
class RouteCycle:
    released: ReleaseReport
    rerouted: RerouteResult
    routed: RoutingResult


def _release_all(new_uow: UnitOfWorkFactory, actor: Actor, now: datetime) -> ReleaseReport:
    released: list[tuple[str, int]] = []
    batches: list[str] = []
    while True:
        report = release_untouched_from_unavailable(new_uow(), actor, now)
        released += report.released
        batches += report.batch_ids
        if not report.more or not report.total:  # nothing released: stop rather than spin
            return ReleaseReport(tuple(released), False, batch_ids=tuple(batches))


def route_tenant(new_uow: UnitOfWorkFactory, actor: Actor, *, dry_run: bool = False,
                 now: datetime | None = None) -> RouteCycle:
    """The three steps in order for the actor's tenant; `now`: a fixed clock (tests)."""
    at = now or utcnow()
    released = releasable(new_uow(), actor, at) if dry_run else _release_all(new_uow, actor, at)
    # A dry run writes no release, so the breached leads the grace would give back are left out
    # of its re-route plan, as the real run (which releases them first) would leave them.
    rerouted = reroute_breached(new_uow, actor, dry_run=dry_run, now=now, skip=frozenset(released.lead_ids))
    routed = run_routing(new_uow, actor, dry_run=dry_run, now=now)
    return RouteCycle(released, rerouted, routed)
