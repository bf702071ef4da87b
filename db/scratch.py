"""Scratch databases for `cli.py bench`: refuse one that holds real data, then clear and fill it.

An earlier bench run is recognised by its marker: exactly one tenant, with slug `bench`. Its
rows are deleted and the demo generator fills the tables again, so every run starts from the
same data. The raw floor gets a scratch database of its own beside the bench's.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, case, func, inspect, select, text, update

from core.domain.scoring import IdRange
from core.domain.vocabulary import DEFAULT_SOURCE_QUALITY
from db.models import Agent, Base, Lead, PointsEntry, ScoreHistory, ScoringWeights, Tenant

BENCH_SLUG = "bench"
OWN_TABLES = {*Base.metadata.tables, "alembic_version"}


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


def clear(engine: Engine) -> None:
    """Delete an earlier bench run's rows (why_not_fillable has checked that they are that)."""
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


def fill_components(engine: Engine, tenant_id: int) -> None:
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


def lead_id_range(engine: Engine, tenant_id: int) -> IdRange:
    return _id_range(engine, Lead, tenant_id)


def agent_id_range(engine: Engine, tenant_id: int) -> IdRange:
    return _id_range(engine, Agent, tenant_id)


def _id_range(engine: Engine, model: type[Lead] | type[Agent], tenant_id: int) -> IdRange:
    with engine.connect() as connection:
        low, high = connection.execute(
            select(func.min(model.id), func.max(model.id)).where(model.tenant_id == tenant_id)).one()
    return IdRange(low, high)


def score_changes_of_version(engine: Engine, tenant_id: int, version: int) -> int:
    """Score-history rows a weights version wrote: the scores its rescore changed."""
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count()).select_from(ScoreHistory).join(
                ScoringWeights, ScoringWeights.id == ScoreHistory.weights_version_id)
            .where(ScoreHistory.tenant_id == tenant_id, ScoringWeights.version == version)) or 0


def ledger_rows(engine: Engine, tenant_id: int) -> int:
    """Points-ledger rows of the bench tenant (the agents leaderboard's input)."""
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(PointsEntry)
                                 .where(PointsEntry.tenant_id == tenant_id)) or 0


@contextmanager
def scratch_database(engine: Engine, name: str) -> Iterator[bool]:
    """A database `name` on the engine's MySQL server for the length of the block: created if
    missing (and then dropped after), yields whether it existed before."""
    quoted = name.replace("`", "``")
    with engine.connect() as connection:
        existed = bool(connection.scalar(text(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = :name"),
            {"name": name}))
        if not existed:
            connection.execute(text(f"CREATE DATABASE `{quoted}` CHARACTER SET utf8mb4"))
    try:
        yield existed
    finally:
        if not existed:
            with engine.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS `{quoted}`"))

