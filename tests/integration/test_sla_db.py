"""First-contact SLAs, the availability grace and team hours on a real database (both backends)."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.agents.capacity import set_agent_capacity
from core.domain.errors import RuleViolation, StaleView
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Role
from core.domain.sla import SLA_REROUTE_REASON, SlaSettings
from core.domain.vocabulary import Availability, ScoreCategory
from core.domain.working_hours import interval
from core.leads.search import search_leads
from core.sla.breaches import allow_sla_reroute_again, breach_counts, reroute_breached_lead
from core.sla.grace import release_untouched_from_unavailable
from core.sla.settings import save_sla_settings, save_team_hours, sla_page
from core.sla.shifts import on_shift_agent_ids
from db.audit_verify import verify_audit_chains
from db.models import Agent, Assignment, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user

NOW = datetime(2026, 3, 2, 15, 1)           # a Monday
ASSIGNED = datetime(2026, 3, 2, 14, 45)     # a hot lead's 15 minutes run out at 15:00


@pytest.fixture
def world(engine):
    tenant = make_tenant(engine, "acme")
    other_tenant = make_tenant(engine, "globex")
    admin = Actor(make_user(engine, tenant, "adm", "admin"), "adm", "Adm", tenant, Role.ADMIN)
    ana = make_agent(engine, tenant, "Ana Ruiz", open_leads=3, team="North")
    bo = make_agent(engine, tenant, "Bo Lin", team="South")
    leads = [make_lead(engine, tenant, f"Lead {n}", status="assigned", agent_id=ana) for n in range(3)]
    foreign = make_agent(engine, other_tenant, "Xi Globex")
    foreign_lead = make_lead(engine, other_tenant, "Far", status="assigned", agent_id=foreign)
    with engine.begin() as c:
        for lead_id, assigned_at in zip([*leads, foreign_lead],
                                        [ASSIGNED, NOW - timedelta(minutes=5), NOW - timedelta(minutes=14),
                                         ASSIGNED], strict=True):
            c.execute(update(Lead).where(Lead.id == lead_id).values(score_category="hot",
                                                                   assigned_at=assigned_at))
    return dict(engine=engine, admin=admin, ana=ana, bo=bo, leads=leads, tenant=tenant)


def uow(world):
    return SqlUnitOfWork(world["engine"])


def listed(world, **filters):
    page = search_leads(uow(world), world["admin"], LeadFilters(sla_as_of=NOW, **filters))
    return [row.id for row in page.rows]


def test_lead_list_filters_breached_and_due_soon_in_the_tenant_only(world):
    late, due_in_10, due_in_1 = world["leads"]
    assert listed(world, sla_breached=True) == [late]
    assert sorted(listed(world, due_within_minutes=10)) == [due_in_10, due_in_1]
    assert listed(world, due_within_minutes=5) == [due_in_1]
    assert sorted(listed(world, sla_breached=True, due_within_minutes=1)) == [late, due_in_1]
    with world["engine"].begin() as c:  # exactly at the due time: not yet breached
        c.execute(update(Lead).where(Lead.id == late).values(assigned_at=NOW - timedelta(minutes=15)))
    assert listed(world, sla_breached=True) == []
    with world["engine"].begin() as c:  # 15:01 on a lead due at 15:00 with a contact: fine
        c.execute(update(Lead).where(Lead.id == late).values(assigned_at=ASSIGNED, first_contact_at=ASSIGNED))
    assert listed(world, sla_breached=True) == []


def test_saved_slas_drive_the_filter_and_a_category_without_sla_never_breaches(world):
    save_sla_settings(uow(world), world["admin"], expected_version=0, now=NOW, settings=SlaSettings(
        targets={ScoreCategory.HOT: None, ScoreCategory.WARM: 1, ScoreCategory.COLD: 1,
                 ScoreCategory.NURTURE: 1}))
    assert listed(world, sla_breached=True) == []


def test_settings_round_trip_versioned_and_a_stale_save_is_refused(world):
    chosen = SlaSettings(time_zone="America/New_York", grace_minutes=30,
                         targets={ScoreCategory.HOT: 5, ScoreCategory.WARM: 90, ScoreCategory.COLD: None,
                                  ScoreCategory.NURTURE: None})
    save_sla_settings(uow(world), world["admin"], settings=chosen, expected_version=0, now=NOW)
    assert sla_page(uow(world), world["admin"]).settings == replace(chosen, version=1)
    with pytest.raises(StaleView):
        save_sla_settings(uow(world), world["admin"], settings=SlaSettings(), expected_version=0, now=NOW)
    save_team_hours(uow(world), world["admin"], team="North", expected_version=1, now=NOW,
                    hours=[interval("Mon", "22:00", "06:00")])
    page = sla_page(uow(world), world["admin"])
    assert page.settings.version == 2 and page.hours == {"North": (interval("Mon", "22:00", "06:00"),)}
    assert verify_audit_chains(world["engine"])[1] == []


def test_on_shift_now_by_team_hours_in_the_tenant_zone(world):
    admin = world["admin"]
    save_sla_settings(uow(world), admin, settings=SlaSettings(time_zone="Europe/Berlin"),
                      expected_version=0, now=NOW)
    save_team_hours(uow(world), admin, team="North", hours=[interval("Mon", "09:00", "17:00")],
                    expected_version=1, now=NOW)
    assert on_shift_agent_ids(uow(world), admin, NOW) == {world["ana"], world["bo"]}  # 16:01 in Berlin
    assert on_shift_agent_ids(uow(world), admin, datetime(2026, 3, 2, 16, 0)) == {world["bo"]}  # 17:00


def test_breaches_per_agent_and_reroute_once_until_allowed(world):
    admin, late = world["admin"], world["leads"][0]
    counts = breach_counts(uow(world), admin, NOW)
    assert counts.per_agent == {world["ana"]: 1} and counts.today == 1
    reroute_breached_lead(uow(world), admin, lead_id=late, eligible_agent_ids=[world["ana"], world["bo"]],
                          now=NOW)
    with Session(world["engine"]) as s:
        lead = s.get(Lead, late)
        assert (lead.agent_id, lead.sla_rerouted_at, lead.assigned_at) == (world["bo"], NOW, lead.assigned_at)
        notes = s.scalars(select(Assignment.note).where(Assignment.lead_id == late)).all()
        loads = dict(s.execute(select(Agent.id, Agent.open_leads)).all())
    assert notes == [SLA_REROUTE_REASON] and (loads[world["ana"]], loads[world["bo"]]) == (2, 1)
    later = NOW + timedelta(hours=1)
    # all three breached by then; the re-routed one (breached again with Bo) counted once
    assert breach_counts(uow(world), admin, later).today == 3
    with pytest.raises(RuleViolation, match="already re-routed"):
        reroute_breached_lead(uow(world), admin, lead_id=late, eligible_agent_ids=[world["ana"]], now=later)
    allow_sla_reroute_again(uow(world), admin, lead_id=late, reason="supervisor says so", now=later)
    reroute_breached_lead(uow(world), admin, lead_id=late, eligible_agent_ids=[world["ana"]], now=later)
    assert breach_counts(uow(world), admin, later).today == 3  # two open breaches and one re-routed
    assert verify_audit_chains(world["engine"])[1] == []


def test_going_away_starts_the_grace_and_untouched_leads_return_after_it(world):
    admin, ana = world["admin"], world["ana"]
    set_agent_capacity(uow(world), admin, agent_id=ana, max_capacity=10, availability=Availability.AWAY)
    with Session(world["engine"]) as s:
        went_away = s.scalar(select(Agent.availability_changed_at).where(Agent.id == ana))
    assert went_away is not None
    set_agent_capacity(uow(world), admin, agent_id=ana, max_capacity=9, availability=Availability.AWAY)
    with Session(world["engine"]) as s:  # a capacity change while away does not restart the grace
        assert s.scalar(select(Agent.availability_changed_at).where(Agent.id == ana)) == went_away
    assert release_untouched_from_unavailable(uow(world), admin, went_away + timedelta(minutes=14)).total == 0
    with world["engine"].begin() as c:
        c.execute(update(Lead).where(Lead.id == world["leads"][2]).values(first_contact_at=went_away))
    report = release_untouched_from_unavailable(uow(world), admin, went_away + timedelta(minutes=15))
    assert report.released == (("Ana Ruiz", 2),)
    with Session(world["engine"]) as s:
        rows = dict(s.execute(select(Lead.id, Lead.status).where(Lead.id.in_(world["leads"]))).all())
        assert s.scalar(select(Agent.open_leads).where(Agent.id == ana)) == 1
    assert rows == {world["leads"][0]: "new", world["leads"][1]: "new", world["leads"][2]: "assigned"}
    assert verify_audit_chains(world["engine"])[1] == []
