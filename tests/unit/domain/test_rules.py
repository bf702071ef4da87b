"""The lead lifecycle as pure rules (docs/design.md §3): forward past any steps, or lost from any
open status or from new (junk); closed leads stay closed."""

import pytest

from core.domain.rules import allowed_next_statuses, why_status_cannot_change
from core.domain.vocabulary import LeadStatus
from tests.unit.builders import lead


@pytest.mark.parametrize("status", [LeadStatus.ASSIGNED, LeadStatus.CONTACTED, LeadStatus.QUALIFIED])
def test_any_open_lead_may_be_closed_as_lost(status):
    assert why_status_cannot_change(lead(1, status=status, agent_id=10), LeadStatus.LOST) is None
    assert LeadStatus.LOST in allowed_next_statuses(status)


def test_a_new_lead_may_only_be_closed_as_lost():
    new = lead(1)
    assert why_status_cannot_change(new, LeadStatus.LOST) is None
    assert allowed_next_statuses(LeadStatus.NEW) == [LeadStatus.LOST]
    assert why_status_cannot_change(new, LeadStatus.CONTACTED) == (
        "Lead #1 is new: assign it to an agent before changing its status, or close it as lost.")


@pytest.mark.parametrize("start, target", [
    (LeadStatus.ASSIGNED, LeadStatus.QUALIFIED),
    (LeadStatus.ASSIGNED, LeadStatus.CONVERTED),
    (LeadStatus.CONTACTED, LeadStatus.CONVERTED),
])
def test_a_lead_may_skip_steps_forward(start, target):
    assert why_status_cannot_change(lead(1, status=start, agent_id=10), target) is None
    assert target in allowed_next_statuses(start)


@pytest.mark.parametrize("status", [LeadStatus.CONVERTED, LeadStatus.LOST])
def test_a_closed_lead_changes_status_no_more(status):
    closed = lead(1, status=status, agent_id=10)
    assert why_status_cannot_change(closed, LeadStatus.CONTACTED) == (
        f"Lead #1 is {status.value}: closed leads do not change status.")
    assert allowed_next_statuses(status) == []


def test_a_step_back_names_the_steps_allowed():
    qualified = lead(1, status=LeadStatus.QUALIFIED, agent_id=10)
    assert why_status_cannot_change(qualified, LeadStatus.CONTACTED) == (
        "Lead #1 cannot go back from qualified to contacted; next allowed: converted or lost.")
    assert allowed_next_statuses(LeadStatus.ASSIGNED) == [
        LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.CONVERTED, LeadStatus.LOST]
