"""The SLAs & hours page (admin) and what the capacity page shows of SLAs and shifts."""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.domain.clock import utcnow
from core.domain.sla import SlaSettings, is_open_breach
from core.domain.working_hours import on_shift
from db.models import Agent, AuditRow, Lead, SlaSettingsRow, Tenant
from db.repositories.sla import SqlSlaRepository
from tests.ui.conftest import logged_in_app, messages, offered_pages

PAGE = "pages/sla_hours.py"
SAVE = "FormSubmitter:sla_settings-Save settings"


def open_page(role="admin"):
    at = logged_in_app(role, role)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def acme_settings(engine) -> SlaSettingsRow:
    with Session(engine) as s:
        return s.scalars(select(SlaSettingsRow).join(Tenant, Tenant.id == SlaSettingsRow.tenant_id)
                         .where(Tenant.slug == "acme")).one()


def test_only_admins_are_offered_the_page(demo_url):
    assert "SLAs & hours" in offered_pages(logged_in_app("admin", "admin"))
    assert "SLAs & hours" not in offered_pages(logged_in_app("supervisor", "supervisor"))


def test_admin_saves_the_time_zone_and_slas_and_it_is_audited(demo_url, engine):
    at = open_page()
    assert at.text_input(key="sla_tz").value == "Europe/Berlin" and at.number_input(key="sla_hot").value == 15
    at.text_input(key="sla_tz").input("America/New_York")
    at.number_input(key="sla_hot").set_value(10)
    at.button(key=SAVE).click().run()
    assert not at.exception
    assert "Saved the SLA settings as version 2." in messages(at)
    row = acme_settings(engine)
    assert (row.time_zone, row.hot_minutes, row.version) == ("America/New_York", 10, 2)
    with Session(engine) as s:
        assert s.scalar(select(AuditRow.action).where(AuditRow.action == "sla.settings_saved")) is not None


def test_a_bad_time_zone_is_refused_and_nothing_changes(demo_url, engine):
    at = open_page()
    at.text_input(key="sla_tz").input("Mars/Olympus_Mons")
    at.button(key=SAVE).click().run()
    assert "'Mars/Olympus_Mons' is not a time zone LeadOps knows" in messages(at)
    assert acme_settings(engine).time_zone == "Europe/Berlin"


def test_an_edit_over_someone_elses_save_is_refused(demo_url, engine):
    at = open_page()
    with engine.begin() as c:  # another admin saves first
        c.execute(update(SlaSettingsRow).values(grace_minutes=45, version=SlaSettingsRow.version + 1))
    at.number_input(key="sla_grace").set_value(5)
    at.button(key=SAVE).click().run()
    assert "saved by someone else" in messages(at)
    assert acme_settings(engine).grace_minutes == 45


def test_admin_sets_a_teams_hours_and_a_bad_row_is_refused(demo_url, engine):
    at = open_page()
    at.selectbox(key="sla_team").set_value("North").run()
    key = "sla_hours_1_1"  # North, second of the demo's teams in name order; settings version 1
    at.session_state[key] = {"edited_rows": {}, "deleted_rows": list(range(7)),
                             "added_rows": [{"Day": "Sat", "Start": "22:00", "End": "6"}]}
    at.run()
    at.button(key="sla_save_hours").click().run()
    assert "Row 1: The end time '6' is not a time of day" in messages(at)
    at.session_state[key] = {"edited_rows": {}, "deleted_rows": list(range(7)),
                             "added_rows": [{"Day": "Sat", "Start": "22:00", "End": "06:00"}]}
    at.run()
    at.button(key="sla_save_hours").click().run()
    assert not at.exception and "Saved 1 interval(s) for North" in messages(at)
    with Session(engine) as s:
        tenant = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
    with engine.connect() as c:
        assert [i.label() for i in SqlSlaRepository(c).team_hours(tenant)["North"]] == ["Sat 22:00-06:00"]


def test_capacity_page_shows_breaches_per_agent_and_who_is_on_shift(demo_url, engine):
    now = utcnow()
    with engine.begin() as c:  # one sure breach: a hot lead assigned an hour ago, never contacted
        lead = c.execute(select(Lead.id, Lead.agent_id).join(Tenant, Tenant.id == Lead.tenant_id)
                         .where(Tenant.slug == "acme", Lead.status == "assigned")).first()
        c.execute(update(Lead).where(Lead.id == lead.id).values(
            score_category="hot", assigned_at=now - timedelta(hours=1), first_contact_at=None))
        tenant = c.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
        repo = SqlSlaRepository(c)
        settings, hours = repo.settings(tenant), repo.team_hours(tenant)
        leads = c.execute(select(Lead.agent_id, Lead.score_category, Lead.assigned_at, Lead.first_contact_at)
                          .where(Lead.tenant_id == tenant,
                                 Lead.status.in_(["assigned", "contacted", "qualified"]))).all()
        agents = c.execute(select(Agent.id, Agent.team).where(Agent.tenant_id == tenant)).all()
    assert settings != SlaSettings() and hours  # the demo sets both
    table = logged_in_app("manager", "manager").dataframe[0].value.set_index("agent_id")
    for agent_id, team in agents:
        expected = sum(is_open_breach(assigned_at=a, first_contact_at=f, sla_minutes=settings.target(cat),
                                      now=utcnow()) for holder, cat, a, f in leads if holder == agent_id)
        assert table.loc[agent_id, "SLA breaches"] == expected
        assert bool(table.loc[agent_id, "On shift now"]) == on_shift(hours.get(team), settings.time_zone, now)
    assert table.loc[lead.agent_id, "SLA breaches"] >= 1
    assert table["On shift now"].any() and not table["On shift now"].all()
