"""What the browser tests share: acting as a person in the page, and reading what it shows.

Every helper that clicks or types something that makes Streamlit rerun the script waits for
that run with `wait_for_app` (never a sleep). Readers of a data grid read its accessible
table (the grid itself is drawn on a canvas), which follows the canvas a moment after the run:
they wait for it with `expect`. Data is arranged or checked behind the UI through SQLAlchemy on
the served database (the second half of this file).
"""

import base64
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Agent, Lead, Tenant
from tests.e2e.conftest import VIEWPORT, wait_for_app
from tests.ui.test_login import PASSWORDS

expect.set_options(timeout=15_000)  # a busy CI machine renders slowly; 5 s was tight
# The README's pictures are refreshed on request only (LEADOPS_SCREENSHOTS=docs/screenshots), so
# that a test run leaves the working tree as it found it.
SCREENSHOTS = Path(os.environ.get("LEADOPS_SCREENSHOTS")
                   or Path(tempfile.gettempdir()) / "leadops-screenshots")
ROW_PX = 35  # the height of a data grid's header and of each row
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


# --- acting in the page -----------------------------------------------------------------------

def open_app(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def submit_login(page: Page, username: str, password: str, *, succeeds: bool = False) -> None:
    """Fill in and submit the login form. When the password is right (`succeeds`), wait for the
    runs that setting the login cookie brings too (conftest.ScriptRuns)."""
    # Typing into the login form does not rerun the script; the submit does.
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Login").click()
    wait_for_app(page, logging_in=succeeds)


def log_in(page: Page, url: str, username: str) -> None:
    open_app(page, url)
    submit_login(page, username, PASSWORDS[username], succeeds=True)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


def click(page: Page, button: Locator) -> None:
    """Click a button that reruns the script, and wait for that run."""
    button.click()
    wait_for_app(page)


def enter_text(page: Page, box: Locator, text: str) -> None:
    """Type into a text or number input outside a form; Enter commits it (a rerun)."""
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


def choose(page: Page, combobox: Locator, typed: str, label: re.Pattern, *,
           multiselect: bool = False) -> None:
    """Pick a selectbox option the way a person does: type to narrow the list, click it."""
    # Scroll first: the list closes when the page scrolls under it. Type with the keyboard:
    # fill() does not open the list when the text typed begins the current choice.
    combobox.scroll_into_view_if_needed()
    combobox.click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(typed)
    page.get_by_role("option", name=label).click()
    if not multiselect:  # a multiselect shows its choices as chips beside the box instead
        expect(combobox).to_have_value(label)


def press_on_slider(page: Page, label: str, key: str) -> str:
    """Move a slider with the keyboard, as a person can: focus its thumb, press a key (End,
    Home, ArrowRight...). Releasing the key reruns the script. Returns the slider's new value."""
    thumb = page.get_by_role("slider", name=label)  # named by its label and value
    before = thumb.input_value()
    thumb.focus()
    thumb.press(key)
    wait_for_app(page)
    expect(thumb).not_to_have_value(before)
    return thumb.input_value()


def expect_message(page: Page, text: str | re.Pattern) -> Locator:
    """An error, warning or success box on the page that says `text`; returns it."""
    box = page.get_by_test_id("stAlert").filter(has_text=text)
    expect(box).to_be_visible()
    return box


def metric(page: Page, label: str) -> Locator:
    """The value of an st.metric, found by its label."""
    box = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(f"^{re.escape(label)}$")))
    return box.get_by_test_id("stMetricValue")


