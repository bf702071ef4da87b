"""Routing runs on every node of the Galera cluster at once, beside a supervisor's bulk run:
no lead is placed twice, no agent is overfilled, the nodes agree and `check` passes on each.
The cluster is shared by the tests of this folder: this one keeps to a tenant of its own."""

import multiprocessing

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.placement import Strategy
from core.domain.routing import RuleSpec
from core.routing.rules import add_rule
from db.audit_verify import verify_audit_chains
from db.invariants import find_violations
from db.models import Assignment, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.backends import keyed_engine
from tests.factories import make_agent, make_lead, make_tenant, make_user
from tests.resilience import workers
from tests.resilience.test_galera import fingerprint

AGENTS, CAPACITY, LEADS = 10, 15, 300


def seed(url: str):
    engine = keyed_engine(url)
    tenant = make_tenant(engine, "routing")
    users = [(make_user(engine, tenant, f"route.sup{i}", "supervisor"), f"route.sup{i}", f"Sup {i}", tenant,
              Role.SUPERVISOR.value) for i in range(4)]
    admin = Actor(make_user(engine, tenant, "route.adm", "admin"), "route.adm", "Adm", tenant, Role.ADMIN)
    for i in range(AGENTS):
        make_agent(engine, tenant, f"Agent {i}", max_capacity=CAPACITY, team="Sales")
    for i in range(LEADS):
        make_lead(engine, tenant, f"Lead {i}", source="website")
    add_rule(SqlUnitOfWork(engine), admin, RuleSpec("Website leads", sources=("website",),
                                                    strategy=Strategy.ROUND_ROBIN))
    engine.dispose()
    return users


def test_routing_runs_on_every_node_and_a_bulk_run_place_each_lead_once(galera_urls):
    users = seed(galera_urls[0])
    tenant = users[0][3]
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        # Chunks of 20: each run writes in two lanes at once on its node (core/bulk/lanes.py).
        runs = [pool.apply_async(workers.routing_run, (galera_urls[node], users[node], 20))
                for node in range(3)]
        bulk = pool.apply_async(workers.bulk_run, (galera_urls[1], users[3], "website", "Sales", 100))
        outcomes = [result.get(timeout=600) for result in runs]
        bulk_outcome = bulk.get(timeout=600)
    for outcome in outcomes:
        assert outcome.unexpected == []
    # The routing runs may take every lead or every free place before the bulk run previews (it
    # then has nothing to commit), or keep moving its leads through each of its commit's tries
    # (each then re-plans, as a person would preview again): outcomes of the race, not errors.
    # An interrupted bulk run or any other failure is one.
    assert all(u.startswith("bulk run never committed: ") for u in bulk_outcome.unexpected), \
        bulk_outcome.unexpected
    prints = [fingerprint(url) for url in galera_urls]
    assert prints[0] == prints[1] == prints[2]
    engine = keyed_engine(galera_urls[2])
    with Session(engine) as s:
        stretches = s.execute(select(Assignment.lead_id, func.count()).where(Assignment.tenant_id == tenant)
                              .group_by(Assignment.lead_id)).all()
        assigned = s.scalar(select(func.count()).select_from(Lead).where(Lead.tenant_id == tenant,
                                                                         Lead.status == "assigned"))
    assert all(count == 1 for _, count in stretches) and assigned == len(stretches) <= AGENTS * CAPACITY
    for url in galera_urls:
        node = keyed_engine(url)
        assert find_violations(node) == []
        assert verify_audit_chains(node)[1] == []
        node.dispose()
    engine.dispose()
