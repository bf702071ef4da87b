"""Gamification on a real database: points written with the change, each badge granted once
even when changes race, and the agents leaderboard read back."""

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.standings import Window
from core.gamification.standings import agent_history, agent_leaderboard
from core.leads import lifecycle
from db.invariants import find_violations
from db.models import Agent, AuditRow, Badge
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user

RACERS = 6


def test_racing_conversions_grant_each_badge_exactly_once(engine):
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    star = make_agent(engine, tenant, "Star Sol", max_capacity=RACERS, open_leads=RACERS)
    leads = [make_lead(engine, tenant, f"Deal {i}", status="qualified", agent_id=star) for i in range(RACERS)]
    barrier, failures = threading.Barrier(RACERS), []

    def convert(lead_id: int) -> None:
        barrier.wait()
        try:
            lifecycle.change_status(SqlUnitOfWork(engine), actor, lead_id=lead_id, new_status="converted")
        except LeadOpsError as exc:
            failures.append(exc.message)

    threads = [threading.Thread(target=convert, args=(lead,)) for lead in leads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with Session(engine) as s:
        badges = sorted(s.scalars(select(Badge.badge).where(Badge.agent_id == star)))
        audited = s.scalar(select(func.count()).select_from(AuditRow)
                           .where(AuditRow.action == "agent.badge_awarded"))
        assert s.get(Agent, star).points_total == RACERS * 100
        assert (s.get(Agent, star).closed_leads, s.get(Agent, star).converted_leads) == (RACERS, RACERS)
    assert badges == ["first_conversion", "five_conversions_in_7_days"]
    assert audited == 2
    assert find_violations(engine) == []


def test_the_leaderboard_and_one_agents_history_read_the_ledger(engine):
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    ana = make_agent(engine, tenant, "Ana Ruiz", max_capacity=5, open_leads=2)
    bo = make_agent(engine, tenant, "Bo Lin", max_capacity=5, open_leads=1)
    first = make_lead(engine, tenant, "One", status="assigned", agent_id=ana)
    make_lead(engine, tenant, "Two", status="assigned", agent_id=ana)
    third = make_lead(engine, tenant, "Three", status="contacted", agent_id=bo)
    lifecycle.change_status(SqlUnitOfWork(engine), actor, lead_id=third, new_status="converted")
    lifecycle.change_status(SqlUnitOfWork(engine), actor, lead_id=first, new_status="contacted")
    board = agent_leaderboard(SqlUnitOfWork(engine), actor, Window.WEEK)
    assert [(s.name, s.points, s.conversions) for s in board] == [
        ("Bo Lin", 120, 1), ("Ana Ruiz", 5, 0)]
    assert board[0].badges and board[0].badges[0].value == "first_conversion"
    history = agent_history(SqlUnitOfWork(engine), actor, bo)
    assert [e.points for e in history.entries] == [20, 100]  # qualified, converted: a skip
    assert [b.badge.value for b in history.badges] == ["first_conversion"]
