"""The capacity rule and lead lifecycle, through the use cases, against the fake unit of work."""

import pytest

from core.domain.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation, StaleView
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.rules import AgentState, LeadState, allowed_next_statuses
from core.domain.vocabulary import Availability, LeadStatus
from core.leads import assignment, lifecycle
from tests.unit.fakes import FakeUnitOfWork

SUPERVISOR = Actor(1, "sup", "Sup", 1, Role.SUPERVISOR)
MANAGER = Actor(2, "man", "Man", 1, Role.MANAGER)
OTHER_TENANT = Actor(3, "x", "X", 2, Role.ADMIN)


def agent(id=10, name="Ana Ruiz", open_leads=0, max_capacity=12, skills=("sales",),
          availability=Availability.AVAILABLE, tenant_id=1):
    return AgentState(id, tenant_id, name, frozenset(skills), availability, max_capacity, open_leads)


def lead(id=4411, status=LeadStatus.NEW, agent_id=None, skill=None, version=1):
    return LeadState(id, 1, "Pat Doe", status, agent_id, skill, version)


def uow_with(*, agents=(), leads=()):
    return FakeUnitOfWork(agents=list(agents) or [agent()], leads=list(leads) or [lead()])


def test_assign_counts_the_lead_writes_history_and_one_audit_row():
    uow = uow_with()
    message = assignment.assign_lead(uow, SUPERVISOR, lead_id=4411, agent_id=10, note="hot one")
    assert message == "Lead #4411 (Pat Doe) is assigned to Ana Ruiz."
    assert uow.agents.rows[10].open_leads == 1
    assert (uow.leads.rows[4411].status, uow.leads.rows[4411].agent_id) == (LeadStatus.ASSIGNED, 10)
    assert [(a["agent_id"], a["note"]) for a in uow.assignments.assignments] == [(10, "hot one")]
    assert [(e.action, e.reason) for e in uow.audit.entries] == [("lead.assigned", "hot one")]


@pytest.mark.parametrize("the_agent, the_lead, message", [
    (agent(open_leads=12), lead(), "Ana Ruiz is full: 12 of 12 open leads."),
    (agent(availability=Availability.BUSY), lead(), "Ana Ruiz is busy: only available agents"),
    (agent(name="Bo Lin"), lead(skill="spanish"), "Bo Lin lacks skill spanish, which lead #4411"),
    (agent(), lead(status=LeadStatus.CONVERTED, agent_id=10), "Lead #4411 is converted and cannot"),
    (agent(), lead(status=LeadStatus.CONTACTED, agent_id=11), "already contacted: use reassign"),
])
def test_assign_refusals_name_the_rule_and_change_nothing(the_agent, the_lead, message):
    uow = uow_with(agents=[the_agent], leads=[the_lead])
    with pytest.raises(RuleViolation, match=message):
        assignment.assign_lead(uow, SUPERVISOR, lead_id=4411, agent_id=the_agent.id)
    assert uow.agents.rows[the_agent.id] == the_agent and uow.leads.rows[4411] == the_lead
    assert uow.audit.entries == [] and uow.assignments.assignments == []


def test_capacity_zero_means_nothing_is_assigned():
    uow = uow_with(agents=[agent(max_capacity=0)])
    with pytest.raises(RuleViolation, match="full: 0 of 0"):
        assignment.assign_lead(uow, SUPERVISOR, lead_id=4411, agent_id=10)


def test_managers_and_other_tenants_are_refused():
    uow = uow_with()
    with pytest.raises(PermissionDenied, match="manager"):
        assignment.assign_lead(uow, MANAGER, lead_id=4411, agent_id=10)
    with pytest.raises(NotFound, match="Lead #4411 does not exist in your tenant"):
        assignment.assign_lead(uow, OTHER_TENANT, lead_id=4411, agent_id=10)
    assert uow.audit.entries == []


def test_stale_view_is_reported_not_overwritten():
    uow = uow_with(leads=[lead(version=3)])
    with pytest.raises(StaleView, match="changed by someone else"):
        assignment.assign_lead(uow, SUPERVISOR, lead_id=4411, agent_id=10, expected_version=2)
    assert uow.leads.rows[4411].agent_id is None


def test_reassign_needs_a_reason_and_records_the_previous_agent():
    uow = uow_with(agents=[agent(10, open_leads=1), agent(11, "Bo Lin")],
                   leads=[lead(status=LeadStatus.CONTACTED, agent_id=10)])
    with pytest.raises(InvalidInput, match="needs a reason"):
        assignment.reassign_lead(uow, SUPERVISOR, lead_id=4411, agent_id=11, reason="  ")
    assignment.reassign_lead(uow, SUPERVISOR, lead_id=4411, agent_id=11, reason="speaks Spanish")
    assert (uow.agents.rows[10].open_leads, uow.agents.rows[11].open_leads) == (0, 1)
    assert uow.leads.rows[4411].status == LeadStatus.CONTACTED  # keeps its progress
    new_stretch = uow.assignments.assignments[-1]
    assert (new_stretch["previous_agent_id"], new_stretch["note"]) == (10, "speaks Spanish")
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.before["agent_id"], entry.after["agent_id"]) == ("lead.reassigned", 10, 11)


