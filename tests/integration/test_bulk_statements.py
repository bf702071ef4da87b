"""A bulk commit's statements do not grow with its chunk: the leads, the counters, the history,
the batch items and the audit rows are each written by one statement per chunk, whatever the
number of leads in it (docs/benchmarks.md, "Bulk at a million")."""

import pytest
from sqlalchemy import event

from core.bulk import assign_commit
from core.bulk.assign import BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import BulkResult, commit_bulk_assign
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Role
from core.domain.placement import Strategy
from db.invariants import find_violations
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user


@pytest.fixture
def world(engine):
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    for name in ("Ana", "Bo", "Cy"):
        make_agent(engine, tenant, name, max_capacity=60)
    for i in range(110):
        make_lead(engine, tenant, f"Lead {i}")
    return engine, actor


def statements_to_commit(engine, actor: Actor, leads: int) -> int:
    """The statements of a preview's commit of `leads` leads, all in one chunk."""
    request = BulkRequest(strategy=Strategy.LEAST_LOADED, filters=LeadFilters(statuses=("new",)),
                          limit=leads)
    plan = plan_bulk_assign(SqlUnitOfWork(engine), actor, request)
    assert len(plan.placed) == leads
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        outcome = commit_bulk_assign(lambda: SqlUnitOfWork(engine), actor, plan)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert isinstance(outcome, BulkResult) and outcome.assigned == leads
    return len(statements)


def test_a_chunk_of_100_leads_takes_as_many_statements_as_a_chunk_of_10(world, monkeypatch):
    engine, actor = world
    monkeypatch.setattr(assign_commit, "CHUNK", 100)
    small = statements_to_commit(engine, actor, 10)
    large = statements_to_commit(engine, actor, 100)
    assert large == small
    assert find_violations(engine) == []
