"""Bulk update in both modes, on a real database."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.bulk.update import LeadChange, bulk_update
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.permissions import Role
from db.invariants import find_violations
from db.models import Agent, AuditRow, Badge, Lead, PointsEntry
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user


@pytest.fixture
def world(engine):
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    ana = make_agent(engine, tenant, "Ana", max_capacity=5, open_leads=2)
    leads = [make_lead(engine, tenant, "New one"), make_lead(engine, tenant, "Working", status="assigned",
                                                             agent_id=ana),
             make_lead(engine, tenant, "Also working", status="contacted", agent_id=ana)]
    return dict(engine=engine, actor=actor, ana=ana, leads=leads)


def run(world, changes, *, all_or_nothing):
    return bulk_update(lambda: SqlUnitOfWork(world["engine"]), world["actor"], changes,
                       all_or_nothing=all_or_nothing)


def snapshot(engine):
    with Session(engine) as s:
        return s.execute(select(Lead.id, Lead.status, Lead.source, Lead.required_skill, Lead.due_date)
                         .order_by(Lead.id)).all()


BAD_AND_GOOD = lambda leads: [  # noqa: E731
    LeadChange(leads[0], source="referral", due_date=date(2026, 12, 1)),
    LeadChange(leads[1], status="lost", lost_reason="no budget"),
    LeadChange(leads[2], status="lost"),                 # lost needs a reason
    LeadChange(9999, source="event"),                    # not in this tenant
]


def test_best_effort_applies_valid_rows_and_reports_each_invalid_one(world):
    result = run(world, BAD_AND_GOOD(world["leads"]), all_or_nothing=False)
    assert result.applied == 2
    assert [(lead, outcome) for lead, outcome, _ in result.outcome()] == [
        (world["leads"][0], "updated"), (world["leads"][1], "updated"),
        (world["leads"][2], "refused"), (9999, "refused")]
    assert [lead for lead, _ in result.refused] == [world["leads"][2], 9999]
    assert "Closing lead" in result.refused[0][1] and "needs a reason" in result.refused[0][1]
    with Session(world["engine"]) as s:
        first = s.get(Lead, world["leads"][0])
        assert (first.source, first.due_date) == ("referral", date(2026, 12, 1))
        lost = s.get(Lead, world["leads"][1])
        assert (lost.status, lost.lost_reason) == ("lost", "no budget")
        assert s.get(Agent, world["ana"]).open_leads == 1  # closing freed a slot
        actions = s.scalars(select(AuditRow.action).where(AuditRow.batch_id == result.batch_id)).all()
        assert sorted(actions) == ["bulk.updated", "lead.updated", "lead.updated"]  # and its closing row
    assert find_violations(world["engine"]) == []


def test_all_or_nothing_changes_nothing_when_any_row_is_invalid(world):
    before = snapshot(world["engine"])
    result = run(world, BAD_AND_GOOD(world["leads"]), all_or_nothing=True)
    assert (result.applied, result.batch_id, len(result.refused)) == (0, None, 2)
    assert snapshot(world["engine"]) == before


def test_a_skip_to_converted_earns_each_step_in_the_same_transaction(world):
    result = run(world, [LeadChange(world["leads"][1], status="converted")], all_or_nothing=True)
    assert result.applied == 1
    with Session(world["engine"]) as s:
        ana = s.get(Agent, world["ana"])
        assert ana.points_total == 5 + 20 + 100
        assert (ana.closed_leads, ana.converted_leads) == (1, 1)  # what performance scores read
        reasons = s.scalars(select(PointsEntry.reason).order_by(PointsEntry.id)).all()
        assert sorted(reasons) == ["contacted", "converted", "first_contact", "qualified"]
        assert s.scalars(select(Badge.badge)).all() == ["first_conversion"]
    assert find_violations(world["engine"]) == []


def test_all_or_nothing_applies_everything_when_all_rows_are_valid(world):
    result = run(world, [LeadChange(i, required_skill="sales") for i in world["leads"]],
                 all_or_nothing=True)
    assert result.applied == 3 and result.refused == []


def test_skill_the_agent_lacks_is_refused_and_text_is_stored_as_typed(world):
    result = run(world, [LeadChange(world["leads"][1], required_skill="spanish"),
                         LeadChange(world["leads"][0], source="=cmd|' /C calc'!A0")], all_or_nothing=False)
    assert "agent lacks skill spanish" in result.refused[0][1]
    assert "Source \"=cmd|' /C calc'!A0\" is unknown" in result.refused[1][1]


def test_duplicate_rows_and_empty_changes_are_refused(world):
    with pytest.raises(InvalidInput, match="appear more than once"):
        run(world, [LeadChange(world["leads"][0], source="event")] * 2, all_or_nothing=False)
    with pytest.raises(InvalidInput, match="No field to change"):
        run(world, [LeadChange(world["leads"][0])], all_or_nothing=False)
