"""Tuning the scoring in the browser: a slider moves, the what-if preview follows, saving
rescores every lead and the leaderboard's order changes."""

import re

import pytest

from tests.backends import in_ci

if not in_ci():  # without Playwright the conftest skips these tests; under CI they fail
    pytest.importorskip("playwright", reason="Playwright is not installed")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.helpers import (  # noqa: E402
    click,
    expect_message,
    go_to,
    grid_cell,
    grid_rows,
    grid_with_column,
    log_in,
    metric,
    press_on_slider,
    save_screenshot,
)

TOP = 10  # rows of the leaderboard compared (all in view)
NEWLY_HOT = "Leads that would become hot"


def leaderboard(page: Page) -> tuple[int, list[tuple[str, str]]]:
    """Scoring leaderboard: the weights version it reports, and its top rows (lead, score)."""
    caption = page.get_by_text(re.compile(r"^Scores from weights version \d+\."))
    expect(caption).to_be_visible()
    version = int(re.search(r"version (\d+)", caption.text_content()).group(1))
    top = grid_with_column(page, "Score").filter(has=page.locator("th", has_text="Company"))
    expect(top.locator("tbody tr[role=row]").first).to_be_attached()
    rendered = top.locator("tbody tr[role=row]").count()  # the rows in view, and a few more
    assert rendered >= TOP, f"only {rendered} leaderboard rows rendered"
    return version, grid_rows(top, "Lead", "Score", count=rendered)[:TOP]


def test_admin_raises_a_weight_sees_the_preview_saves_and_the_leaderboard_reorders(page, demo_app):
    log_in(page, demo_app.url, "admin")
    go_to(page, "Scoring leaderboard")
    version, top_before = leaderboard(page)

    go_to(page, "Scoring weights")
    expect(page.get_by_text(f"Current version {version}.")).to_be_visible()
    newly_hot = metric(page, NEWLY_HOT)
    expect(newly_hot).to_have_text("0")  # the sliders start at the saved weights: nothing moves
    biggest = grid_with_column(page, "Category after")
    expect(grid_cell(biggest, 1, "Change")).to_have_text("0")

    # Engagement all the way up (1.0, from 0.10 in the demo): the demo's most engaged leads
    # would become hot.
    assert press_on_slider(page, "Engagement", "End") == "1"
    expect(newly_hot).not_to_have_text("0")
    expect(newly_hot).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(grid_cell(biggest, 1, "Change")).not_to_have_text("0")
    save_screenshot(page, "scoring-weights.png")

    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Save and rescore every lead"))
    click(page, form.get_by_role("button", name="Save and rescore every lead"))
    expect_message(page, "Saving weights needs a reason")  # nothing saved without one
    expect(page.get_by_text(f"Current version {version}.")).to_be_visible()
    form.get_by_role("textbox", name=re.compile(r"^Why this change\?")).fill(
        "Engaged leads convert: weigh engagement fully")
    click(page, form.get_by_role("button", name="Save and rescore every lead"))
    expect_message(page, re.compile(rf"Saved version {version + 1}; rescored \d+ leads in"))
    expect(page.get_by_text(f"Current version {version + 1}.")).to_be_visible()
    expect(newly_hot).to_have_text("0")  # saved: the preview compares with the new scores

    go_to(page, "Scoring leaderboard")
    version_after, top_after = leaderboard(page)
    assert version_after == version + 1
    assert [lead for lead, _ in top_after] != [lead for lead, _ in top_before]
    save_screenshot(page, "scoring-leaderboard.png")
