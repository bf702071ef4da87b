"""Many supervisors at once: the capacity rule holds and every success is audited once.

Sixteen threads each make a hundred random assign / reassign / unassign / status changes
against agents with small capacities, on SQLite and on MariaDB. Afterwards the invariants
check finds nothing and the audit holds exactly one row per successful change.
"""

import random
import threading
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import retry
from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.leads import assignment, lifecycle
from db.audit_verify import verify_audit_chains
from db.invariants import find_violations
from db.models import AuditRow
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user

THREADS, OPERATIONS = 16, 100


def _random_operation(rnd: random.Random, engine, actor: Actor, leads: list[int], agents: list[int]):
    lead, agent = rnd.choice(leads), rnd.choice(agents)
    uow = SqlUnitOfWork(engine)
    kind = rnd.choices(["assign", "reassign", "unassign", "status"], weights=[40, 20, 32, 8])[0]
    if kind == "assign":
        return assignment.assign_lead(uow, actor, lead_id=lead, agent_id=agent)
    if kind == "reassign":
        return assignment.reassign_lead(uow, actor, lead_id=lead, agent_id=agent, reason="balance")
    if kind == "unassign":
        return assignment.unassign_lead(uow, actor, lead_id=lead, reason="concurrency test")
    target = rnd.choices(["contacted", "qualified", "converted", "lost"], weights=[5, 3, 1, 1])[0]
    return lifecycle.change_status(uow, actor, lead_id=lead, new_status=target, reason="race")


def test_concurrent_sessions_never_break_capacity(engine, monkeypatch):
    retried = []  # core.retry sleeps once per deadlock or lock timeout it retries
    monkeypatch.setattr(retry, "time", SimpleNamespace(sleep=retried.append))
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    agents = [make_agent(engine, tenant, f"Agent {i}", max_capacity=1 + i % 3,
                         skills={"sales", "spanish"} if i % 2 else {"sales"}) for i in range(8)]
    leads = [make_lead(engine, tenant, f"Lead {i}") for i in range(60)]
    successes, refusals, crashes = [0] * THREADS, [0] * THREADS, []

    def worker(index: int) -> None:
        rnd = random.Random(index)
        for _ in range(OPERATIONS):
            try:
                _random_operation(rnd, engine, actor, leads, agents)
                successes[index] += 1
            except LeadOpsError:
                refusals[index] += 1
            except Exception as exc:  # noqa: BLE001 - any other error fails the test below
                crashes.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert crashes == []
    assert sum(successes) + sum(refusals) == THREADS * OPERATIONS
    assert sum(successes) > 150 and sum(refusals) > 150  # both paths really exercised
    assert find_violations(engine) == []
    with Session(engine) as s:
        audited = s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.action.like("lead.%")))
    assert audited == sum(successes)
    assert verify_audit_chains(engine)[1] == []
    # Every use case locks lead, then agents by id, then the audit head, and no insert
    # share-locks a row another writer locks exclusively: nothing deadlocks, nothing retries.
    assert retried == []


def _race(engine, actor: Actor, agent: int, leads: list[int]) -> list[str]:
    """Each thread assigns its own lead to the same agent at the same moment."""
    barrier, outcomes = threading.Barrier(len(leads)), []

    def attempt(lead_id: int) -> None:
        barrier.wait()
        try:
            assignment.assign_lead(SqlUnitOfWork(engine), actor, lead_id=lead_id, agent_id=agent)
            outcomes.append("won")
        except LeadOpsError as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=attempt, args=(lead,)) for lead in leads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_sessions_racing_for_the_last_slot_one_wins(engine):
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    for round_ in range(8):
        agent = make_agent(engine, tenant, f"Last slot {round_}", max_capacity=1)
        leads = [make_lead(engine, tenant, f"Racer {round_}-{i}") for i in range(2)]
        outcomes = _race(engine, actor, agent, leads)
        assert sorted(outcomes) == sorted(["won", f"Last slot {round_} is full: 1 of 1 open leads."])
