"""LeadOps on a three-node MariaDB Galera cluster, writers on every node at once.

Sixteen processes make random changes (assign, reassign, unassign, close, availability)
through all three nodes, while two bulk runs on different nodes place leads onto the same
agents and a rescore rewrites every score. Afterwards every node holds the same data, the
capacity rule and every other invariant hold on each, each node verifies the audit trail, no
operation ended in an unexpected error, and every batch is complete.
"""

import multiprocessing

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.domain.permissions import Role
from db.audit_verify import verify_audit_chains
from db.invariants import find_violations
from db.models import Agent, AuditRow, Batch, Lead
from tests.backends import keyed_engine
from tests.factories import make_agent, make_lead, make_tenant, make_user
from tests.resilience import workers

WRITERS, OPERATIONS = 16, 60
AGENTS, LEADS = 24, 400
BULK_AGENTS, BULK_LEADS = 8, 200  # the two bulk runs' own team and leads: the writers' churn
# would make every preview stale, and each run would only ever re-plan


def seed(url: str):
    engine = keyed_engine(url)
    tenant = make_tenant(engine, "acme")
    users = [(make_user(engine, tenant, f"sup{i}", "supervisor"), f"sup{i}", f"Sup {i}", tenant,
              Role.SUPERVISOR.value) for i in range(WRITERS + 2)]
    agents = [make_agent(engine, tenant, f"Agent {i}", max_capacity=3 + i % 4,
                         skills={"sales", "spanish"} if i % 3 == 0 else {"sales"}) for i in range(AGENTS)]
    leads = [make_lead(engine, tenant, f"Lead {i}") for i in range(LEADS)]
    for i in range(BULK_AGENTS):
        make_agent(engine, tenant, f"Bulk agent {i}", max_capacity=30, team="Bulk")  # room for both
    for i in range(BULK_LEADS):
        make_lead(engine, tenant, f"Bulk lead {i}", source="event")
    engine.dispose()
    return tenant, users, agents, leads


def fingerprint(url: str) -> tuple:
    """What every node must agree on, read once the node has applied everything before."""
    engine = keyed_engine(url)
    with Session(engine) as s:
        s.execute(text("SET SESSION wsrep_sync_wait = 1"))  # wait for the cluster's writes
        leads = s.execute(select(Lead.id, Lead.status, Lead.agent_id, Lead.version, Lead.overall_score)
                          .order_by(Lead.id)).all()
        agents = s.execute(select(Agent.id, Agent.open_leads, Agent.max_capacity, Agent.availability,
                                  Agent.version).order_by(Agent.id)).all()
        audit = s.scalar(select(func.count()).select_from(AuditRow))
        batches = s.execute(select(Batch.id, Batch.tenant_id, Batch.state, Batch.leads_changed)
                            .order_by(Batch.id)).all()
    engine.dispose()
    return [tuple(r) for r in leads], [tuple(r) for r in agents], audit, [tuple(r) for r in batches]


def test_writers_on_every_node_keep_every_rule_and_the_nodes_agree(galera_urls):
    tenant, users, agents, leads = seed(galera_urls[0])
    context = multiprocessing.get_context("spawn")  # no engine or lock crosses a fork
    with context.Pool(WRITERS + 3) as pool:
        writers = [pool.apply_async(workers.random_operations, (
            galera_urls[i % 3], users[i], leads, agents, i, OPERATIONS)) for i in range(WRITERS)]
        bulk = [pool.apply_async(workers.bulk_run, (
            galera_urls[node], users[WRITERS + node - 1], "event", "Bulk", BULK_LEADS // 2))
            for node in (1, 2)]
        rescore = pool.apply_async(workers.rescore, (galera_urls[0], tenant))
        outcomes = [result.get(timeout=600) for result in writers]
        bulk_outcomes = [result.get(timeout=600) for result in bulk]
        rescore_outcome = rescore.get(timeout=600)

    total = workers.Outcomes()
    for outcome in outcomes:
        total = total.add(outcome)
    assert total.unexpected == [] and total.operations == WRITERS * OPERATIONS
    assert total.done > WRITERS * OPERATIONS // 4  # real work, not only refusals
    assert total.gave_up <= WRITERS * OPERATIONS // 100  # at most 1% give up after the retries
    for outcome in [*bulk_outcomes, rescore_outcome]:
        assert outcome.unexpected == [] and outcome.done == 1

    prints = [fingerprint(url) for url in galera_urls]
    assert prints[0] == prints[1] == prints[2]
    # The cluster is shared by the folder's tests: count this tenant's batches only.
    own_batches = [b for b in prints[0][3] if b[1] == tenant]
    assert {state for _, _, state, _ in own_batches} == {"complete"} and len(own_batches) == 2
    for url in galera_urls:
        engine = keyed_engine(url)
        assert find_violations(engine) == []
        checked, breaks = verify_audit_chains(engine)
        assert breaks == [] and checked == prints[0][2]
        engine.dispose()
