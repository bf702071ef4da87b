"""Re-routing a breached lead: to another eligible agent, with the reason, once per lead unless
a supervisor allows it again."""

from datetime import datetime

import pytest

from core.domain.errors import InvalidInput, PermissionDenied, RuleViolation
from core.domain.sla import SLA_REROUTE_REASON
from core.domain.vocabulary import Availability
from core.sla.breaches import allow_sla_reroute_again, breach_counts, reroute_breached_lead
from tests.unit.builders import MANAGER, SUPERVISOR
from tests.unit.sla.factories import agent, assigned, uow_with

LATE = datetime(2026, 3, 2, 15, 1)  # the hot lead assigned at 14:45 is past its 15 minutes
EARLY = datetime(2026, 3, 2, 14, 59)


def reroute(uow, eligible=(10, 20, 30), now=LATE, actor=SUPERVISOR):
    return reroute_breached_lead(uow, actor, lead_id=1, eligible_agent_ids=list(eligible), now=now)


def test_a_breached_lead_moves_to_the_first_other_eligible_agent_with_the_reason():
    uow = uow_with([agent(10, open_leads=1), agent(20), agent(30)], [assigned(1, 10)])
    message = reroute(uow)
    assert message == f"Lead #1 moved from Agent 10 to Agent 20: {SLA_REROUTE_REASON}."
    assert uow.leads.rows[1].agent_id == 20
    assert (uow.agents.rows[10].open_leads, uow.agents.rows[20].open_leads) == (0, 1)
    history = uow.assignments.assignments
    assert [(a["agent_id"], a["previous_agent_id"], a["note"]) for a in history] == [
        (20, 10, SLA_REROUTE_REASON)]
    assert [(e.action, e.reason) for e in uow.audit.entries] == [("lead.sla_rerouted", SLA_REROUTE_REASON)]
    assert uow.store.sla_rerouted[1] == LATE


def test_a_lead_within_its_sla_stays():
    uow = uow_with([agent(10, open_leads=1), agent(20)], [assigned(1, 10)])
    with pytest.raises(RuleViolation, match="has not breached its first-contact SLA"):
        reroute(uow, now=EARLY)
    assert uow.leads.rows[1].agent_id == 10 and not uow.audit.entries


def test_a_contacted_lead_stays_even_past_its_sla():
    uow = uow_with([agent(10, open_leads=1), agent(20)], [assigned(1, 10)],
                   contacted_at=datetime(2026, 3, 2, 14, 50))
    with pytest.raises(RuleViolation, match="or was contacted"):
        reroute(uow)


def test_a_lead_is_rerouted_at_most_once_until_a_supervisor_allows_it_again():
    uow = uow_with([agent(10, open_leads=1), agent(20), agent(30)], [assigned(1, 10)])
    reroute(uow)
    later = datetime(2026, 3, 2, 15, 30)  # the new agent's 15 minutes are over too
    with pytest.raises(RuleViolation, match="already re-routed for its SLA"):
        reroute(uow, now=later)
    assert uow.leads.rows[1].agent_id == 20

    with pytest.raises(PermissionDenied):
        allow_sla_reroute_again(uow, MANAGER, lead_id=1, reason="give it a chance", now=later)
    with pytest.raises(InvalidInput, match="needs a reason"):
        allow_sla_reroute_again(uow, SUPERVISOR, lead_id=1, reason=" ", now=later)
    assert allow_sla_reroute_again(uow, SUPERVISOR, lead_id=1, reason="Agent 20 is out sick",
                                   now=later) == "Lead #1 may be re-routed for its SLA again."
    assert uow.audit.entries[-1].action == "lead.sla_reroute_allowed"
    assert reroute(uow, now=later).endswith("to Agent 10: first-contact SLA breached.")
    assert uow.leads.rows[1].agent_id == 10


def test_full_unavailable_or_current_agents_are_passed_over_under_the_capacity_rule():
    uow = uow_with([agent(10, open_leads=1), agent(20, open_leads=5, max_capacity=5),
                    agent(30, availability=Availability.AWAY), agent(40)], [assigned(1, 10)])
    reroute(uow, eligible=(10, 20, 30, 40))
    assert uow.leads.rows[1].agent_id == 40


def test_no_other_agent_can_take_it_then_nothing_changes_and_it_may_be_tried_later():
    uow = uow_with([agent(10, open_leads=1), agent(20, open_leads=5, max_capacity=5)], [assigned(1, 10)])
    with pytest.raises(RuleViolation, match="no other eligible agent can take it .*Agent 20 is full"):
        reroute(uow, eligible=(10, 20))
    assert uow.leads.rows[1].agent_id == 10 and 1 not in uow.store.sla_rerouted


def test_managers_may_not_reroute():
    uow = uow_with([agent(10, open_leads=1), agent(20)], [assigned(1, 10)])
    with pytest.raises(PermissionDenied):
        reroute(uow, actor=MANAGER)


def test_breaches_are_counted_per_agent_and_today():
    uow = uow_with([agent(10, open_leads=2), agent(20, open_leads=1)],
                   [assigned(1, 10), assigned(2, 10), assigned(3, 20)])
    uow.leads.fields[3].first_contact_at = datetime(2026, 3, 2, 14, 50)
    counts = breach_counts(uow, MANAGER, LATE)
    assert counts.per_agent == {10: 2} and counts.today == 2
    assert breach_counts(uow, MANAGER, EARLY).per_agent == {}
