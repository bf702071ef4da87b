"""Rescoring: one lead by the formula in Python, a tenant in chunks by the set-based path;
both store the same score, and a moved score leaves a history row."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from core.domain.errors import InvalidInput, NotFound, PermissionDenied
from core.domain.identity import Actor
from core.domain.vocabulary import LeadStatus, ScoreCategory
from core.leads.search import lead_detail
from core.scoring.rescoring import RescoreReport, rescore_lead, rescore_leads, rescore_tenant
from tests.unit.builders import ADMIN, MANAGER, OTHER_TENANT, SUPERVISOR, lead
from tests.unit.fakes import FakeUnitOfWork, LeadFields

NOW = datetime(2026, 11, 22, 9, 0)


def tenant() -> FakeUnitOfWork:
    """Lead 1: a referral from Acme, five days old, called 14 days ago; lead 2: a cold call due
    tomorrow; lead 3: converted; lead 4 belongs to another tenant."""
    uow = FakeUnitOfWork(
        leads=[lead(1), lead(2, skill="spanish"), lead(3, status=LeadStatus.CONVERTED, agent_id=10),
               lead(4, tenant_id=2)],
        lead_fields={1: LeadFields(source="referral", company="Acme", created_at=NOW - timedelta(days=5)),
                     2: LeadFields(source="cold_call", due_date=date(2026, 11, 23)),
                     3: LeadFields(source="referral")})
    uow.activities.add(tenant_id=1, lead_id=1, agent_id=None, kind="call", note=None, by_user_id=1,
                       now=NOW - timedelta(days=14))
    return uow


def test_one_lead_is_scored_from_its_own_facts_and_a_later_move_leaves_a_history_row():
    uow = tenant()
    score = rescore_lead(uow, SUPERVISOR, 1, NOW)
    parts = score.components
    # referral 90; a call 14 days ago 10; the one closed lead converted and shares its source
    # and its lack of a skill: 77.17; five days old 50
    assert (parts.source_quality, parts.engagement, parts.conversion, parts.urgency) == (
        Decimal("90.00"), Decimal("10.00"), Decimal("77.17"), Decimal("50.00"))
    assert (score.overall, score.category) == (Decimal("58.15"), ScoreCategory.COLD)
    stored = uow.leads.fields[1]
    # A first calculation is no move: nothing before it (not "from 0"), and no history row.
    assert (stored.overall_score, stored.score_category, stored.previous_score, stored.score_change) == (
        Decimal("58.15"), "cold", None, None)
    assert lead_detail(uow, MANAGER, 1).score_history == []
    later = rescore_lead(uow, SUPERVISOR, 1, NOW + timedelta(days=5))  # urgency halves again
    [change] = lead_detail(uow, MANAGER, 1).score_history
    assert (change.previous_score, change.new_score, change.weights_version) == (
        58.15, float(later.overall), 1)
    assert uow.leads.fields[1].score_change == later.overall - Decimal("58.15") < 0


def test_a_score_that_did_not_move_writes_no_history_row():
    uow = tenant()
    rescore_lead(uow, SUPERVISOR, 1, NOW)
    rescore_lead(uow, SUPERVISOR, 1, NOW)
    assert lead_detail(uow, MANAGER, 1).score_history == []
    assert uow.leads.fields[1].score_change == 0


def test_the_single_lead_path_and_the_tenant_path_store_the_same_scores():
    one_by_one, in_chunks = tenant(), tenant()
    assert rescore_leads(one_by_one, SUPERVISOR, [1, 2, 3, 4], NOW) == 3  # lead 4 is not ours
    report = rescore_tenant(lambda: in_chunks, ADMIN, NOW, refresh_components=True, chunk_ids=2)
    assert report == RescoreReport(leads=3, chunks=2)
    assert one_by_one.leads.fields == in_chunks.leads.fields


def test_a_tenant_without_leads_is_rescored_in_no_chunk():
    empty = rescore_tenant(lambda: FakeUnitOfWork(), ADMIN, NOW, refresh_components=False)
    assert empty == RescoreReport(0, 0)


def test_rescoring_refuses_another_tenants_lead_a_long_selection_and_managers():
    uow = tenant()
    with pytest.raises(NotFound, match="Lead #4 does not exist in your tenant"):
        rescore_lead(uow, SUPERVISOR, 4, NOW)
    with pytest.raises(NotFound):
        rescore_lead(uow, OTHER_TENANT, 1, NOW)
    with pytest.raises(InvalidInput, match="at most 500 leads"):
        rescore_leads(uow, SUPERVISOR, list(range(501)), NOW)
    with pytest.raises(PermissionDenied):
        rescore_lead(uow, MANAGER, 1, NOW)
    assert uow.leads.fields[1].last_calculated is None


def test_rescoring_a_tenant_needs_an_actor_who_may_and_stays_in_their_tenant():
    uow = tenant()
    with pytest.raises(PermissionDenied, match="may not recalculate lead scores"):
        rescore_tenant(lambda: uow, MANAGER, NOW, refresh_components=True)
    assert uow.leads.fields[1].last_calculated is None
    assert rescore_tenant(lambda: uow, Actor.operator(tenant_id=1), NOW,  # cli.py rescore
                          refresh_components=True).leads == 3  # lead 4 is another tenant's
    assert uow.leads.fields[4].last_calculated is None


def test_recalculating_chosen_leads_asks_the_rescore_permission_not_the_assign_one(monkeypatch):
    """A role that may assign but not rescore is refused: the permission says what is done."""
    from core.domain.permissions import ROLE_PERMISSIONS, Permission, Role
    assign_only = ROLE_PERMISSIONS[Role.SUPERVISOR] - {Permission.RESCORE_LEADS}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.SUPERVISOR, assign_only)
    with pytest.raises(PermissionDenied, match="recalculate lead scores"):
        rescore_lead(tenant(), SUPERVISOR, 1, NOW)
    with pytest.raises(PermissionDenied, match="recalculate lead scores"):
        rescore_leads(tenant(), SUPERVISOR, [1], NOW)
