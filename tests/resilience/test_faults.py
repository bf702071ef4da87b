"""The database dies in the middle of a bulk commit, on a throwaway server of the test's own:
the run stops with a sentence saying what was done and what to do, the batch shows as
interrupted once the server is back, and it resumes, or undoes, cleanly."""

import threading
import time

import pymysql
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.bulk import assign_commit
from core.bulk.assign import BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.batches import recent_batches
from core.bulk.resume import resume_batch
from core.bulk.undo import undo_batch
from core.domain import batches
from core.domain.batches import BatchState
from core.domain.errors import BatchInterrupted
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Role
from core.domain.placement import Strategy
from db.audit_verify import verify_audit_chains
from db.invariants import find_violations
from db.migrate import upgrade
from db.models import AuditRow, Batch, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.backends import in_ci, keyed_engine
from tests.factories import make_agent, make_lead, make_tenant, make_user
from tests.support.mariadb_server import ThrowawayMariaDB, find_server_binary

LEADS, CHUNK = 636, 50
SHORT_LEASE = batches.LEASE.__class__(seconds=1)


@pytest.fixture
def server():
    if find_server_binary() is None:
        if in_ci():
            pytest.fail("no mariadbd under CI=true")
        pytest.skip("no mariadbd/mysqld found (apt-get install mariadb-server)")
    server = ThrowawayMariaDB(database="leadops_faults")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def world(server, monkeypatch):
    monkeypatch.setattr(assign_commit, "CHUNK", CHUNK)
    engine = keyed_engine(server.url)
    upgrade(engine)
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    for i in range(10):
        make_agent(engine, tenant, f"Agent {i}", max_capacity=100)
    for i in range(LEADS):
        make_lead(engine, tenant, f"Lead {i}")
    yield engine, actor
    engine.dispose()


def slow_chunks(monkeypatch) -> None:
    """Each chunk takes a moment, so that the server can die between two of them."""
    real = assign_commit._apply_chunk

    def apply(*args, **kwargs):
        time.sleep(0.15)
        return real(*args, **kwargs)

    monkeypatch.setattr(assign_commit, "_apply_chunk", apply)


def applied_so_far(server) -> int:
    with pymysql.connect(host="127.0.0.1", port=server.port, user="root", database="leadops_faults",
                         connect_timeout=2) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(leads_changed), 0) FROM batches")
        return int(cursor.fetchone()[0])


def commit_while_the_server_dies(server, engine, actor) -> BaseException | None:
    request = BulkRequest(strategy=Strategy.LEAST_LOADED, filters=LeadFilters(statuses=("new",)),
                          limit=LEADS)
    plan = plan_bulk_assign(SqlUnitOfWork(engine), actor, request)
    outcome: list[BaseException | None] = [None]

    def commit() -> None:
        try:
            commit_bulk_assign(lambda: SqlUnitOfWork(engine), actor, plan)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome[0] = exc

    thread = threading.Thread(target=commit)
    thread.start()
    deadline = time.monotonic() + 60
    while applied_so_far(server) < 3 * CHUNK and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()
    thread.join(timeout=120)
    return outcome[0]


def counts(engine) -> tuple[int, str, int]:
    with Session(engine) as s:
        assigned = s.scalar(select(func.count()).select_from(Lead).where(Lead.status == "assigned"))
        state, changed = s.execute(select(Batch.state, Batch.leads_changed)).one()
    return assigned, state, changed


def stopped_batch(server, engine, actor, monkeypatch) -> str:
    slow_chunks(monkeypatch)
    stopped = commit_while_the_server_dies(server, engine, actor)
    assert isinstance(stopped, BatchInterrupted), stopped
    said = stopped.message
    assert said.startswith("Batch ") and f"of {LEADS} leads" in said and "resume-batch" in said
    assert "2013" not in said and "Lost connection" not in said  # our words, not the driver's
    monkeypatch.undo()
    monkeypatch.setattr(assign_commit, "CHUNK", CHUNK)
    server.start_again()
    # The process gave up while the server was down, so the batch still says running; once its
    # heartbeat is older than the lease, it reads interrupted.
    monkeypatch.setattr(batches, "LEASE", SHORT_LEASE)
    time.sleep(1.5)
    assigned, state, changed = counts(engine)
    assert state == "running" and 0 < changed == assigned < LEADS  # what was applied is consistent
    [status] = recent_batches(SqlUnitOfWork(engine), actor)
    assert (status.state, status.resumable, status.undoable) == (BatchState.INTERRUPTED, True, True)
    assert [v.kind for v in find_violations(engine)] == ["incomplete_batch"]
    return status.batch.id


def test_a_bulk_commit_cut_by_a_dead_server_resumes_cleanly(server, world, monkeypatch):
    engine, actor = world
    batch_id = stopped_batch(server, engine, actor, monkeypatch)
    result = resume_batch(lambda: SqlUnitOfWork(engine), actor, batch_id)
    assert result.changed_in_all == LEADS
    assert counts(engine) == (LEADS, "complete", LEADS)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditRow).where(
            AuditRow.action == "bulk.assigned", AuditRow.batch_id == batch_id)) == 1
    assert find_violations(engine) == [] and verify_audit_chains(engine)[1] == []


def test_a_bulk_commit_cut_by_a_dead_server_undoes_cleanly(server, world, monkeypatch):
    engine, actor = world
    batch_id = stopped_batch(server, engine, actor, monkeypatch)
    applied = counts(engine)[0]
    undone = undo_batch(lambda: SqlUnitOfWork(engine), actor, batch_id)
    assert (undone.reverted, undone.blocked) == (applied, [])
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead).where(Lead.status == "assigned")) == 0
    assert find_violations(engine) == [] and verify_audit_chains(engine)[1] == []
