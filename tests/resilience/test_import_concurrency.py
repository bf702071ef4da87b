"""The same file imported several times at the same moment: each lead is created once.

Every import checks its rows against the tenant's leads before writing; the writes check
again under the tenant's contacts lock (core.bulk.lead_import._insert). On one server the lock
row orders them; on the Galera cluster two imports through different nodes conflict on it at
certification and the loser's chunk is retried, checking again.
"""

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import core.bulk.lead_import as lead_import
from core.bulk.import_file import default_mapping, read_import_file
from core.domain.identity import Actor
from core.domain.permissions import Role
from db.models import Lead
from db.unit_of_work import SqlUnitOfWork
from tests.backends import keyed_engine
from tests.factories import make_tenant, make_user

ROWS = 30
FILE = "name,email,phone,source\n" + "".join(
    f"Racer {i},racer{i}@example.com,+1 555 010 {i:04d},event\n" for i in range(ROWS))


def _race(engines, actor, racers: int) -> list:
    file = read_import_file(FILE.encode("utf-8"))
    barrier, results, errors = threading.Barrier(racers), [], []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results.append(lead_import.import_leads(
                lambda: SqlUnitOfWork(engines[index % len(engines)]), actor, file,
                default_mapping(file.columns), all_or_nothing=False))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def _check(results, engine, tenant: int, racers: int, *, cluster: bool = False) -> None:
    assert len(results) == racers
    assert sum(result.imported for result in results) == ROWS  # each row created by one import
    for result in results:  # and every row of every import accounted for
        assert len(result.report) == ROWS
        refused = [why for _, outcome, why in result.report if outcome == "refused"]
        assert all(why.startswith("duplicate of lead #") for why in refused), refused[:3]
    with Session(engine) as s:
        if cluster:  # this node reads what the others committed before it answers
            s.execute(text("SET SESSION wsrep_sync_wait = 1"))
        assert s.scalar(select(func.count()).select_from(Lead).where(Lead.tenant_id == tenant)) == ROWS
        assert s.scalar(select(func.count(func.distinct(Lead.email_normalized))).where(
            Lead.tenant_id == tenant)) == ROWS


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(lead_import, "CHUNK", 7)  # chunks of the racing imports interleave


def test_one_file_imported_four_times_at_once_creates_each_lead_once(engine, small_chunks):
    tenant = make_tenant(engine, "imports")
    actor = Actor(make_user(engine, tenant, "imp.sup", "supervisor"), "imp.sup", "Sup", tenant,
                  Role.SUPERVISOR)
    _check(_race([engine], actor, racers=4), engine, tenant, racers=4)


def test_one_file_imported_through_every_galera_node_at_once_creates_each_lead_once(galera_urls,
                                                                                   small_chunks):
    first = keyed_engine(galera_urls[0])
    tenant = make_tenant(first, "imports-galera")
    actor = Actor(make_user(first, tenant, "imp.galera", "supervisor"), "imp.galera", "Sup", tenant,
                  Role.SUPERVISOR)
    engines = [keyed_engine(url) for url in galera_urls]
    results = _race(engines, actor, racers=3)
    for engine in engines:
        _check(results, engine, tenant, racers=3, cluster=True)
        engine.dispose()
