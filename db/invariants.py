"""The domain's invariants, checked over a whole database (`cli.py check`).

Each check is one set-based statement that returns only the offenders: lead counts come from a
GROUP BY, never from loading rows, so a check stays fast at a million leads. Checks read in a
plain (deferred) transaction, so they never take SQLite's write lock away from the app.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Engine, and_, func, or_, select
from sqlalchemy.orm import aliased

from core.domain.batches import ROUTE_RUNS, BatchState, silent_since
from core.domain.clock import utcnow
from core.domain.vocabulary import OPEN_STATUSES, LeadStatus
from db.engine import READ_ONLY
from db.models import Agent, Assignment, Batch, Lead, Tenant
from db.points_check import close_counter_violations, daily_violations, points_violations
from db.results import AnyRow, AnySelect

OPEN = sorted(str(status) for status in OPEN_STATUSES)


@dataclass(frozen=True)
class Violation:
    kind: str  # over_capacity, counter_mismatch, open_lead_without_agent, new_lead_with_agent, ...
    tenant: str  # slug of the offender's tenant
    entity: str  # "agent 12 (Ana Ruiz)" or "lead 4411"
    message: str  # one sentence naming the offender


@dataclass(frozen=True)
class Totals:
    agents: int
    leads: int


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    with engine.execution_options(**{READ_ONLY: True}).connect() as connection, connection.begin():
        yield connection


def _agent(agent_id: int, name: str) -> str:
    return f"agent {agent_id} ({name})"


def _agents_with_recount() -> tuple[AnySelect, ColumnElement[int]]:
    """Agents with their tenant and a recount of their open leads (0 when they hold none)."""
    held = (
        select(Lead.agent_id, func.count().label("n"))
        .where(Lead.status.in_(OPEN), Lead.agent_id.is_not(None))
        .group_by(Lead.agent_id)
        .subquery()
    )
    recount = func.coalesce(held.c.n, 0)
    query = (
        select(Tenant.slug, Agent.id, Agent.name, Agent.max_capacity, Agent.open_leads,
               recount.label("recount"))
        .join(Tenant, Tenant.id == Agent.tenant_id)
        .outerjoin(held, held.c.agent_id == Agent.id)
        .order_by(Tenant.slug, Agent.id)
    )
    return query, recount


def _over_capacity(connection: Connection) -> Sequence[AnyRow]:
    query, recount = _agents_with_recount()
    # Evaluated only for the few agents over capacity; (tenant_id, agent_id) uses ix_assignments_agent.
    latest_assignment = (
        select(func.max(Assignment.assigned_at))
        .where(Assignment.tenant_id == Agent.tenant_id, Assignment.agent_id == Agent.id)
        .scalar_subquery()
    )
    query = query.add_columns(Agent.capacity_changed_at, latest_assignment.label("latest_assignment"))
    return connection.execute(query.where(recount > Agent.max_capacity)).all()


def _lowered_after_latest_assignment(row: AnyRow) -> bool:
    """DESIGN §3: lowering max_capacity below the load is allowed; the agent then gets nothing.

    An agent with no assignment history at all does not qualify: it got its leads off the books.
    """
    changed: datetime | None = row.capacity_changed_at
    latest: datetime | None = row.latest_assignment
    return changed is not None and latest is not None and changed >= latest


def _capacity_violations(connection: Connection) -> list[Violation]:
    violations = []
    for row in _over_capacity(connection):
        if _lowered_after_latest_assignment(row):
            continue
        why = ""
        if row.capacity_changed_at is not None:
            why = ("; its capacity was changed before its latest assignment"
                   if row.latest_assignment is not None else "; it has no assignment history")
        violations.append(Violation(
            "over_capacity", row.slug, _agent(row.id, row.name),
            f"{_agent(row.id, row.name)} holds {row.recount} open leads "
            f"but max_capacity is {row.max_capacity}{why}",
        ))
    return violations


def _counter_violations(connection: Connection) -> list[Violation]:
    query, recount = _agents_with_recount()
    return [
        Violation("counter_mismatch", row.slug, _agent(row.id, row.name),
                  f"{_agent(row.id, row.name)} counter open_leads={row.open_leads} "
                  f"but a recount finds {row.recount}")
        for row in connection.execute(query.where(Agent.open_leads != recount))
    ]


def _lead_violations(connection: Connection) -> list[Violation]:
    # Open leads without an agent (ix_leads_tenant_agent_status covers the filter).
    unheld = (
        select(Tenant.slug, Lead.id, Lead.status)
        .join(Tenant, Tenant.id == Lead.tenant_id)
        .where(Lead.status.in_(OPEN), Lead.agent_id.is_(None))
        .order_by(Tenant.slug, Lead.id)
    )
    violations = [
        Violation("open_lead_without_agent", row.slug, f"lead {row.id}",
                  f"lead {row.id} is {row.status} but has no agent")
        for row in connection.execute(unheld)
    ]
    # New leads that still point at an agent (unassigning must clear it).
    held_new = (
        select(Tenant.slug, Lead.id, Agent.id.label("agent_id"), Agent.name)
        .join(Tenant, Tenant.id == Lead.tenant_id)
        .join(Agent, Agent.id == Lead.agent_id)
        .where(Lead.status == str(LeadStatus.NEW))
        .order_by(Tenant.slug, Lead.id)
    )
    violations += [
        Violation("new_lead_with_agent", row.slug, f"lead {row.id}",
                  f"lead {row.id} is new but has {_agent(row.agent_id, row.name)}")
        for row in connection.execute(held_new)
    ]
    # A lead's agent, open or closed, must belong to the lead's tenant.
    lead_tenant, agent_tenant = aliased(Tenant), aliased(Tenant)
    cross = (
        select(lead_tenant.slug, Lead.id, Agent.id.label("agent_id"), Agent.name,
               agent_tenant.slug.label("agent_slug"))
        .join(Agent, Agent.id == Lead.agent_id)
        .join(lead_tenant, lead_tenant.id == Lead.tenant_id)
        .join(agent_tenant, agent_tenant.id == Agent.tenant_id)
        .where(Agent.tenant_id != Lead.tenant_id)
        .order_by(lead_tenant.slug, Lead.id)
    )
    violations += [
        Violation("cross_tenant_agent", row.slug, f"lead {row.id}",
                  f"lead {row.id} belongs to tenant {row.slug} but its "
                  f"{_agent(row.agent_id, row.name)} belongs to tenant {row.agent_slug}")
        for row in connection.execute(cross)
    ]
    return violations


def _batch_violations(connection: Connection) -> list[Violation]:
    """Batches that stopped part-way: interrupted, or running with a heartbeat older than LEASE."""
    stopped_before = silent_since(utcnow())
    rows = connection.execute(
        select(Tenant.slug, Batch.id, Batch.kind, Batch.leads_changed, Batch.leads_refused, Batch.planned)
        .join(Tenant, Tenant.id == Batch.tenant_id)
        .where(or_(Batch.state == BatchState.INTERRUPTED.value,
                   and_(Batch.state == BatchState.RUNNING.value, Batch.heartbeat_at < stopped_before)))
        .order_by(Tenant.slug, Batch.created_at))
    return [Violation("incomplete_batch", row.slug, f"batch {row.id}",
                      f"batch {row.id} ({row.kind}) stopped after {row.leads_changed + row.leads_refused} "
                      f"of {row.planned} leads: " + _next_step(row.id, row.kind))
            for row in rows]


def _next_step(batch_id: str, kind: str) -> str:
    if kind in ROUTE_RUNS:  # routing runs and SLA re-routes are closed by the next run, not resumed
        return f"the next `python cli.py route` closes it, or undo it (`python cli.py undo-batch {batch_id}`)"
    return (f"resume it with `python cli.py resume-batch {batch_id} --as USER`"
            + (", or undo it" if kind == "bulk_assign" else ""))


def find_violations(engine: Engine) -> list[Violation]:
    """Every broken invariant, one Violation per offending agent, lead or batch."""
    with _reading(engine) as connection:
        return (_capacity_violations(connection) + _counter_violations(connection)
                + _lead_violations(connection) + _batch_violations(connection)
                + [Violation("points_total_mismatch", slug, entity, message)
                   for slug, entity, message in points_violations(connection)]
                + [Violation("daily_points_mismatch", slug, entity, message)
                   for slug, entity, message in daily_violations(connection)]
                + [Violation("close_counter_mismatch", slug, entity, message)
                   for slug, entity, message in close_counter_violations(connection)])


def find_warnings(engine: Engine) -> list[Violation]:
    """Agents over capacity only because it was lowered after their latest assignment: allowed."""
    with _reading(engine) as connection:
        return [
            Violation("lowered_capacity", row.slug, _agent(row.id, row.name),
                      f"{_agent(row.id, row.name)} is over capacity ({row.recount} of "
                      f"{row.max_capacity}) after its capacity was lowered; it receives nothing "
                      "until below it")
            for row in _over_capacity(connection) if _lowered_after_latest_assignment(row)
        ]


def count_checked(engine: Engine) -> Totals:
    with _reading(engine) as connection:
        agents = connection.scalar(select(func.count()).select_from(Agent))
        leads = connection.scalar(select(func.count()).select_from(Lead))
    return Totals(agents=agents or 0, leads=leads or 0)
