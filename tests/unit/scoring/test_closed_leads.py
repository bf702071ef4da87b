"""A closed lead keeps the score it had when it closed, and a first calculation is no move
(docs/architecture.md, "A closed lead's score")."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.scoring import Thresholds, Weights
from core.domain.vocabulary import LeadStatus
from core.leads.lifecycle import change_status
from core.leads.ranking import rank_agents_for_lead
from core.scoring.leaderboard import leaderboard
from core.scoring.rescoring import rescore_lead, rescore_leads, rescore_tenant
from core.scoring.weights import save_weights, scored_leads
from tests.unit.builders import ADMIN, MANAGER, SUPERVISOR, agent, lead
from tests.unit.fakes import FakeUnitOfWork, LeadFields

NOW = datetime(2026, 11, 22, 9, 0)


def team() -> FakeUnitOfWork:
    """Leads 1 and 2 assigned to agent 10, fresh (urgent) and due in a week; both scored once."""
    uow = FakeUnitOfWork(
        agents=[agent(10, open_leads=2), agent(11)],
        leads=[lead(1, status=LeadStatus.ASSIGNED, agent_id=10),
               lead(2, status=LeadStatus.ASSIGNED, agent_id=10)],
        lead_fields={1: LeadFields(source="referral", created_at=NOW),
                     2: LeadFields(source="referral", created_at=NOW)})
    rescore_tenant(lambda: uow, Actor.operator(tenant_id=1), NOW, refresh_components=True)
    return uow


def test_a_first_calculation_is_no_move_and_writes_no_history_row():
    uow = team()
    first = uow.leads.fields[1]
    assert first.overall_score > 0 and first.previous_score is None and first.score_change is None
    assert uow.store.score_history == []
    board = leaderboard(uow, MANAGER, LeadFilters())
    assert board.risers == [] and board.fallers == []


def test_a_converted_lead_keeps_its_score_when_time_passes_and_weights_change():
    uow = team()
    kept = uow.leads.fields[1].overall_score
    change_status(uow, SUPERVISOR, lead_id=1, new_status=LeadStatus.CONVERTED)
    later = NOW + timedelta(days=20)  # urgency of an open lead this old falls
    rescore_tenant(lambda: uow, Actor.operator(tenant_id=1), later, refresh_components=True)
    save_weights(lambda: uow, ADMIN, weights=Weights(Decimal("0.1"), Decimal("0.1"), Decimal("0.1"),
                                                     Decimal("0.7")),
                 thresholds=Thresholds(), reason="Urgency first", now=later)
    closed, still_open = uow.leads.fields[1], uow.leads.fields[2]
    assert closed.overall_score == kept and closed.last_calculated == NOW
    assert still_open.overall_score < kept  # the open twin did fall
    assert [row.lead_id for row in uow.store.score_history] == [2, 2]
    board = leaderboard(uow, MANAGER, LeadFilters())
    assert [m.lead_id for m in board.fallers] == [2]  # not the converted lead


def test_a_closed_lead_is_not_recalculated_alone_nor_in_a_selection():
    uow = team()
    change_status(uow, SUPERVISOR, lead_id=1, new_status=LeadStatus.LOST, reason="wrong number")
    with pytest.raises(InvalidInput, match="Lead #1 is lost: a closed lead keeps the score it had"):
        rescore_lead(uow, SUPERVISOR, 1, NOW + timedelta(days=3))
    assert rescore_leads(uow, SUPERVISOR, [1, 2], NOW + timedelta(days=3)) == 1
    assert uow.leads.fields[1].last_calculated == NOW


def test_the_weights_preview_leaves_closed_leads_out():
    uow = team()
    change_status(uow, SUPERVISOR, lead_id=1, new_status=LeadStatus.CONVERTED)
    assert scored_leads(uow, ADMIN)["id"].tolist() == [2]


def test_no_agent_is_ranked_for_a_closed_lead():
    uow = team()
    assert rank_agents_for_lead(uow, SUPERVISOR, 1, performance={})
    change_status(uow, SUPERVISOR, lead_id=1, new_status=LeadStatus.CONVERTED)
    assert rank_agents_for_lead(uow, SUPERVISOR, 1, performance={}) == []
