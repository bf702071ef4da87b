"""The lead list's SLA filters and a supervisor allowing another SLA re-route, on the page."""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.domain.clock import utcnow
from db.models import AuditRow, Lead, Tenant
from tests.ui.conftest import messages
from tests.ui.test_lead_assignment_page import lead_list, open_page, pick_lead


def acme_open_leads(engine, n):
    with Session(engine) as s:
        acme = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
        return s.scalars(select(Lead.id).where(Lead.tenant_id == acme, Lead.status == "assigned")
                         .order_by(Lead.id).limit(n)).all()


def test_sla_breached_and_due_within_filter_the_lead_list(demo_url, engine):
    now = utcnow()
    late, soon = acme_open_leads(engine, 2)
    with engine.begin() as c:  # only these two hot leads are uncontacted within a day
        c.execute(update(Lead).where(Lead.first_contact_at.is_(None)).values(first_contact_at=now))
        c.execute(update(Lead).where(Lead.id.in_([late, soon])).values(score_category="hot",
                                                                        first_contact_at=None))
        c.execute(update(Lead).where(Lead.id == late).values(assigned_at=now - timedelta(minutes=30)))
        c.execute(update(Lead).where(Lead.id == soon).values(assigned_at=now - timedelta(minutes=10)))
    at = open_page()
    at.multiselect(key="f_status").set_value([]).run()
    at.checkbox(key="f_sla_breached").check().run()
    assert not at.exception
    assert lead_list(at).value["Lead"].tolist() == [late]
    at.checkbox(key="f_sla_breached").uncheck().run()
    at.number_input(key="f_sla_due").set_value(10).run()
    assert lead_list(at).value["Lead"].tolist() == [soon]


def test_a_supervisor_allows_one_more_sla_reroute_with_a_reason(demo_url, engine):
    (lead_id,) = acme_open_leads(engine, 1)
    with engine.begin() as c:
        c.execute(update(Lead).where(Lead.id == lead_id).values(sla_rerouted_at=utcnow()))
    at = open_page()
    at.multiselect(key="f_status").set_value([]).run()
    at = pick_lead(at, lead_id)
    at.button(key="FormSubmitter:sla_reroute_form-Allow").click().run()
    assert "Allowing another SLA re-route needs a reason" in messages(at)
    at.text_input(key="sla_reroute_reason").input("The new agent is off sick")
    at.button(key="FormSubmitter:sla_reroute_form-Allow").click().run()
    assert f"Lead #{lead_id} may be re-routed for its SLA again." in messages(at)
    with Session(engine) as s:
        assert s.scalar(select(Lead.sla_rerouted_at).where(Lead.id == lead_id)) is None
        assert s.scalar(select(AuditRow.reason).where(AuditRow.action == "lead.sla_reroute_allowed")) == \
            "The new agent is off sick"
    assert not [b for b in at.button if b.key == "FormSubmitter:sla_reroute_form-Allow"]