def test_reassign_to_a_full_agent_keeps_the_lead_where_it_was():
    uow = uow_with(agents=[agent(10, open_leads=1), agent(11, "Bo Lin", open_leads=5, max_capacity=5)],
                   leads=[lead(status=LeadStatus.ASSIGNED, agent_id=10)])
    with pytest.raises(RuleViolation, match="Bo Lin is full: 5 of 5"):
        assignment.reassign_lead(uow, SUPERVISOR, lead_id=4411, agent_id=11, reason="r")
    assert uow.leads.rows[4411].agent_id == 10 and uow.agents.rows[10].open_leads == 1


def test_unassign_returns_the_lead_to_new_and_frees_the_slot():
    uow = uow_with(agents=[agent(open_leads=3)], leads=[lead(status=LeadStatus.QUALIFIED, agent_id=10)])
    assignment.unassign_lead(uow, SUPERVISOR, lead_id=4411, reason="Customer asked to pause")
    assert (uow.leads.rows[4411].status, uow.leads.rows[4411].agent_id) == (LeadStatus.NEW, None)
    assert uow.agents.rows[10].open_leads == 2
    assert [(e.action, e.reason) for e in uow.audit.entries] == [
        ("lead.unassigned", "Customer asked to pause")]


def test_unassign_needs_a_reason_like_reassign():
    uow = uow_with(agents=[agent(open_leads=3)], leads=[lead(status=LeadStatus.QUALIFIED, agent_id=10)])
    for reason in ("", "   "):
        with pytest.raises(InvalidInput, match="Unassigning needs a reason"):
            assignment.unassign_lead(uow, SUPERVISOR, lead_id=4411, reason=reason)
    assert uow.leads.rows[4411].agent_id == 10 and uow.audit.entries == []


def test_closing_keeps_the_agent_and_frees_capacity():
    uow = uow_with(agents=[agent(open_leads=2)], leads=[lead(status=LeadStatus.QUALIFIED, agent_id=10)])
    lifecycle.change_status(uow, SUPERVISOR, lead_id=4411, new_status="converted")
    assert (uow.leads.rows[4411].status, uow.leads.rows[4411].agent_id) == (LeadStatus.CONVERTED, 10)
    assert uow.agents.rows[10].open_leads == 1
    with pytest.raises(RuleViolation, match="converted: closed leads do not change status"):
        lifecycle.change_status(uow, SUPERVISOR, lead_id=4411, new_status="lost", reason="no budget")


@pytest.mark.parametrize("start, target, allowed", [
    (LeadStatus.ASSIGNED, LeadStatus.CONTACTED, True),
    (LeadStatus.CONTACTED, LeadStatus.QUALIFIED, True),
    (LeadStatus.QUALIFIED, LeadStatus.CONVERTED, True),
    (LeadStatus.ASSIGNED, LeadStatus.CONVERTED, True),
    (LeadStatus.CONTACTED, LeadStatus.ASSIGNED, False),
    (LeadStatus.QUALIFIED, LeadStatus.CONTACTED, False),
    (LeadStatus.NEW, LeadStatus.CONTACTED, False),
])
def test_status_transitions_follow_the_lifecycle(start, target, allowed):
    the_lead = lead(status=start, agent_id=None if start == LeadStatus.NEW else 10)
    uow = uow_with(agents=[agent(open_leads=1)], leads=[the_lead])
    if allowed:
        lifecycle.change_status(uow, SUPERVISOR, lead_id=4411, new_status=target)
        assert uow.leads.rows[4411].status == target
        assert target in allowed_next_statuses(start)
    else:
        with pytest.raises(RuleViolation):
            lifecycle.change_status(uow, SUPERVISOR, lead_id=4411, new_status=target)
        assert uow.leads.rows[4411] == the_lead


def test_activity_is_logged_and_audited():
    uow = uow_with(leads=[lead(status=LeadStatus.ASSIGNED, agent_id=10)])
    assert lifecycle.log_activity(uow, SUPERVISOR, lead_id=4411, kind="call", note="left voicemail") \
        == "Call logged on lead #4411."
    assert uow.activities.activities[0]["kind"] == "call"
    assert uow.audit.entries[-1].action == "lead.activity_logged"
    with pytest.raises(InvalidInput, match="unknown"):
        lifecycle.log_activity(uow, SUPERVISOR, lead_id=4411, kind="fax")
