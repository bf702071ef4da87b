"""The bench's routing run places what it looks at whatever the hour it runs at."""

from datetime import UTC, datetime, timedelta

from bench.route import every_team_on_shift
from core.sla.shifts import shift_table
from db import scratch
from db.demo import seed_demo
from db.unit_of_work import SqlUnitOfWork

# A week of hours, in a week with a daylight-saving change in Europe (the demo's zone).
HOURS_OF_A_WEEK = [datetime(2026, 10, 22, tzinfo=UTC) + timedelta(hours=h) for h in range(7 * 24)]


def _off_shift_somewhen(engine, tenant_id: int) -> set[int]:
    with SqlUnitOfWork(engine, read_only=True) as uow:
        table = shift_table(uow, tenant_id)
    agent_ids = list(table.teams)
    return {i for at in HOURS_OF_A_WEEK for i in set(agent_ids) - table.on_shift(at, agent_ids)}


def test_every_bench_agent_is_on_shift_at_every_hour_of_the_week(engine):
    seed_demo(engine, leads=100, agents=20, second_tenant=False, score=False, password_rounds=4,
              tenant_slug=scratch.BENCH_SLUG)
    with SqlUnitOfWork(engine, read_only=True) as uow:
        tenant_id = uow.tenants.id_for_slug(scratch.BENCH_SLUG)
    assert _off_shift_somewhen(engine, tenant_id)  # the demo's team hours leave agents off shift
    every_team_on_shift(engine, tenant_id)
    assert _off_shift_somewhen(engine, tenant_id) == set()
