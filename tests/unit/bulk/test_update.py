"""Bulk update (docs/design.md §4): best effort applies the valid rows and reports each refused one
with its reason; all or nothing changes nothing unless every row is valid."""

from datetime import date

import pytest

from core.bulk.update import LeadChange, bulk_update, leads_matching
from core.domain.batches import BatchKind, BatchState
from core.domain.errors import InvalidInput, PermissionDenied
from core.domain.leads import CLEAR
from core.domain.placement import Refusal
from core.domain.vocabulary import SKILLS, SOURCES, LeadStatus
from tests.unit.builders import MANAGER, SUPERVISOR
from tests.unit.bulk.scenario import NEW_LEADS, team

MIXED = [
    LeadChange(1, source="event"),
    LeadChange(2, source="fax"),
    LeadChange(3, required_skill="juggling"),
    LeadChange(4, status="lost"),
    LeadChange(9, source="event"),
]
WHY = [
    Refusal(2, f"Source 'fax' is unknown; use one of {', '.join(SOURCES)}."),
    Refusal(3, f"Skill 'juggling' is unknown; use one of {', '.join(SKILLS)}."),
    Refusal(4, "Closing lead #4 as lost needs a reason: give one with the update."),
    Refusal(9, "Lead #9 does not exist in your tenant."),
]


def test_best_effort_applies_the_valid_rows_and_reports_each_refused_row_with_its_reason():
    uow = team()
    result = bulk_update(lambda: uow, SUPERVISOR, MIXED, all_or_nothing=False)
    assert (result.applied, result.applied_ids, result.refused) == (1, [1], WHY)
    assert result.outcome()[:2] == [(1, "updated", ""), (2, "refused", WHY[0].why)]
    assert uow.leads.fields[1].source == "event" and uow.leads.rows[1].version == 2
    assert uow.leads.fields[2].source == "website" and uow.leads.rows[4].status == LeadStatus.ASSIGNED
    batch = uow.bulk.batch(1, result.batch_id)
    assert (batch.kind, batch.leads_changed, batch.leads_refused) == (BatchKind.BULK_UPDATE, 1, 4)
    assert [(e.action, e.entity_id, e.batch_id, e.after) for e in uow.audit.entries] == [
        ("lead.updated", "1", result.batch_id, {"source": "event"}),
        ("bulk.updated", result.batch_id, result.batch_id, {"updated": 1, "refused": 4})]
    assert [(item.position, item.lead_id, item.refused) for item in uow.bulk.items(result.batch_id)] == [
        (0, 1, None)] + [(position, r.lead_id, r.why) for position, r in enumerate(WHY, start=1)]


def test_all_or_nothing_changes_nothing_when_one_row_is_refused():
    uow = team()
    before = uow.store.snapshot()
    result = bulk_update(lambda: uow, SUPERVISOR, MIXED, all_or_nothing=True)
    assert (result.batch_id, result.applied, result.refused) == (None, 0, WHY)
    assert uow.store == before  # no lead, no batch, no audit row


def test_all_or_nothing_applies_every_row_in_one_batch_when_all_are_valid():
    uow = team()
    changes = [LeadChange(1, source="event"), LeadChange(2, source="partner")]
    result = bulk_update(lambda: uow, SUPERVISOR, changes, all_or_nothing=True)
    assert (result.applied, result.applied_ids) == (2, [1, 2])
    assert (uow.leads.fields[1].source, uow.leads.fields[2].source) == ("event", "partner")
    batch = uow.bulk.batch(1, result.batch_id)
    assert (batch.state, batch.leads_changed, batch.leads_refused) == (BatchState.COMPLETE, 2, 0)
    assert [(e.action, e.batch_id) for e in uow.audit.entries] == [
        ("lead.updated", result.batch_id), ("lead.updated", result.batch_id),
        ("bulk.updated", result.batch_id)]
    assert uow.audit.entries[-1].after == {"updated": 2, "refused": 0}


