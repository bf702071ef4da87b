"""Badges on the Galera cluster: conversions of one agent's leads, made at the same moment
through all three nodes, grant each badge once, and every node agrees."""

import threading

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.leads import lifecycle
from db.invariants import find_violations
from db.models import Agent, AuditRow, Badge
from db.unit_of_work import SqlUnitOfWork
from tests.backends import keyed_engine
from tests.factories import make_agent, make_lead, make_tenant, make_user

PER_NODE = 3


def test_racing_conversions_on_every_node_grant_each_badge_once(galera_urls):
    first = keyed_engine(galera_urls[0])
    tenant = make_tenant(first, "badges")
    actor = Actor(make_user(first, tenant, "badge.sup", "supervisor"), "badge.sup", "Sup", tenant,
                  Role.SUPERVISOR)
    racers = 3 * PER_NODE
    star = make_agent(first, tenant, "Star Sol", max_capacity=racers, open_leads=racers)
    leads = [make_lead(first, tenant, f"Deal {i}", status="qualified", agent_id=star) for i in range(racers)]
    engines = [keyed_engine(url) for url in galera_urls]
    barrier, failures = threading.Barrier(racers), []

    def convert(index: int) -> None:
        barrier.wait()
        try:
            lifecycle.change_status(SqlUnitOfWork(engines[index % 3]), actor, lead_id=leads[index],
                                    new_status="converted")
        except LeadOpsError as exc:
            failures.append(exc.message)

    threads = [threading.Thread(target=convert, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    for engine in engines:
        with Session(engine) as s:
            s.execute(text("SET SESSION wsrep_sync_wait = 1"))
            badges = sorted(s.scalars(select(Badge.badge).where(Badge.agent_id == star)))
            audited = s.scalar(select(func.count()).select_from(AuditRow).where(
                AuditRow.tenant_id == tenant, AuditRow.action == "agent.badge_awarded"))
            total = s.get(Agent, star).points_total
        assert (badges, audited, total) == (["first_conversion", "five_conversions_in_7_days"], 2,
                                            racers * 100)
        assert [v for v in find_violations(engine) if v.tenant == "badges"] == []
        engine.dispose()
