"""`cli.py check`'s engine: each invariant broken on purpose is reported, naming the offender."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from db.demo import seed_demo
from db.invariants import Totals, Violation, count_checked, find_violations, find_warnings
from db.models import Agent, AgentPointsDay
from tests.factories import make_agent, make_assignment, make_lead, make_tenant, set_capacity

T0 = datetime(2026, 3, 2, 9, 0)


def held_leads(engine, tenant_id, agent_id, n, *, status="assigned", at=T0) -> list[int]:
    """n leads held by the agent, each with its assignment-history row."""
    leads = []
    for _ in range(n):
        lead = make_lead(engine, tenant_id, status=status, agent_id=agent_id)
        make_assignment(engine, tenant_id, lead, agent_id, assigned_at=at)
        leads.append(lead)
    return leads


def test_a_seeded_demo_holds_every_invariant(engine):
    seed_demo(engine, leads=300, agents=10, password_rounds=4)
    assert find_violations(engine) == []
    assert find_warnings(engine) == []
    assert count_checked(engine) == Totals(agents=10 + 6, leads=300 + 120)


def test_closed_leads_keep_their_agent_but_not_a_slot(engine):
    acme = make_tenant(engine, "acme")
    ana = make_agent(engine, acme, "Ana Ruiz", max_capacity=1, open_leads=1)
    held_leads(engine, acme, ana, 1, status="contacted")
    held_leads(engine, acme, ana, 2, status="converted")
    held_leads(engine, acme, ana, 2, status="lost")
    assert find_violations(engine) == []


def test_an_agent_over_capacity_is_named(engine):
    acme = make_tenant(engine, "acme")
    ana = make_agent(engine, acme, "Ana Ruiz", max_capacity=2, open_leads=3)
    bo = make_agent(engine, acme, "Bo Lin", max_capacity=2, open_leads=2)  # full is not over
    held_leads(engine, acme, ana, 3)
    held_leads(engine, acme, bo, 2)
    assert find_violations(engine) == [Violation(
        "over_capacity", "acme", f"agent {ana} (Ana Ruiz)",
        f"agent {ana} (Ana Ruiz) holds 3 open leads but max_capacity is 2")]


def test_capacity_is_judged_on_the_recount_not_the_counter(engine):
    acme = make_tenant(engine, "acme")
    ana = make_agent(engine, acme, "Ana Ruiz", max_capacity=2, open_leads=2)
    held_leads(engine, acme, ana, 3, status="qualified")
    assert sorted(v.kind for v in find_violations(engine)) == ["counter_mismatch", "over_capacity"]


def test_an_open_lead_without_agent_is_named(engine):
    acme = make_tenant(engine, "acme")
    lead = make_lead(engine, acme, status="contacted")
    assert find_violations(engine) == [Violation(
        "open_lead_without_agent", "acme", f"lead {lead}", f"lead {lead} is contacted but has no agent")]


def test_a_new_lead_with_an_agent_is_named(engine):
    acme = make_tenant(engine, "acme")
    bo = make_agent(engine, acme, "Bo Lin")
    lead = make_lead(engine, acme, status="new", agent_id=bo)
    assert find_violations(engine) == [Violation(
        "new_lead_with_agent", "acme", f"lead {lead}", f"lead {lead} is new but has agent {bo} (Bo Lin)")]


def test_a_counter_that_disagrees_with_the_recount_is_named(engine):
    acme = make_tenant(engine, "acme")
    bo = make_agent(engine, acme, "Bo Lin", max_capacity=10, open_leads=5)
    held_leads(engine, acme, bo, 4)
    assert find_violations(engine) == [Violation(
        "counter_mismatch", "acme", f"agent {bo} (Bo Lin)",
        f"agent {bo} (Bo Lin) counter open_leads=5 but a recount finds 4")]


def test_an_agent_idle_with_a_stale_counter_is_named(engine):
    acme = make_tenant(engine, "acme")
    bo = make_agent(engine, acme, "Bo Lin", open_leads=1)
    assert [(v.kind, v.entity) for v in find_violations(engine)] == [
        ("counter_mismatch", f"agent {bo} (Bo Lin)")]


def test_a_lead_held_by_another_tenants_agent_is_named(engine):
    acme, globex = make_tenant(engine, "acme"), make_tenant(engine, "globex")
    outsider = make_agent(engine, globex, "Cy Moreau", open_leads=1)
    lead = make_lead(engine, acme, status="assigned", agent_id=outsider)
    assert find_violations(engine) == [Violation(
        "cross_tenant_agent", "acme", f"lead {lead}",
        f"lead {lead} belongs to tenant acme but its agent {outsider} (Cy Moreau) belongs to tenant globex")]


@pytest.mark.parametrize("changed_after_t0, allowed", [
    (timedelta(hours=3), True),     # lowered after the latest assignment
    (timedelta(hours=2), True),     # in the same instant as the latest assignment
    (timedelta(hours=1), False),    # between two assignments: the later one overfilled the agent
    (timedelta(hours=-1), False),   # before every assignment
])
def test_lowered_capacity_is_a_warning_only_after_the_latest_assignment(engine, changed_after_t0, allowed):
    acme = make_tenant(engine, "acme")
    ana = make_agent(engine, acme, "Ana Ruiz", max_capacity=10, open_leads=4)
    held_leads(engine, acme, ana, 3, at=T0)
    held_leads(engine, acme, ana, 1, at=T0 + timedelta(hours=2))
    set_capacity(engine, ana, 2, changed_at=T0 + changed_after_t0)
    violations, warnings = find_violations(engine), find_warnings(engine)
    if allowed:
        assert violations == []
        assert warnings == [Violation(
            "lowered_capacity", "acme", f"agent {ana} (Ana Ruiz)",
            f"agent {ana} (Ana Ruiz) is over capacity (4 of 2) after its capacity was lowered; "
            "it receives nothing until below it")]
    else:
        assert warnings == []
        assert [(v.kind, v.entity) for v in violations] == [("over_capacity", f"agent {ana} (Ana Ruiz)")]
        assert "changed before its latest assignment" in violations[0].message


def test_an_ended_assignment_still_counts_as_the_latest(engine):
    acme = make_tenant(engine, "acme")
    ana = make_agent(engine, acme, "Ana Ruiz", max_capacity=10, open_leads=3)
    held_leads(engine, acme, ana, 3, at=T0)
    moved_on = make_lead(engine, acme, status="new")
    make_assignment(engine, acme, moved_on, ana, assigned_at=T0 + timedelta(hours=2),
                    ended_at=T0 + timedelta(hours=4))
    set_capacity(engine, ana, 2, changed_at=T0 + timedelta(hours=1))
    assert [v.kind for v in find_violations(engine)] == ["over_capacity"]


def test_lowered_capacity_without_any_assignment_history_is_a_violation(engine):
    acme = make_tenant(engine, "acme")
    ana = make_agent(engine, acme, "Ana Ruiz", max_capacity=10, open_leads=3)
    for _ in range(3):
        make_lead(engine, acme, status="assigned", agent_id=ana)
    set_capacity(engine, ana, 2, changed_at=T0)
    assert find_warnings(engine) == []
    [violation] = find_violations(engine)
    assert violation.kind == "over_capacity" and "no assignment history" in violation.message


def test_a_points_total_that_is_not_the_sum_of_the_ledger_is_named(engine):
    seed_demo(engine, leads=300, agents=10, password_rounds=4)
    with engine.begin() as connection:
        agent_id, total = connection.execute(
            select(Agent.id, Agent.points_total).where(Agent.points_total > 0).limit(1)).one()
        connection.execute(update(Agent).where(Agent.id == agent_id).values(points_total=total + 5))
    found = [v for v in find_violations(engine) if v.kind == "points_total_mismatch"]
    assert len(found) == 1 and found[0].entity.startswith(f"agent {agent_id} (")
    assert f"points_total={total + 5} but its ledger sums to {total}" in found[0].message


def test_close_counters_that_are_not_the_agents_closed_leads_are_named(engine):
    seed_demo(engine, leads=300, agents=10, password_rounds=4)
    with engine.begin() as connection:
        agent_id, closed, converted = connection.execute(
            select(Agent.id, Agent.closed_leads, Agent.converted_leads)
            .where(Agent.converted_leads > 0).order_by(Agent.id).limit(1)).one()
        connection.execute(update(Agent).where(Agent.id == agent_id).values(
            converted_leads=converted - 1))
    found = [v for v in find_violations(engine) if v.kind == "close_counter_mismatch"]
    assert [v.entity.split(" (")[0] for v in found] == [f"agent {agent_id}"]
    assert (f"closed_leads={closed} and converted_leads={converted - 1} but holds {closed} closed "
            f"leads, {converted} converted") in found[0].message


def test_a_daily_points_total_that_is_not_its_ledger_day_is_named(engine):
    seed_demo(engine, leads=300, agents=10, password_rounds=4)
    with engine.begin() as connection:
        agent_id, day = connection.execute(select(AgentPointsDay.agent_id, AgentPointsDay.day)
                                           .where(AgentPointsDay.points > 0).limit(1)).one()
        connection.execute(update(AgentPointsDay).where(
            AgentPointsDay.agent_id == agent_id, AgentPointsDay.day == day).values(
            points=AgentPointsDay.points + 20))
    found = [v for v in find_violations(engine) if v.kind == "daily_points_mismatch"]
    assert [v.entity.split(" (")[0] for v in found] == [f"agent {agent_id}"]
