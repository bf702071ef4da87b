"""The bench database: refuse anything but an empty or an earlier bench database, then fill it.

An earlier run is recognised by its marker: exactly one tenant, with slug `bench`. Its rows are
deleted and the demo generator fills the tables again, so every run starts from the same data.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, case, func, inspect, select, text, update

from core import accounts
from core.clock import utcnow
from core.domain import DEFAULT_SOURCE_QUALITY
from core.errors import InvalidInput
from core.identity import Actor
from core.rescoring import rescore_tenant
from db.demo import seed_demo
from db.migrate import upgrade
from db.models import Agent, Base, Lead, Tenant
from db.unit_of_work import SqlUnitOfWork

BENCH_SLUG = "bench"
ADMIN_USERNAME = "bench.admin"
OWN_TABLES = {*Base.metadata.tables, "alembic_version"}


@dataclass(frozen=True)
class BenchTenant:
    tenant_id: int
    admin: Actor
    lead_ids: tuple[int, int]  # lowest and highest lead id of the bench tenant
    agent_ids: tuple[int, int]


def why_not_fillable(engine: Engine) -> str | None:
    """None if the bench may fill this database, else the sentence that says why not."""
    tables = set(inspect(engine).get_table_names())
    foreign = sorted(tables - OWN_TABLES)
    if foreign:
        return (f"The database holds tables that are not LeadOps's ({', '.join(foreign[:5])}). "
                "The bench only fills an empty database or one an earlier bench run filled; "
                "point --url at a scratch database.")
    if "tenants" not in tables:
        return None
    with engine.connect() as connection:
        slugs = list(connection.scalars(select(Tenant.slug).order_by(Tenant.slug)))
        if slugs == [BENCH_SLUG]:
            return None
        if slugs:
            return (f"The database holds data of tenant(s) {', '.join(slugs[:5])}: the bench only "
                    f"fills an empty database or one an earlier bench run filled (a single tenant "
                    f"'{BENCH_SLUG}'). Nothing was changed; point --url at a scratch database.")
        filled = [t.name for t in Base.metadata.sorted_tables if t.name in tables
                  and connection.scalar(select(text("1")).select_from(t).limit(1))]
    if filled:
        return (f"The database has no tenant but rows in {', '.join(filled[:5])}. Nothing was "
                "changed; point --url at a scratch database.")
    return None


def _clear(engine: Engine) -> None:
    """Delete an earlier bench run's rows (the only tenant is `bench`, checked before)."""
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "mysql":
            connection.execute(text("SET FOREIGN_KEY_CHECKS=0"))
            for table in tables:
                connection.execute(text(f"TRUNCATE TABLE {table.name}"))
            connection.execute(text("SET FOREIGN_KEY_CHECKS=1"))
        else:
            for table in tables:
                connection.execute(table.delete())


def _fill_components(engine: Engine, tenant_id: int) -> None:
    """Stored score components, as the scoring engine would have left them (set-based, fast).

    Source quality is the real table lookup; the other three are spread over 0-100 by id, so
    the bench's weights change (weight moved from engagement to source quality) moves every
    score whose two components differ: nearly all.
    """
    source_quality = case(
        *((Lead.source == source, value) for source, value in DEFAULT_SOURCE_QUALITY.items()),
        else_=0)
    with engine.begin() as connection:
        connection.execute(update(Lead).where(Lead.tenant_id == tenant_id).values(
            source_quality_score=source_quality,
            engagement_score=(Lead.id * 37) % 101,
            conversion_probability=(Lead.id * 53 + 11) % 101,
            urgency_score=(Lead.id * 71 + 29) % 101,
        ))


def _bounds(engine: Engine, model, tenant_id: int) -> tuple[int, int]:
    with engine.connect() as connection:
        low, high = connection.execute(
            select(func.min(model.id), func.max(model.id)).where(model.tenant_id == tenant_id)).one()
    return low, high


def prepare(engine: Engine, *, leads: int, agents: int,
            progress: Callable[[str], None]) -> BenchTenant:
    """Refuse a database holding anything but bench data, then migrate, clear and fill it."""
    refusal = why_not_fillable(engine)
    if refusal:
        raise InvalidInput(refusal)
    upgrade(engine)
    _clear(engine)
    progress(f"seeding {leads:,} leads and {agents:,} agents with the demo generator")
    seed_demo(engine, leads=leads, agents=agents, second_tenant=False, score=False,
              password_rounds=4, tenant_slug=BENCH_SLUG)
    accounts.create_user(SqlUnitOfWork(engine), tenant_slug=BENCH_SLUG, username=ADMIN_USERNAME,
                         name="Bench Admin", role="admin", password=secrets.token_urlsafe(24),
                         hash_rounds=4)
    admin = accounts.acting_user(SqlUnitOfWork(engine, read_only=True), ADMIN_USERNAME)
    _fill_components(engine, admin.tenant_id)
    progress("scoring every lead once with the default weights, as an import or the demo does")
    rescore_tenant(lambda: SqlUnitOfWork(engine), admin.tenant_id, utcnow(), refresh_components=False)
    return BenchTenant(admin.tenant_id, admin, _bounds(engine, Lead, admin.tenant_id),
                       _bounds(engine, Agent, admin.tenant_id))
