"""Points in the browser: a supervisor converts a lead, and its agent gains 100 points and moves
up the agents leaderboard."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.clock import utcnow
from db.models import Agent, Lead, PointsEntry
from tests.backends import in_ci

if not in_ci():  # without Playwright the conftest skips these tests; under CI they fail
    pytest.importorskip("playwright", reason="Playwright is not installed")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.conftest import wait_for_app  # noqa: E402
from tests.e2e.helpers import (  # noqa: E402
    acme_id,
    action_form,
    choose,
    expect_message,
    go_to,
    grid_rows,
    grid_with_column,
    log_in,
    open_lead,
    save_screenshot,
)


def a_conversion_that_reorders(engine) -> tuple[int, str, int]:
    """A qualified lead whose agent, with 100 more points this week, passes someone."""
    since = utcnow() - timedelta(days=7)
    with Session(engine) as s:
        tenant = acme_id(s)
        agents = dict(s.execute(select(Agent.id, Agent.name).where(Agent.tenant_id == tenant)).all())
        week = dict(s.execute(select(PointsEntry.agent_id, func.sum(PointsEntry.points))
                              .where(PointsEntry.tenant_id == tenant, PointsEntry.awarded_at >= since)
                              .group_by(PointsEntry.agent_id)).all())
        qualified = s.execute(select(Lead.agent_id, func.min(Lead.id)).where(
            Lead.tenant_id == tenant, Lead.status == "qualified").group_by(Lead.agent_id)).all()
    points = {agent: int(week.get(agent, 0)) for agent in agents}
    for agent, lead in qualified:
        if any(points[agent] < points[other] < points[agent] + 100 for other in agents):
            return lead, agents[agent], len(agents)
    pytest.fail("the demo has no conversion that would reorder the agents leaderboard")


def agents_board(page: Page, agents: int) -> dict[str, tuple[int, int]]:
    """Scoring leaderboard, Agents tab: each agent's (rank, points) this week (every agent of
    the demo tenant is on the board: fewer than its 100 places)."""
    go_to(page, "Scoring leaderboard")
    page.get_by_role("tab", name="Agents").click()
    grid = grid_with_column(page, "Rank")
    expect(grid).to_be_visible()
    rows = grid_rows(grid, "Rank", "Agent", "Points", count=agents)
    return {agent: (int(rank), int(points)) for rank, agent, points in rows}


def test_converting_a_lead_gives_its_agent_100_points_and_a_better_rank(page, demo_app):
    lead_id, agent, agents = a_conversion_that_reorders(demo_app.engine)
    log_in(page, demo_app.url, "supervisor")
    rank_before, points_before = agents_board(page, agents)[agent]

    go_to(page, "Lead assignment")
    status = page.get_by_role("combobox", name="Status", exact=True)
    choose(page, status, "qualified", re.compile(r"^qualified$"), multiselect=True)
    wait_for_app(page)  # a filter outside a form reruns the script
    status.press("Escape")  # close the list, which stays open for a second choice
    open_lead(page, lead_id)
    form = action_form(page, "Change status")
    choose(page, form.get_by_role("combobox", name="New status"), "converted", re.compile(r"^converted$"))
    form.get_by_role("button", name="Change status", exact=True).click()
    wait_for_app(page)
    expect_message(page, f"Lead #{lead_id} is now converted.")

    rank_after, points_after = agents_board(page, agents)[agent]
    save_screenshot(page, "scoring-leaderboard-agents.png")
    assert points_after == points_before + 100
    assert rank_after < rank_before