def save_screenshot(page: Page, name: str) -> None:
    """The whole page. Streamlit scrolls inside its main area, not the document, so a
    full-page screenshot alone would stop at the viewport: grow the viewport to fit first."""
    for chart in page.get_by_test_id("stPlotlyChart").all():  # drawn, not just loaded
        if chart.is_visible():  # a chart in a tab not shown is not drawn
            expect(chart.locator(".main-svg").first).to_be_visible()
    page.evaluate("() => document.activeElement?.blur()")  # no focus ring in the picture
    page.mouse.move(0, 0)  # and no hover effect
    height = page.get_by_test_id("stMain").evaluate("main => main.scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
    try:
        page.evaluate(TWO_FRAMES)  # lay out and paint the taller page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / name, full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(VIEWPORT)
        page.evaluate(TWO_FRAMES)


# --- reading data grids and charts ------------------------------------------------------------

def grid_with_column(page: Page, column: str) -> Locator:
    """The data grid (dataframe or data editor) that has a column headed `column`."""
    return page.get_by_test_id("stDataFrame").filter(has=header(page, column))


def header(within: Page | Locator, column: str) -> Locator:
    return within.locator("th[role=columnheader]").filter(has_text=re.compile(f"^{re.escape(column)}$"))


def column_index(header: Locator) -> int:
    expect(header).to_have_count(1)
    return int(header.get_attribute("aria-colindex"))


def grid_column(grid: Locator, column: str) -> Locator:
    """The cells of one column, top row first (the rows the grid has rendered: for a long
    table, those in view and a few more)."""
    return grid.locator(f"tbody tr[role=row] td[aria-colindex='{column_index(header(grid, column))}']")


def grid_cell(grid: Locator, row: int, column: str) -> Locator:
    """A cell by row number (1 = the first row under the header) and column heading."""
    index = column_index(header(grid, column))
    return grid.locator(f"tbody tr[role=row][aria-rowindex='{row + 1}'] td[aria-colindex='{index}']")


def grid_rows(grid: Locator, *columns: str, count: int) -> list[tuple[str, ...]]:
    """The texts of `columns` in the grid's first `count` rows, once it shows that many."""
    grid.scroll_into_view_if_needed()
    expect(grid.locator("tbody tr[role=row]")).to_have_count(count)
    cells = [grid_column(grid, column) for column in columns]
    for column in cells:  # filled, not just laid out
        expect(column.nth(count - 1)).to_have_text(re.compile(r"\S"))
    return list(zip(*(column.all_text_contents()[:count] for column in cells), strict=True))


def chart_traces(chart: Locator) -> dict[str, dict[str, float]]:
    """The bars a Plotly chart draws: {trace name (legend entry): {x: y}}. Read from the figure
    the chart was given (plotly sends numbers as base64 typed arrays)."""
    plot = chart.locator(".js-plotly-plot")
    expect(plot).to_be_attached()
    traces = plot.evaluate("plot => plot.data.map(t => ({name: t.name, x: t.x, y: t.y}))")
    return {t["name"]: dict(zip(t["x"], _numbers(t["y"]), strict=True)) for t in traces}


def _numbers(values) -> list[float]:
    if isinstance(values, dict):  # {"dtype": "i1", "bdata": "..."}
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


# --- pages: capacity and lead assignment ----------------------------------------------------

def open_loads(page: Page) -> dict[str, int]:
    """Agent capacity page, no filter: every agent's open leads, as the agents grid shows them."""
    heading = page.get_by_role("heading", name=re.compile(r"^Agents \(\d+ of \d+\)$"))
    expect(heading).to_be_visible()
    shown, total = map(int, re.findall(r"\d+", heading.text_content()))
    assert shown == total, f"a filter hides agents: {heading.text_content()}"
    rows = grid_rows(page.get_by_test_id("stDataFrame"), "Agent", "Open", count=total)
    return {agent: int(open_leads) for agent, open_leads in rows}


def expect_open_loads(page: Page, expected: dict[str, int]) -> None:
    """Agent capacity page: each agent's Open cell shows the expected number."""
    grid = page.get_by_test_id("stDataFrame")
    grid.scroll_into_view_if_needed()
    for agent, open_leads in expected.items():
        expect(agent_cell(page, agent, "Open"), f"open leads of {agent}").to_have_text(str(open_leads))


def agent_cell(page: Page, agent: str, column: str) -> Locator:
    """A cell of the agents grid, in the row of `agent`."""
    grid = page.get_by_test_id("stDataFrame")
    name = page.locator("td[aria-colindex='1']").filter(has_text=re.compile(f"^{re.escape(agent)}$"))
    row = grid.locator("tbody tr[role=row]").filter(has=name)
    return row.locator(f"td[role=gridcell][aria-colindex='{column_index(header(grid, column))}']")


def read_number(cell: Locator) -> int:
    expect(cell).to_have_text(re.compile(r"^\d+$"))
    return int(cell.text_content())


def open_lead(page: Page, lead_id: int) -> None:
    """Lead assignment page: find the lead by "#id" and open it by clicking its row."""
    enter_text(page, page.get_by_role("textbox", name="Search name, company, email, phone or #id"),
               f"#{lead_id}")
    expect(page.get_by_text(re.compile(r"^1 leads match"))).to_be_visible()
    grid = grid_with_column(page, "Lead")
    expect(grid_cell(grid, 1, "Lead")).to_have_text(str(lead_id))
    click_row(page, grid, 1)
    expect(page.get_by_role("heading", name=re.compile(rf"^Lead #{lead_id}\b"))).to_be_visible()
    expect(page.get_by_role("heading", name="Agents for this lead")).to_be_visible()


def click_row(page: Page, grid: Locator, row: int) -> None:
    """Select a row (1 = the first under the header) of a grid that selects rows, as a person
    does: a click on its row marker, the grid's first, narrow column (it is drawn on a canvas).
    Selecting reruns the script."""
    grid.scroll_into_view_if_needed()
    grid.click(position={"x": 15, "y": ROW_PX * row + ROW_PX // 2})
    wait_for_app(page)


def action_form(page: Page, button: str) -> Locator:
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name=button, exact=True))


def pick_agent(page: Page, form: Locator, name: str) -> None:
    # Options read "Name — 5 of 12 free · …", or "Name — ✗ reason" for an ineligible agent.
    choose(page, form.get_by_role("combobox", name="Agent"), name,
           re.compile(rf"^{re.escape(name)} — "))


def bulk_preview(page: Page, limit: int) -> None:
    """Bulk operations page: the `limit` best new leads (the page's default filter), least
    loaded (its default strategy), previewed."""
    enter_text(page, page.get_by_role("spinbutton", name="At most this many leads (best score first)"),
               str(limit))
    expect(page.get_by_role("combobox", name="Strategy")).to_have_value(re.compile(r"^Least loaded — "))
    click(page, page.get_by_role("button", name="Preview", exact=True))
    plan = page.get_by_role("heading", name="3. The plan (nothing is written until you commit)")
    expect(plan).to_be_visible()


def bulk_commit(page: Page, count: int) -> str:
    """Commit the previewed plan of `count` leads; returns the batch's short id the page reports."""
    click(page, page.get_by_role("button", name=f"Commit: assign {count} leads"))
    message = expect_message(page, re.compile(rf"Batch [0-9a-f]{{8}}: {count} leads assigned\."))
    return re.search(r"Batch ([0-9a-f]{8}):", message.text_content()).group(1)


# --- the database side ------------------------------------------------------------------------

@dataclass(frozen=True)
class AgentRow:
    id: int
    name: str
    open_leads: int
    max_capacity: int


def acme_id(session: Session) -> int:
    return session.scalar(select(Tenant.id).where(Tenant.slug == "acme"))


def agents_with_room(engine) -> list[AgentRow]:
    """Available agents with free slots, most free first, whose name no other agent's contains
    (so the capacity page's name filter shows exactly one)."""
    with Session(engine) as session:
        agents = session.scalars(select(Agent).where(Agent.tenant_id == acme_id(session))).all()
        names = [a.name.lower() for a in agents]
        return sorted(
            (AgentRow(a.id, a.name, a.open_leads, a.max_capacity) for a in agents
             if a.availability == "available" and a.open_leads < a.max_capacity
             and sum(a.name.lower() in n for n in names) == 1),
            key=lambda a: (a.open_leads - a.max_capacity, a.id))


def new_lead_without_skill(engine) -> tuple[int, str]:
    """A new lead any available agent may take (each test takes the next one)."""
    with Session(engine) as session:
        lead = session.scalars(
            select(Lead).where(Lead.tenant_id == acme_id(session), Lead.status == "new",
                               Lead.required_skill.is_(None)).order_by(Lead.id)).first()
        return lead.id, lead.name
