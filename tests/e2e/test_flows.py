"""The flows people use, in a real headless Chromium against `streamlit run` (SQLite demo).

Each test asserts what the person sees. Data is arranged or checked behind the UI through
SQLAlchemy on the served database. Screenshots of each page go to
LEADOPS_SCREENSHOTS (docs/screenshots refreshes the README's pictures), else to
leadops-screenshots in the temporary folder.
"""

import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Agent, Lead
from tests.backends import in_ci
from tests.e2e.conftest import wait_for_app
from tests.ui.test_login import EXPECTED_PAGES, PASSWORDS  # the role -> pages table, kept there

if not in_ci():  # without Playwright the conftest skips these tests; under CI they fail
    pytest.importorskip("playwright", reason="Playwright is not installed")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.helpers import (  # noqa: E402
    AgentRow,
    acme_id,
    action_form,
    agent_cell,
    agents_with_room,
    choose,
    column_index,
    expect_message,
    go_to,
    log_in,
    new_lead_without_skill,
    open_app,
    open_lead,
    pick_agent,
    read_number,
    save_screenshot,
    submit_login,
)

ALL_PAGES = set().union(*EXPECTED_PAGES.values())
ROW_HEIGHT = 35  # Streamlit's data grid: header and rows are 35 px high


# --- the browser side -------------------------------------------------------------------------

def expect_login_form(page: Page) -> None:
    expect(page.get_by_role("heading", name="LeadOps", level=1)).to_be_visible()
    expect(page.get_by_role("textbox", name="Username")).to_be_visible()
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def nav_labels(page: Page) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
    return links.get_by_test_id("stMarkdownContainer").all_inner_texts()  # without the icon


def search_agent(page: Page, name: str) -> None:
    """Capacity page: narrow the agents to one with the name filter."""
    box = page.get_by_role("textbox", name="Search name", exact=True)
    box.fill(name)
    box.press("Enter")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=re.compile(r"^Agents \(1 of \d+\)$"))).to_be_visible()
    # The grid's accessible table follows its canvas a moment after the run: wait for it.
    grid = page.get_by_test_id("stDataFrame")
    grid.scroll_into_view_if_needed()
    expect(grid.locator("tbody tr[role=row]")).to_have_count(1)
    expect(agent_cell(page, name, "Agent")).to_have_text(name)


def first_agent(page: Page) -> str:
    """The agent in the first row of the agents grid."""
    cell = page.get_by_test_id("stDataFrame").locator("tbody tr[aria-rowindex='2'] td[aria-colindex='1']")
    expect(cell).to_have_text(re.compile(r"\S"))
    return cell.text_content()


def edit_first_row(page: Page, column: str, value: int) -> None:
    """Type a value into the data editor's first row, as a person does: click a cell, arrow
    to the column, Enter opens the cell editor, type, Enter commits (and reruns the script)."""
    grid = page.get_by_test_id("stDataFrame")
    target = column_index(grid.locator("th[role=columnheader]").filter(
        has_text=re.compile(f"^{re.escape(column)}$")))
    # The grid opens its cell editor only for a cell wholly in view.
    grid.evaluate("grid => grid.scrollIntoView({block: 'center'})")
    grid.click(position={"x": 20, "y": ROW_HEIGHT * 1.5})  # the first column of the first row
    selected = grid.locator("td[aria-selected='true']")
    expect(selected).to_have_attribute("aria-colindex", "1")
    for _ in range(target - 1):
        page.keyboard.press("ArrowRight")
    expect(selected).to_have_attribute("aria-colindex", str(target))
    # Typing straight onto a selected cell sometimes lost the first key (the editor was not
    # open yet); Enter first and waiting for the editor's input makes it deterministic.
    page.keyboard.press("Enter")
    editor = page.locator("input.gdg-input")
    expect(editor).to_be_visible()
    editor.fill(str(value))
    editor.press("Enter")
    wait_for_app(page)


# --- the database side ------------------------------------------------------------------------

def assigned_lead_without_skill(engine) -> tuple[int, str]:
    """An assigned lead any available agent may take, and its agent's name."""
    with Session(engine) as session:
        lead_id, agent = session.execute(
            select(Lead.id, Agent.name).join(Agent, Agent.id == Lead.agent_id)
            .where(Lead.tenant_id == acme_id(session), Lead.status == "assigned",
                   Lead.required_skill.is_(None)).order_by(Lead.id)).first()
        return lead_id, agent


def fill_up(engine, agent: AgentRow) -> int:
    """Make an agent full behind the UI: max capacity = open leads. Returns that number."""
    with Session(engine) as session, session.begin():
        session.execute(update(Agent).where(Agent.id == agent.id).values(
            max_capacity=Agent.open_leads, version=Agent.version + 1))
    return agent.open_leads


# --- 1. login, pages per role, logout -----------------------------------------------------

@pytest.mark.parametrize("role", sorted(PASSWORDS))
def test_each_role_logs_in_and_sees_exactly_its_pages(page, app_url, role):
    log_in(page, app_url, role)
    expected = EXPECTED_PAGES[role]
    expect(page.get_by_role("heading", name="Agent capacity", level=1)).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Demo {role.title()} · {role}")
    if len(expected) > 1:
        expect(page.get_by_test_id("stSidebarNavLink")).to_have_count(len(expected))
        assert set(nav_labels(page)) == expected
    else:  # Streamlit hides the navigation of a single page: the page itself is the proof
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(page.get_by_role("heading", level=1)).to_have_text(next(iter(expected)))
    for title in ALL_PAGES - expected:
        expect(page.get_by_role("link", name=title)).to_have_count(0)


