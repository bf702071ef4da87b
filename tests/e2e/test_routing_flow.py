"""Issue #19's "Done when", in the browser: an admin adds the rule "Hot website leads → sales
team, least loaded, on arrival" on the Routing rules page, imports a CSV of website leads on Bulk
operations and sees the hot ones assigned at once, the rule named in the lead's history; then
`cli.py route` (as cron runs it, against the same database) places the rest; and a hot lead left
uncontacted past its 15-minute SLA moves to another agent, the reason shown on its detail.

The flow has a database of its own (the shared demo keeps its rules and hours for the other
tests): the demo, without its example rules and team hours (so every team is on shift whatever
the hour), three agents made the sales team, and one more rule for the rest of the website leads
(not on arrival, so cron places them). The scoring is the demo's as shipped: the weights its
admin tuned for inbound leads (db/demo_scoring.py), under which a website lead imported just
now is hot unless it asked to be called later.
"""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.placement import Strategy
from core.domain.routing import RuleSpec
from core.routing.rules import add_rule
from db.demo import seed_demo
from db.models import Agent, Assignment, Lead, RoutingRule, TeamHours, Tenant, User
from db.unit_of_work import SqlUnitOfWork
from tests.backends import in_ci
from tests.cli.test_cli import run_cli
from tests.e2e.conftest import DemoApp, streamlit_server, wait_for_app

if not in_ci():  # without Playwright the conftest skips these tests; under CI they fail
    pytest.importorskip("playwright", reason="Playwright is not installed")
from playwright.sync_api import Locator, Page, expect  # noqa: E402

from tests.e2e.helpers import (  # noqa: E402
    choose,
    click,
    enter_text,
    expect_message,
    go_to,
    grid_column,
    grid_with_column,
    log_in,
    open_lead,
)

RULE = "Hot website leads → sales team"
# Under the demo's weights, a website lead imported just now with no due date scores about 74
# (hot from 72); one due years ahead (urgency 30) about 36, cold (db/demo_scoring.py).
CSV = ("name,email,phone,company,source,due_date\n"
       "Hana Hot,hana@bigcorp.example,+49 30 1234567,BigCorp GmbH,website,\n"
       "Hugo Hot,hugo@acme-ag.example,+49 30 7654321,Acme AG,website,\n"
       "Rita Rest,rita@mail.example,,,website,2030-12-31\n"
       "Remo Rest,remo@mail.example,,,website,2030-12-31\n")
HOT, REST = ("Hana Hot", "Hugo Hot"), ("Rita Rest", "Remo Rest")


@pytest.fixture(scope="module")
def routing_app(sqlite_backend, tmp_path_factory) -> Iterator[DemoApp]:
    directory = tmp_path_factory.mktemp("e2e-routing")
    engine = sqlite_backend.fresh_engine(directory)
    seed_demo(engine, leads=60, agents=8, password_rounds=4)
    with engine.begin() as c:
        acme = c.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
        c.execute(delete(RoutingRule))
        c.execute(delete(TeamHours))
        sales = c.scalars(select(Agent.id).where(Agent.tenant_id == acme).order_by(Agent.id).limit(3)).all()
        c.execute(update(Agent).where(Agent.id.in_(sales)).values(
            team="Sales", availability="available", max_capacity=Agent.open_leads + 40))
        admin = c.scalar(select(User.id).where(User.username == "admin"))
    add_rule(SqlUnitOfWork(engine), Actor(admin, "admin", "Admin", acme, Role.ADMIN),
             RuleSpec("Website leads → sales team", sources=("website",), teams=("Sales",),
                      strategy=Strategy.ROUND_ROBIN))
    with streamlit_server(engine.url.render_as_string(hide_password=False),
                          directory / "streamlit.log") as (base, _process):
        yield DemoApp(base, engine)
    engine.dispose()


def add_form(page: Page) -> Locator:
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add rule"))


def pick(page: Page, form: Locator, label: str, option: str) -> None:
    """One choice of a multiselect in a form; Escape closes its list (an open list hides the
    rest of the form from the accessibility tree)."""
    choose(page, form.get_by_role("combobox", name=label), option, re.compile(f"^{option}$"),
           multiselect=True)
    page.keyboard.press("Escape")
    expect(form.get_by_role("button", name=f"Remove {option}")).to_be_visible()


def tick(form: Locator, label: str) -> None:
    box = form.get_by_role("checkbox", name=label)
    form.get_by_test_id("stCheckbox").filter(has_text=label).locator("label").click()  # in a form: no rerun
    expect(box).to_be_checked()