@pytest.mark.parametrize("all_or_nothing", [False, True])
def test_closing_a_lead_keeps_its_agent_and_frees_the_agents_slot(all_or_nothing):
    uow = team()
    bulk_update(lambda: uow, SUPERVISOR, [LeadChange(4, status="lost", lost_reason="no budget")],
                all_or_nothing=all_or_nothing)
    assert (uow.leads.rows[4].status, uow.leads.rows[4].agent_id) == (LeadStatus.LOST, 10)
    assert uow.agents.rows[10].open_leads == 0


def test_an_open_leads_new_required_skill_must_be_one_its_agent_has():
    uow = team()
    result = bulk_update(lambda: uow, SUPERVISOR, [LeadChange(4, required_skill="spanish")],
                         all_or_nothing=False)
    assert result.refused == [Refusal(4, "Lead #4's agent lacks skill spanish; reassign the lead first.")]


def test_a_date_sets_the_due_date_and_clear_empties_a_field():
    uow = team()
    bulk_update(lambda: uow, SUPERVISOR, [LeadChange(3, due_date=date(2026, 12, 24))], all_or_nothing=True)
    assert uow.leads.fields[3].due_date == date(2026, 12, 24)
    bulk_update(lambda: uow, SUPERVISOR, [LeadChange(3, required_skill=CLEAR, due_date=CLEAR)],
                all_or_nothing=True)
    assert (uow.leads.rows[3].required_skill, uow.leads.fields[3].due_date) == (None, None)


def test_a_due_date_that_is_not_a_date_is_refused():
    uow = team()
    result = bulk_update(lambda: uow, SUPERVISOR, [LeadChange(1, due_date="next week")], all_or_nothing=False)
    assert result.refused == [Refusal(1, "Due date 'next week' is not a date (use YYYY-MM-DD).")]


@pytest.mark.parametrize("changes, message", [
    ([], "No leads were chosen"),
    ([LeadChange(1)], "No field to change was given"),
    ([LeadChange(1, source="event"), LeadChange(1, source="partner")], "Lead\\(s\\) 1 appear more than once"),
])
def test_a_request_without_work_or_with_a_lead_twice_is_refused_whole(changes, message):
    uow = team()
    with pytest.raises(InvalidInput, match=message):
        bulk_update(lambda: uow, SUPERVISOR, changes, all_or_nothing=False)
    assert uow.bulk.batches == {} and uow.leads.fields[1].source == "website"


def test_managers_may_not_bulk_update():
    uow = team()
    with pytest.raises(PermissionDenied):
        bulk_update(lambda: uow, MANAGER, [LeadChange(1, source="event")], all_or_nothing=False)
    with pytest.raises(PermissionDenied):
        leads_matching(uow, MANAGER, NEW_LEADS, limit=10)


def test_the_leads_a_filter_selects_are_listed_best_score_first():
    assert leads_matching(team(), SUPERVISOR, NEW_LEADS, limit=2) == [1, 2]


def test_a_bulk_updates_audit_row_holds_each_changed_fields_value_before():
    uow = team()
    bulk_update(lambda: uow, SUPERVISOR, [LeadChange(3, source="event", required_skill=CLEAR)],
                all_or_nothing=True)
    [entry] = [e for e in uow.audit.entries if e.action == "lead.updated"]
    assert entry.before == {"status": "new", "source": "website", "required_skill": "spanish"}
    assert entry.after == {"source": "event", "required_skill": CLEAR}


def test_a_bulk_updates_audit_row_holds_a_due_dates_value_before_as_text():
    uow = team()
    uow.leads.fields[1].due_date = date(2026, 12, 1)
    bulk_update(lambda: uow, SUPERVISOR, [LeadChange(1, due_date=date(2026, 12, 24))], all_or_nothing=False)
    [entry] = [e for e in uow.audit.entries if e.action == "lead.updated"]
    assert (entry.before, entry.after) == ({"status": "new", "due_date": "2026-12-01"},
                                           {"due_date": "2026-12-24"})
