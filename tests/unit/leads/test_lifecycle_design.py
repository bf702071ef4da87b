"""Lifecycle rules of docs/design.md §3 that change_status keeps: junk leads close as lost without an
agent, and lost needs a reason (kept on the lead and in the audit)."""

import pytest

from core.domain.errors import InvalidInput
from core.domain.performance import ConversionCount
from core.domain.vocabulary import LeadStatus
from core.leads import lifecycle
from tests.unit.builders import SUPERVISOR, agent, lead
from tests.unit.fakes import FakeUnitOfWork


def test_a_new_lead_may_be_closed_as_lost_without_ever_being_assigned():
    uow = FakeUnitOfWork(agents=[agent(10, open_leads=1)], leads=[lead(1)])
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="lost", reason="junk: test entry")
    assert (uow.leads.rows[1].status, uow.leads.rows[1].agent_id) == (LeadStatus.LOST, None)
    assert uow.agents.rows[10].open_leads == 1


def test_closing_a_lead_as_lost_needs_a_reason():
    uow = FakeUnitOfWork(agents=[agent(10, open_leads=1)],
                         leads=[lead(1, status=LeadStatus.CONTACTED, agent_id=10)])
    with pytest.raises(InvalidInput):
        lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="lost", reason="  ")
    assert uow.leads.rows[1].status == LeadStatus.CONTACTED


def test_a_close_counts_once_in_its_agents_closed_and_converted_counters():
    """Performance scores read the agent's counters, not its closed leads (migration 0015)."""
    uow = FakeUnitOfWork(agents=[agent(10, open_leads=2)],
                         leads=[lead(1, status=LeadStatus.QUALIFIED, agent_id=10),
                                lead(2, status=LeadStatus.CONTACTED, agent_id=10), lead(3)])
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="converted")
    lifecycle.change_status(uow, SUPERVISOR, lead_id=2, new_status="lost", reason="no budget")
    lifecycle.change_status(uow, SUPERVISOR, lead_id=3, new_status="lost", reason="junk")  # no agent
    assert uow.agents.closes_counted == {10: ConversionCount(converted=1, closed=2)}
