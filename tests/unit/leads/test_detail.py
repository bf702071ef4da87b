"""A lead's detail: its fields, scores and histories, newest first, in the actor's tenant only."""

import pytest

from core.domain.errors import NotFound
from core.domain.vocabulary import LeadStatus
from core.leads import assignment, lifecycle
from core.leads.search import lead_detail
from tests.unit.builders import MANAGER, OTHER_TENANT, SUPERVISOR, agent, lead, scored, user_of
from tests.unit.fakes import FakeUnitOfWork


def worked_on() -> FakeUnitOfWork:
    uow = FakeUnitOfWork(users=[user_of(SUPERVISOR)], agents=[agent(10, "Ana Ruiz")],
                         leads=[lead(1, name="Pat Doe"), lead(2)],
                         lead_fields={1: scored(72.5, company="Acme", source="event")})
    assignment.assign_lead(uow, SUPERVISOR, lead_id=1, agent_id=10, note="warm intro")
    assignment.assign_lead(uow, SUPERVISOR, lead_id=2, agent_id=10)
    lifecycle.log_activity(uow, SUPERVISOR, lead_id=1, kind="call", note="left voicemail")
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="contacted")
    return uow


def test_the_detail_shows_the_lead_as_it_is_now():
    detail = lead_detail(worked_on(), MANAGER, 1)
    assert (detail.name, detail.status, detail.agent_name, detail.company, detail.source) == (
        "Pat Doe", LeadStatus.CONTACTED, "Ana Ruiz", "Acme", "event")
    assert (float(detail.scores.overall), detail.score_category, detail.version) == (72.5, "warm", 4)


def test_the_detail_lists_its_own_histories_newest_first():
    detail = lead_detail(worked_on(), MANAGER, 1)
    [stretch] = detail.assignments
    assert (stretch.agent_name, stretch.by_username, stretch.note, stretch.ended_at) == (
        "Ana Ruiz", "sup", "warm intro", None)
    assert [(a.kind, a.agent_name, a.note) for a in detail.activities] == [
        ("call", "Ana Ruiz", "left voicemail")]
    assert [a.action for a in detail.audit] == [
        "lead.status_changed", "lead.activity_logged", "lead.assigned"]
    assert detail.cut_off == frozenset()


def test_a_lead_of_another_tenant_does_not_exist_for_the_actor():
    with pytest.raises(NotFound, match="Lead #1 does not exist in your tenant"):
        lead_detail(worked_on(), OTHER_TENANT, 1)