def leads_by_name(engine, names) -> dict[str, tuple[int, str, int | None]]:
    with Session(engine) as s:
        rows = s.execute(select(Lead.name, Lead.id, Lead.status, Lead.agent_id)
                         .where(Lead.name.in_(names))).all()
    return {name: (lead_id, status, agent_id) for name, lead_id, status, agent_id in rows}


def expect_history_note(page: Page, lead_id: int, note: str) -> None:
    go_to(page, "Lead assignment")
    only_new = page.get_by_role("button", name="Remove new")  # the list shows new leads by default
    if only_new.count():
        click(page, only_new)
    search = page.get_by_role("textbox", name="Search name, company, email, phone or #id")
    if search.input_value():  # kept from the last visit: typing the same again would not rerun
        enter_text(page, search, "")
    open_lead(page, lead_id)
    history = grid_with_column(page, "Note / reason")
    history.scroll_into_view_if_needed()
    # The grid is drawn on a canvas; its accessible table (hidden) holds the texts.
    expect(grid_column(history, "Note / reason").filter(has_text=note).first).to_be_attached()


def test_a_rule_routes_imported_hot_leads_at_once_cron_places_the_rest_and_a_breach_moves(page, routing_app):
    engine = routing_app.engine
    log_in(page, routing_app.url, "admin")
    go_to(page, "Routing rules")
    form = add_form(page)
    form.get_by_role("textbox", name="Name").fill(RULE)
    pick(page, form, "Sources", "website")
    pick(page, form, "Score categories", "hot")
    pick(page, form, "Teams", "Sales")
    expect(form.get_by_role("combobox", name="Strategy")).to_have_value(re.compile("^Least loaded"))
    tick(form, "Route on arrival")
    tick(form, "Re-route breached leads")
    click(page, form.get_by_role("button", name="Add rule"))
    expect_message(page, f"Rule '{RULE}' added last")

    go_to(page, "Bulk operations")
    page.get_by_text("Import new leads from a CSV file").click()
    page.get_by_test_id("stFileUploader").filter(has_text="CSV of new leads").locator(
        "input[type=file]").set_input_files(
        {"name": "website-leads.csv", "mimeType": "text/csv", "buffer": CSV.encode()})
    # The upload reruns the script: a click while that run redraws the Import button can be
    # lost (seen once in a full run), and the upload's run would then pass for the click's.
    wait_for_app(page)
    expect(page.get_by_text("4 rows, columns: name, email, phone, company, source, due_date")).to_be_visible()
    click(page, page.get_by_role("button", name="Import", exact=True))
    expect_message(page, re.compile(r"4 lead\(s\) imported\. 2 of them routed at once by the rules "
                                    r"that route on arrival"))
    leads = leads_by_name(engine, HOT + REST)
    with Session(engine) as s:
        sales = set(s.scalars(select(Agent.id).where(Agent.team == "Sales")))
    assert all(leads[name][1] == "assigned" and leads[name][2] in sales for name in HOT)
    assert all(leads[name][1:] == ("new", None) for name in REST)
    hana = leads["Hana Hot"][0]
    expect_history_note(page, hana, f"routed by rule '{RULE}'")

    database_url = engine.url.render_as_string(hide_password=False)
    done = run_cli("route", "--tenant", "acme", url=database_url)  # cron, a minute later
    assert done.returncode == 0, done.stderr
    rest = leads_by_name(engine, REST)
    for lead_id, _, _ in rest.values():
        assert re.search(rf"lead {lead_id}: assigned to .+ by rule 'Website leads → sales team'", done.stdout)
    assert all(status == "assigned" and agent in sales for _, status, agent in rest.values())

    first_agent = leads_by_name(engine, ["Hana Hot"])["Hana Hot"][2]
    with engine.begin() as c:  # Hana waited 20 minutes for a first contact: her 15 minutes are over
        c.execute(update(Lead).where(Lead.id == hana).values(assigned_at=utcnow() - timedelta(minutes=20)))
        c.execute(update(Assignment).where(Assignment.lead_id == hana, Assignment.ended_at.is_(None))
                  .values(assigned_at=utcnow() - timedelta(minutes=20)))
    again = run_cli("route", "--tenant", "acme", url=database_url)
    assert again.returncode == 0, again.stderr
    assert re.search(rf"lead {hana}: re-routed from .+ by rule '{RULE}': first-contact SLA breached",
                     again.stdout), again.stdout
    moved_to = leads_by_name(engine, ["Hana Hot"])["Hana Hot"][2]
    assert moved_to in sales and moved_to != first_agent
    expect_history_note(page, hana, "first-contact SLA breached")
