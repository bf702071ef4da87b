"""Points are earned in the transaction of the change that earns them (docs/design.md §6): each
reached step once per lead, the first-contact bonus within the hour, reversals as negative
entries, and every stored total equal to the sum of the ledger."""

from datetime import timedelta

import pytest

from core.bulk.update import LeadChange, bulk_update
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput
from core.domain.vocabulary import LeadStatus
from core.leads import assignment, lifecycle
from tests.unit.builders import SUPERVISOR, agent, lead
from tests.unit.fakes import FakeUnitOfWork, LeadFields


def assigned_ago(minutes: float, *, status: LeadStatus = LeadStatus.ASSIGNED) -> FakeUnitOfWork:
    """Lead 1 with agent 10 since `minutes` ago."""
    return FakeUnitOfWork(agents=[agent(10, open_leads=1), agent(11)],
                          leads=[lead(1, status=status, agent_id=10)],
                          lead_fields={1: LeadFields(assigned_at=utcnow() - timedelta(minutes=minutes))})


def ledger(uow: FakeUnitOfWork) -> list[tuple[int, str, int]]:
    return [(row.agent_id, row.reason, row.points) for row in uow.store.ledger]


def assert_totals_are_the_ledger(uow: FakeUnitOfWork) -> None:
    sums: dict[int, int] = {}
    for row in uow.store.ledger:
        sums[row.agent_id] = sums.get(row.agent_id, 0) + row.points
    assert {a: t for a, t in uow.store.points_totals.items() if t or a in sums} == sums


def test_each_step_earns_its_points_for_the_leads_agent():
    uow = assigned_ago(120)
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="contacted")
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="qualified")
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="converted")
    assert ledger(uow) == [(10, "first_contact", 0), (10, "contacted", 5), (10, "qualified", 20),
                           (10, "converted", 100)]
    assert uow.store.points_totals[10] == 125
    assert_totals_are_the_ledger(uow)


def test_a_skip_earns_every_step_it_passes_once():
    uow = assigned_ago(120)
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="converted")
    assert sorted(ledger(uow)) == [(10, "contacted", 5), (10, "converted", 100), (10, "first_contact", 0),
                                   (10, "qualified", 20)]


@pytest.mark.parametrize("minutes, bonus", [(59, True), (61, False)])
def test_a_first_contact_within_the_hour_earns_ten_more(minutes, bonus):
    uow = assigned_ago(minutes)
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="contacted")
    assert ((10, "fast_first_contact", 10) in ledger(uow)) is bonus
    assert uow.store.points_totals[10] == (15 if bonus else 5)


@pytest.mark.parametrize("kind, first_contact", [("call", True), ("email", True), ("meeting", True),
                                                 ("note", False), ("web_visit", False)])
def test_a_call_email_or_meeting_is_a_first_contact(kind, first_contact):
    uow = assigned_ago(30)
    lifecycle.log_activity(uow, SUPERVISOR, lead_id=1, kind=kind)
    lifecycle.log_activity(uow, SUPERVISOR, lead_id=1, kind=kind)  # the second is no first contact
    expected = [(10, "first_contact", 0), (10, "fast_first_contact", 10)] if first_contact else []
    assert ledger(uow) == expected
    assert (uow.leads.fields[1].first_contact_at is not None) is first_contact


def test_contacting_after_a_logged_call_earns_the_step_but_no_second_first_contact():
    uow = assigned_ago(30)
    lifecycle.log_activity(uow, SUPERVISOR, lead_id=1, kind="call")
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="contacted")
    assert ledger(uow) == [(10, "first_contact", 0), (10, "fast_first_contact", 10), (10, "contacted", 5)]


def test_unassigning_takes_back_what_the_agent_earned_and_the_steps_can_be_earned_again():
    uow = assigned_ago(30)
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="qualified")
    assignment.unassign_lead(uow, SUPERVISOR, lead_id=1, reason="wrong team")
    assert uow.store.points_totals[10] == 0
    assert sorted(p for _, r, p in ledger(uow) if p < 0) == [-20, -10, -5]
    assignment.assign_lead(uow, SUPERVISOR, lead_id=1, agent_id=11)
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="contacted")
    assert uow.store.points_totals[11] == 15  # contacted + fast: both were taken back from agent 10
    assert_totals_are_the_ledger(uow)


def test_points_an_earlier_agent_earned_stay_theirs_after_a_reassignment():
    uow = assigned_ago(120)
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="contacted")
    assignment.reassign_lead(uow, SUPERVISOR, lead_id=1, agent_id=11, reason="shift ended")
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="converted")
    assert (uow.store.points_totals[10], uow.store.points_totals[11]) == (5, 120)


def test_lost_earns_nothing_and_keeps_its_reason_on_the_lead_and_in_the_audit():
    uow = assigned_ago(120, status=LeadStatus.CONTACTED)
    with pytest.raises(InvalidInput, match="lost needs a reason"):
        lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="lost")
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="lost", reason="chose a competitor")
    assert uow.leads.fields[1].lost_reason == "chose a competitor"
    assert uow.audit.entries[-1].reason == "chose a competitor"
    assert ledger(uow) == []


def test_a_bulk_update_earns_points_in_its_own_transaction():
    uow = FakeUnitOfWork(agents=[agent(10, open_leads=2)],
                         leads=[lead(1, status=LeadStatus.ASSIGNED, agent_id=10),
                                lead(2, status=LeadStatus.QUALIFIED, agent_id=10)])
    result = bulk_update(lambda: uow, SUPERVISOR,
                         [LeadChange(1, status="qualified"), LeadChange(2, status="converted")],
                         all_or_nothing=False)
    assert result.applied == 2
    assert uow.store.points_totals[10] == 5 + 20 + 100
    assert uow.agents.rows[10].open_leads == 1
    assert_totals_are_the_ledger(uow)


def test_a_bulk_close_as_lost_refuses_a_reason_longer_than_a_single_change_takes():
    uow = FakeUnitOfWork(agents=[agent(10, open_leads=1)],
                         leads=[lead(1, status=LeadStatus.ASSIGNED, agent_id=10)])
    result = bulk_update(lambda: uow, SUPERVISOR, [LeadChange(1, status="lost", lost_reason="x" * 2001)],
                         all_or_nothing=False)
    assert result.applied == 0
    assert "too long: at most 2000 characters" in result.refused[0].why
    assert uow.leads.rows[1].status == LeadStatus.ASSIGNED and uow.leads.fields[1].lost_reason is None
