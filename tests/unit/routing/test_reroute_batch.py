"""The SLA re-routes of one `cli.py route` pass are one batch (kind `sla_reroute`), shown among
the recent batches and undone there: each lead goes back to the agent it came from, under the
capacity rule, and keeps its re-route used (docs/routing.md, "SLA re-routes as a batch")."""

from dataclasses import replace
from datetime import timedelta

import pytest

from core.bulk.batches import recent_batches
from core.bulk.undo import UndoResult, undo_batch
from core.domain.batches import BatchKind, BatchState
from core.domain.placement import Refusal
from core.domain.sla import SLA_REROUTE_REASON
from core.domain.vocabulary import Availability
from core.leads import lifecycle
from core.routing import reroute
from core.routing.cycle import route_tenant
from tests.unit.builders import SUPERVISOR
from tests.unit.bulk.stopped import stopped_run
from tests.unit.routing.test_route_wiring import HOT_WEBSITE, MONDAY_10, agents_of, breached_center, rules

pytestmark = pytest.mark.usefixtures("pauses")


def rerouted():
    """Lead 1 moved from Sal (10) to Sam (11) by one pass; the pass's batch id."""
    uow = breached_center()
    rules(uow, replace(HOT_WEBSITE, reroute_breached=True))
    cycle = route_tenant(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert agents_of(uow, 1) == [11]
    return uow, cycle.rerouted.batch_id


def test_a_pass_of_re_routes_is_one_undoable_batch_whose_rows_name_it():
    uow, batch_id = rerouted()
    [status] = recent_batches(uow, SUPERVISOR)
    assert (status.batch.id, status.batch.kind, status.batch.state, status.undoable) == (
        batch_id, BatchKind.SLA_REROUTE, BatchState.COMPLETE, True)
    assert (status.batch.leads_changed, status.batch.leads_refused) == (1, 0)
    [item] = uow.bulk.items(batch_id)
    assert (item.lead_id, item.agent_id, item.lead_version) == (1, 11, uow.leads.rows[1].version)
    assert uow.assignments.moved_from(1, batch_id) == {1: 10}  # the first agent, for the undo
    assert [(e.action, e.reason, e.batch_id, e.after) for e in uow.audit.entries] == [
        ("lead.sla_rerouted", SLA_REROUTE_REASON, batch_id, {"agent_id": 11, "agent": "Sam"}),
        ("routing.sla_rerouted", None, batch_id, {"moved": 1, "left": 0})]


def test_a_pass_with_nothing_to_re_route_writes_no_batch():
    uow = breached_center()
    rules(uow, HOT_WEBSITE)  # no rule re-routes
    assert route_tenant(lambda: uow, SUPERVISOR, now=MONDAY_10).rerouted.batch_id is None
    assert uow.bulk.batches == {}


def test_undo_gives_each_lead_back_to_its_first_agent_and_keeps_its_re_route_used():
    uow, batch_id = rerouted()
    result = undo_batch(lambda: uow, SUPERVISOR, batch_id)
    assert (result.reverted, result.blocked) == (1, [])
    assert agents_of(uow, 1) == [10]
    assert (uow.agents.rows[10].open_leads, uow.agents.rows[11].open_leads) == (1, 0)
    assert uow.bulk.batch(1, batch_id).undone_by == result.undo_batch_id
    history = uow.assignments.assignments[-1]
    assert (history["agent_id"], history["previous_agent_id"], history["note"], history["batch_id"]) == (
        10, 11, f"undo of batch {batch_id}", result.undo_batch_id)
    assert [(e.action, e.entity_id, e.batch_id, e.reason) for e in uow.audit.entries[-2:]] == [
        ("lead.reassigned", "1", result.undo_batch_id, f"undo of batch {batch_id}"),
        ("bulk.undone", batch_id, result.undo_batch_id, None)]
    # Still marked as re-routed: the next pass leaves it with Sal, whose new SLA clock runs.
    assert 1 in uow.store.sla_rerouted
    later = route_tenant(lambda: uow, SUPERVISOR, now=MONDAY_10 + timedelta(hours=1))
    assert later.rerouted.moved == [] and agents_of(uow, 1) == [10]


@pytest.mark.parametrize("change, why", [
    (dict(open_leads=5, max_capacity=5), "Sal is full: 5 of 5 open leads."),
    (dict(availability=Availability.AWAY), "Sal is away: only available agents receive leads."),
])
def test_undo_is_refused_and_writes_nothing_when_a_first_agent_cannot_take_the_lead_back(change, why):
    uow, batch_id = rerouted()
    uow.agents.rows[10] = replace(uow.agents.rows[10], **change)
    before = uow.store.snapshot()
    assert undo_batch(lambda: uow, SUPERVISOR, batch_id) == UndoResult(
        None, 0, [Refusal(1, f"Lead #1 cannot go back: {why}")])
    assert uow.store == before


def test_undo_is_refused_and_writes_nothing_when_a_lead_changed_since():
    uow, batch_id = rerouted()
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="contacted")
    before = uow.store.snapshot()
    assert undo_batch(lambda: uow, SUPERVISOR, batch_id) == UndoResult(
        None, 0, [Refusal(1, "Lead #1 changed after the batch; undo it by hand or leave it.")])
    assert uow.store == before


def stopped_pass(monkeypatch):
    """Two breached leads; the pass moves the first, then stops for good."""
    uow = breached_center()
    uow.leads.rows[2] = replace(uow.leads.rows[1], id=2)
    uow.leads.fields[2] = replace(uow.leads.fields[1])
    uow.agents.rows[10] = replace(uow.agents.rows[10], open_leads=2)
    rules(uow, replace(HOT_WEBSITE, reroute_breached=True))
    monkeypatch.setattr(reroute, "CHUNK", 1)
    batch_id = stopped_run(uow, "get", lambda: reroute.reroute_breached(
        lambda: uow, SUPERVISOR, now=MONDAY_10), done=1)
    return uow, batch_id


def test_a_pass_that_stopped_is_closed_by_the_next_as_it_stands_and_its_breached_leads_move(monkeypatch):
    uow, batch_id = stopped_pass(monkeypatch)
    assert uow.bulk.batch(1, batch_id).state == BatchState.INTERRUPTED
    moved_first = {i for i in (1, 2) if uow.leads.rows[i].agent_id == 11}
    assert len(moved_first) == 1
    later = reroute.reroute_breached(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert uow.bulk.batch(1, batch_id).state == BatchState.COMPLETE
    closing = [e for e in uow.audit.entries if e.entity_id == batch_id and e.entity_type == "batch"]
    assert [(e.action, e.after) for e in closing] == [
        ("routing.sla_rerouted", {"moved": 1, "left": 0, "interrupted": True})]
    assert [m.lead_id for m in later.moved] == [({1, 2} - moved_first).pop()]
    assert agents_of(uow, 1, 2) == [11, 11]


def test_undo_of_a_pass_that_stopped_closes_it_as_an_sla_re_route(monkeypatch):
    uow, batch_id = stopped_pass(monkeypatch)
    result = undo_batch(lambda: uow, SUPERVISOR, batch_id)
    assert result.reverted == 1 and agents_of(uow, 1, 2) == [10, 10]
    closing = [e.action for e in uow.audit.entries if e.entity_id == batch_id and e.entity_type == "batch"]
    assert closing == ["routing.sla_rerouted", "bulk.undone"]
