"""The bench database: refuse anything but an empty or an earlier bench database, then fill it
with the demo generator and score every lead once, as an import or the demo does."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from core.accounts.login import acting_user
from core.accounts.users import create_user
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.scoring import IdRange
from core.scoring.rescoring import rescore_tenant
from db import scratch
from db.demo import seed_demo
from db.migrate import upgrade
from db.unit_of_work import SqlUnitOfWork

ADMIN_USERNAME = "bench.admin"


@dataclass(frozen=True)
class BenchTenant:
    tenant_id: int
    admin: Actor
    lead_ids: IdRange  # lowest and highest lead id of the bench tenant
    agent_ids: IdRange


def prepare(engine: Engine, *, leads: int, agents: int,
            progress: Callable[[str], None]) -> BenchTenant:
    """Refuse a database holding anything but bench data, then migrate, clear and fill it."""
    refusal = scratch.why_not_fillable(engine)
    if refusal:
        raise InvalidInput(refusal)
    upgrade(engine)
    scratch.clear(engine)
    progress(f"seeding {leads:,} leads and {agents:,} agents with the demo generator")
    seed_demo(engine, leads=leads, agents=agents, second_tenant=False, score=False,
              password_rounds=4, tenant_slug=scratch.BENCH_SLUG)
    with SqlUnitOfWork(engine, read_only=True) as uow:
        tenant_id = uow.tenants.id_for_slug(scratch.BENCH_SLUG)
    assert tenant_id is not None  # seeded just above
    create_user(SqlUnitOfWork(engine), Actor.operator(tenant_id=tenant_id), username=ADMIN_USERNAME,
                name="Bench Admin", role="admin", password=secrets.token_urlsafe(24), hash_rounds=4)
    admin = acting_user(SqlUnitOfWork(engine, read_only=True), ADMIN_USERNAME)
    scratch.fill_components(engine, admin.tenant_id)
    progress("scoring every lead once with the default weights, as an import or the demo does")
    rescore_tenant(lambda: SqlUnitOfWork(engine), admin, utcnow(), refresh_components=False)
    return BenchTenant(admin.tenant_id, admin, scratch.lead_id_range(engine, admin.tenant_id),
                       scratch.agent_id_range(engine, admin.tenant_id))
