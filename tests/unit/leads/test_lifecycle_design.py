"""Lifecycle rules DESIGN.md §3 states that the use cases do not keep yet (strict xfails: they
start failing the day core keeps them, and the marks come off)."""

import pytest

from core.domain.errors import InvalidInput
from core.domain.vocabulary import LeadStatus
from core.leads import lifecycle
from tests.unit.builders import SUPERVISOR, agent, lead
from tests.unit.fakes import FakeUnitOfWork


@pytest.mark.xfail(strict=True, reason="DESIGN.md §3: 'a new lead may be closed as lost (junk) without "
                   "ever being assigned'; why_status_cannot_change refuses new -> lost ('assign it to an "
                   "agent before changing its status') and change_status would call holder_of on it")
def test_a_new_lead_may_be_closed_as_lost_without_ever_being_assigned():
    uow = FakeUnitOfWork(agents=[agent(10, open_leads=1)], leads=[lead(1)])
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="lost", reason="junk: test entry")
    assert (uow.leads.rows[1].status, uow.leads.rows[1].agent_id) == (LeadStatus.LOST, None)
    assert uow.agents.rows[10].open_leads == 1


@pytest.mark.xfail(strict=True, reason="DESIGN.md §3: 'lost needs a reason'; change_status takes the "
                   "reason as optional for every status (the page labels it 'optional' too)")
def test_closing_a_lead_as_lost_needs_a_reason():
    uow = FakeUnitOfWork(agents=[agent(10, open_leads=1)],
                         leads=[lead(1, status=LeadStatus.CONTACTED, agent_id=10)])
    with pytest.raises(InvalidInput):
        lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="lost", reason="  ")
    assert uow.leads.rows[1].status == LeadStatus.CONTACTED
