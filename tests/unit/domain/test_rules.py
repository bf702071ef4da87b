"""The lead lifecycle as pure rules (DESIGN.md §3): one step forward, or lost from any open
status; closed leads stay closed."""

import pytest

from core.domain.rules import allowed_next_statuses, why_status_cannot_change
from core.domain.vocabulary import LeadStatus
from tests.unit.builders import lead


@pytest.mark.parametrize("status", [LeadStatus.ASSIGNED, LeadStatus.CONTACTED, LeadStatus.QUALIFIED])
def test_any_open_lead_may_be_closed_as_lost(status):
    assert why_status_cannot_change(lead(1, status=status, agent_id=10), LeadStatus.LOST) is None
    assert LeadStatus.LOST in allowed_next_statuses(status)


@pytest.mark.parametrize("status", [LeadStatus.CONVERTED, LeadStatus.LOST])
def test_a_closed_lead_changes_status_no_more(status):
    closed = lead(1, status=status, agent_id=10)
    assert why_status_cannot_change(closed, LeadStatus.CONTACTED) == (
        f"Lead #1 is {status.value}: closed leads do not change status.")
    assert allowed_next_statuses(status) == []


def test_a_refused_step_names_the_steps_allowed():
    contacted = lead(1, status=LeadStatus.CONTACTED, agent_id=10)
    assert why_status_cannot_change(contacted, LeadStatus.CONVERTED) == (
        "Lead #1 cannot go from contacted to converted; next allowed: qualified or lost.")
