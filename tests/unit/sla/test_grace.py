"""The availability grace: untouched leads of an agent away or offline past the grace period go
back to routing; a touched lead, or an agent back in time, keeps them."""

from datetime import datetime, timedelta

import pytest

from core.agents.capacity import set_agent_capacity
from core.bulk.batches import recent_batches
from core.bulk.undo import undo_batch
from core.domain.batches import BatchKind, BatchState
from core.domain.errors import PermissionDenied, RuleViolation
from core.domain.sla import GRACE_RELEASE_REASON
from core.domain.vocabulary import Availability, LeadStatus
from core.sla.grace import release_untouched_from_unavailable
from tests.unit.builders import MANAGER, SUPERVISOR
from tests.unit.sla.factories import agent, assigned, uow_with

WENT_AWAY = datetime(2026, 3, 2, 15, 0)  # the default grace is 15 minutes


def away_agent_with_leads():
    uow = uow_with([agent(10, open_leads=3, availability=Availability.AWAY), agent(20, open_leads=1)],
                   [assigned(1, 10), assigned(2, 10), assigned(3, 10, status=LeadStatus.CONTACTED),
                    assigned(4, 20)])
    uow.store.availability_changed[10] = WENT_AWAY
    uow.leads.fields[2].first_contact_at = WENT_AWAY - timedelta(minutes=5)  # touched
    return uow


def test_within_the_grace_period_nothing_moves():
    uow = away_agent_with_leads()
    almost = WENT_AWAY + timedelta(minutes=14, seconds=59)
    report = release_untouched_from_unavailable(uow, SUPERVISOR, almost)
    assert report.total == 0 and uow.leads.rows[1].agent_id == 10 and not uow.audit.entries


def test_after_the_grace_period_untouched_leads_return_to_the_pool():
    uow = away_agent_with_leads()
    report = release_untouched_from_unavailable(uow, SUPERVISOR, WENT_AWAY + timedelta(minutes=15))
    assert report.released == (("Agent 10", 1),) and not report.more
    assert (uow.leads.rows[1].status, uow.leads.rows[1].agent_id) == (LeadStatus.NEW, None)
    assert uow.leads.rows[2].agent_id == 10  # contacted since its assignment: stays
    assert uow.leads.rows[3].agent_id == 10  # already worked (contacted): stays
    assert uow.leads.rows[4].agent_id == 20  # an available agent's lead: stays
    assert uow.agents.rows[10].open_leads == 2
    [batch_id] = report.batch_ids
    assert [(e.action, e.entity_id, e.reason, e.batch_id) for e in uow.audit.entries] == [
        ("lead.released", "1", GRACE_RELEASE_REASON, batch_id),
        ("routing.released", batch_id, None, batch_id)]
    assert release_untouched_from_unavailable(uow, SUPERVISOR, WENT_AWAY + timedelta(hours=1)).total == 0


def test_a_release_is_a_batch_shown_with_each_lead_and_its_agent_but_not_undone():
    uow = away_agent_with_leads()
    report = release_untouched_from_unavailable(uow, SUPERVISOR, WENT_AWAY + timedelta(minutes=15))
    [batch_id] = report.batch_ids
    [status] = recent_batches(uow, SUPERVISOR)
    assert (status.batch.kind, status.batch.state, status.batch.leads_changed) == (
        BatchKind.GRACE_RELEASE, BatchState.COMPLETE, 1)
    assert not status.undoable and not status.resumable
    assert [(i.lead_id, i.agent_id, i.lead_version) for i in uow.bulk.items(batch_id)] == [
        (1, 10, uow.leads.rows[1].version)]  # the agent it was taken from
    with pytest.raises(RuleViolation, match=f"^Batch {batch_id[:8]} is a grace release: its leads were taken "
                                            "from agents away past the grace period"):
        undo_batch(lambda: uow, SUPERVISOR, batch_id)


def test_nothing_to_release_writes_no_batch():
    uow = away_agent_with_leads()
    assert release_untouched_from_unavailable(uow, SUPERVISOR, WENT_AWAY).batch_ids == ()
    assert uow.bulk.batches == {}


def test_the_grace_period_starts_when_availability_changes():
    uow = uow_with([agent(10, open_leads=1), agent(20)], [assigned(1, 10)])
    set_agent_capacity(uow, SUPERVISOR, agent_id=10, max_capacity=10, availability="offline")
    changed = uow.store.availability_changed[10]
    assert release_untouched_from_unavailable(uow, SUPERVISOR, changed + timedelta(minutes=14)).total == 0
    assert release_untouched_from_unavailable(uow, SUPERVISOR, changed + timedelta(minutes=15)).total == 1


def test_an_agent_back_before_the_sweep_keeps_their_leads():
    uow = away_agent_with_leads()
    uow.agents.rows[10] = agent(10, open_leads=3)
    assert release_untouched_from_unavailable(uow, SUPERVISOR, WENT_AWAY + timedelta(hours=2)).total == 0


def test_a_run_releases_at_most_its_limit_and_says_more_remain():
    uow = uow_with([agent(10, open_leads=3, availability=Availability.OFFLINE)],
                   [assigned(1, 10), assigned(2, 10), assigned(3, 10)])
    first = release_untouched_from_unavailable(uow, SUPERVISOR, WENT_AWAY, limit=2)
    assert (first.total, first.more) == (2, True)
    second = release_untouched_from_unavailable(uow, SUPERVISOR, WENT_AWAY, limit=2)
    assert (second.total, second.more) == (1, False)
    assert uow.agents.rows[10].open_leads == 0


def test_managers_may_not_release_leads():
    with pytest.raises(PermissionDenied):
        release_untouched_from_unavailable(away_agent_with_leads(), MANAGER, WENT_AWAY)
