"""route_s: one routing run over ROUTED new leads (issue #19), as `cli.py route` runs it.

Untimed first: a catch-all rule goes last (least loaded, every new lead), so that every lead
the run looks at has a rule; the available agents get room for all of them (after the
bulk step they are full, and a run that places nothing would time the refusals only); and
every team is on shift around the clock, so that what the run places does not depend on the
hour it runs at (with the demo's team hours a run at 20:00 UTC placed 2,800 of the 10,000
leads, earlier bench runs about 5,000, while the floor's bulk places all of them). The run
then plans over the tenant's rules and applies the plan as one routing batch. Its target is
2x the floor's bulk_assign_s of the same bench run.
"""

import math
import time
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update

from bench.target import BenchTenant
from core.domain.placement import Strategy
from core.domain.routing import RuleSpec
from core.domain.vocabulary import Availability
from core.routing.planning import MAX_RUN
from core.routing.rules import add_rule
from core.routing.run import run_routing
from db.models import Agent
from db.unit_of_work import SqlUnitOfWork

ROUTED = MAX_RUN  # 10,000 new leads: what one run takes at most


@dataclass(frozen=True)
class RouteResult:
    seconds: float
    placed: int
    left: int


def _make_room(engine: Engine, bench: BenchTenant) -> None:
    available = (Agent.tenant_id == bench.tenant_id, Agent.availability == Availability.AVAILABLE.value)
    with engine.begin() as connection:
        agents = connection.scalar(select(func.count()).select_from(Agent).where(*available)) or 1
        connection.execute(update(Agent).where(*available)
                           .values(max_capacity=Agent.open_leads + math.ceil(ROUTED / agents)))


def every_team_on_shift(engine: Engine, tenant_id: int) -> None:
    """No hours for any team: its agents are on shift at all times (core.domain.working_hours)."""
    with SqlUnitOfWork(engine) as uow:
        for team in set(uow.agents.teams(tenant_id).values()) | set(uow.sla.team_hours(tenant_id)):
            uow.sla.set_team_hours(tenant_id, team, ())
        uow.commit()


def route(engine: Engine, bench: BenchTenant) -> RouteResult:
    catch_all = RuleSpec("Bench: every new lead", strategy=Strategy.LEAST_LOADED)
    add_rule(SqlUnitOfWork(engine), bench.admin, catch_all)
    _make_room(engine, bench)
    every_team_on_shift(engine, bench.tenant_id)
    started = time.perf_counter()
    result = run_routing(lambda: SqlUnitOfWork(engine), bench.admin)
    return RouteResult(time.perf_counter() - started, len(result.placed), len(result.left))
