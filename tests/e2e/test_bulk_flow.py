"""Bulk assignment in the browser: preview, commit, the loads go up, undo, the loads come back."""

import re
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Lead
from tests.backends import in_ci

if not in_ci():  # without Playwright the conftest skips these tests; under CI they fail
    pytest.importorskip("playwright", reason="Playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.helpers import (  # noqa: E402
    bulk_commit,
    bulk_preview,
    chart_traces,
    choose,
    click,
    expect_message,
    expect_open_loads,
    go_to,
    grid_cell,
    grid_rows,
    grid_with_column,
    log_in,
    metric,
    open_loads,
    save_screenshot,
)

LEADS = 5


def test_supervisor_previews_commits_and_undoes_a_least_loaded_bulk_assignment(page, demo_app):
    log_in(page, demo_app.url, "supervisor")  # lands on Agent capacity
    before = open_loads(page)

    go_to(page, "Bulk operations")
    bulk_preview(page, LEADS)
    expect(metric(page, "Leads placed")).to_have_text(str(LEADS))
    expect(metric(page, "Not placed")).to_have_text("0")
    plan = grid_rows(grid_with_column(page, "Lead"), "Lead", "Agent", count=LEADS)
    receiving = Counter(agent for _, agent in plan)
    expect(metric(page, "Agents receiving")).to_have_text(str(len(receiving)))
    # The chart: one group of bars per receiving agent, their load before and after the plan.
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart.locator(".gtitle")).to_have_text("Load per receiving agent: before, after, capacity")
    ticks = chart.locator(".xtick text")
    expect(ticks).to_have_count(len(receiving))
    assert sorted(ticks.all_text_contents()) == sorted(receiving)
    bars = chart_traces(chart)
    assert bars["before"] == {agent: before[agent] for agent in receiving}
    assert bars["after"] == {agent: before[agent] + n for agent, n in receiving.items()}
    save_screenshot(page, "bulk-operations.png")

    batch = bulk_commit(page, LEADS)
    batches = grid_with_column(page, "Undone by")
    expect(grid_cell(batches, 1, "Batch")).to_have_text(re.compile(f"^{batch}"))
    expect(grid_cell(batches, 1, "Kind")).to_have_text("bulk_assign")
    expect(grid_cell(batches, 1, "Strategy")).to_have_text("least_loaded")
    expect(grid_cell(batches, 1, "Changed")).to_have_text(str(LEADS))

    go_to(page, "Agent capacity")
    after_commit = {agent: load + receiving[agent] for agent, load in before.items()}
    expect_open_loads(page, after_commit)
    assert open_loads(page) == after_commit  # and no other agent's load moved

    go_to(page, "Bulk operations")
    choose(page, page.get_by_role("combobox", name="Batch to undo"), batch, re.compile(f"^{batch}$"))
    page.get_by_role("button", name="Undo this batch…").click()  # opens the confirmation
    expect(page.get_by_text(f"Batch {batch} assigned {LEADS} leads: undoing it sends each back to new")
           ).to_be_visible()
    click(page, page.get_by_role("button", name=f"Undo batch {batch}"))
    expect_message(page, f"Batch {batch} undone: {LEADS} leads back to new.")
    batches = grid_with_column(page, "Undone by")
    expect(grid_cell(batches, 1, "Kind")).to_have_text("undo")
    expect(grid_cell(batches, 1, "Changed")).to_have_text(str(LEADS))
    expect(grid_cell(batches, 2, "Batch")).to_have_text(re.compile(f"^{batch}"))
    expect(grid_cell(batches, 2, "Undone by")).to_have_text(re.compile(r"^[0-9a-f-]{36}$"))

    go_to(page, "Agent capacity")
    expect_open_loads(page, before)
    assert open_loads(page) == before  # exactly the loads from before the batch
    with Session(demo_app.engine) as session:
        leads = session.execute(select(Lead.status, Lead.agent_id).where(
            Lead.id.in_([int(lead) for lead, _ in plan]))).all()
    assert leads == [("new", None)] * LEADS