def test_wrong_password_then_login_logout_and_a_reload_stays_logged_out(page, app_url):
    open_app(page, app_url)
    expect_login_form(page)
    save_screenshot(page, "login.png")
    submit_login(page, "admin", "not-the-password")
    expect_message(page, "Username or password is incorrect.")
    expect_login_form(page)

    submit_login(page, "admin", PASSWORDS["admin"], succeeds=True)
    expect(page.get_by_role("heading", name="Agent capacity", level=1)).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    wait_for_app(page)
    expect_login_form(page)
    page.reload()
    wait_for_app(page)
    expect_login_form(page)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


# --- 2. assigning and reassigning ---------------------------------------------------------

def test_supervisor_assigns_a_lead_and_the_agents_load_goes_up(page, demo_app):
    lead_id, lead_name = new_lead_without_skill(demo_app.engine)
    target, *others = agents_with_room(demo_app.engine)
    full = next(a for a in others if a.open_leads > 0)  # "N of N" with N > 0
    n = fill_up(demo_app.engine, full)
    log_in(page, demo_app.url, "supervisor")
    search_agent(page, target.name)
    before = read_number(agent_cell(page, target.name, "Open"))

    go_to(page, "Lead assignment")
    open_lead(page, lead_id)
    save_screenshot(page, "lead-assignment.png")
    assign = action_form(page, "Assign")
    pick_agent(page, assign, full.name)
    expect(assign.get_by_role("combobox", name="Agent")).to_have_value(
        f"{full.name} — ✗ {full.name} is full: {n} of {n} open leads.")
    assign.get_by_role("button", name="Assign", exact=True).click()
    wait_for_app(page)
    expect_message(page, f"{full.name} is full: {n} of {n} open leads.")

    pick_agent(page, assign, target.name)
    assign.get_by_role("button", name="Assign", exact=True).click()
    wait_for_app(page)
    expect_message(page, f"Lead #{lead_id} ({lead_name}) is assigned to {target.name}.")

    go_to(page, "Agent capacity")
    search_agent(page, target.name)
    expect(agent_cell(page, target.name, "Open")).to_have_text(str(before + 1))


def test_reassigning_needs_a_reason(page, demo_app):
    lead_id, current = assigned_lead_without_skill(demo_app.engine)
    other = next(a for a in agents_with_room(demo_app.engine) if a.name != current)
    log_in(page, demo_app.url, "supervisor")
    go_to(page, "Lead assignment")
    status = page.get_by_role("combobox", name="Status", exact=True)
    choose(page, status, "assigned", re.compile(r"^assigned$"), multiselect=True)
    wait_for_app(page)  # a filter outside a form reruns the script
    status.press("Escape")  # close the list, which stays open for a second choice
    open_lead(page, lead_id)
    reassign = action_form(page, "Reassign")
    pick_agent(page, reassign, other.name)
    reassign.get_by_role("button", name="Reassign").click()
    wait_for_app(page)
    expect_message(page, "Reassigning needs a reason")

    pick_agent(page, reassign, other.name)
    reassign.get_by_role("textbox", name="Reason (required)").fill("Customer asked for a callback")
    reassign.get_by_role("button", name="Reassign").click()
    wait_for_app(page)
    expect_message(page, f"Lead #{lead_id} moved from {current} to {other.name}.")


# --- 3. capacity: the manager views, the supervisor edits ------------------------------------

def test_manager_sees_capacity_read_only_and_the_supervisors_change(page, new_page, demo_app):
    manager = page
    log_in(manager, demo_app.url, "manager")
    grid = manager.get_by_test_id("stDataFrame")
    expect(grid.locator("th[role=columnheader]").filter(has_text=re.compile("^Max$"))).to_have_count(1)
    expect(grid.locator("td[aria-readonly='true']").first).to_be_attached()
    expect(grid.locator("td[aria-readonly='false']")).to_have_count(0)  # nothing editable
    expect(manager.get_by_role("button", name=re.compile(r"^Save \d+ change"))).to_have_count(0)
    save_screenshot(manager, "agent-capacity.png")
    agent = first_agent(manager)  # the supervisor edits the first row of the same table
    old_max = read_number(agent_cell(manager, agent, "Max"))
    new_max = old_max + 5

    supervisor = new_page()
    log_in(supervisor, demo_app.url, "supervisor")
    expect(supervisor.get_by_role("button", name="Save 0 change(s)")).to_be_disabled()
    assert first_agent(supervisor) == agent
    edit_first_row(supervisor, "Max", new_max)
    save = supervisor.get_by_role("button", name="Save 1 change(s)")
    expect(save).to_be_enabled()
    # After the edit: resizing the page for the picture can swallow a click on the grid.
    save_screenshot(supervisor, "agent-capacity-supervisor.png")
    save.click()
    wait_for_app(supervisor)
    expect(supervisor.get_by_text(f"{agent}: max capacity {new_max}")).to_be_visible()
    expect(agent_cell(supervisor, agent, "Max")).to_have_text(str(new_max))
    with Session(demo_app.engine) as session:
        saved = session.scalar(select(Agent.max_capacity).where(
            Agent.tenant_id == acme_id(session), Agent.name == agent))
    assert saved == new_max

    manager.reload()  # the login cookie keeps the manager logged in across the reload
    wait_for_app(manager)
    expect(manager.get_by_role("button", name="Log out")).to_be_visible()
    expect(agent_cell(manager, agent, "Max")).to_have_text(str(new_max))
