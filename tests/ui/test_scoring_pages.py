"""Scoring leaderboard (all roles) and scoring weights (admin): preview, save, refusals."""

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.standings import Window
from db.models import AuditRow, ScoringWeights
from tests.ui.conftest import logged_in_app, messages, page_run_directly, table_with

WEIGHTS = "pages/scoring_weights.py"
LEADERBOARD = "pages/scoring_leaderboard.py"
SHIPPED = 2  # the demo's versions: 1 the defaults, 2 its admin's (db/demo_scoring.py)


def open_page(page, role, username=None):
    at = logged_in_app(username or role, role)
    at.switch_page(page).run()
    assert not at.exception
    return at


def newly_hot(at) -> int:
    return int(next(m for m in at.metric if m.label == "Leads that would become hot").value)


@pytest.mark.parametrize("role", ["supervisor", "manager", "admin"])
def test_leaderboard_shows_top_leads_distribution_and_why(demo_url, role):
    at = open_page(LEADERBOARD, role)
    top = table_with(at, "Lead", "Score", "Agent")
    assert len(top) == 100 and top["Score"].is_monotonic_decreasing
    parts = table_with(at, "Contribution")
    first = top.iloc[0]
    assert parts["Contribution"].sum() == pytest.approx(first["Score"], abs=0.05)
    assert any(f"weights version {SHIPPED}" in c.value for c in at.caption)


def test_admin_moves_a_weight_sees_the_preview_and_saves_with_a_reason(demo_url, engine):
    at = open_page(WEIGHTS, "admin")
    assert newly_hot(at) == 0  # the sliders start at the saved weights
    for key in ("w_engagement", "w_conversion", "w_urgency"):  # source quality alone: referrals are hot
        at.slider(key=key).set_value(0.0).run()
    at.slider(key="w_source").set_value(1.0).run()
    moved = newly_hot(at)
    assert moved > 0
    at.button(key="FormSubmitter:save_weights-Save and rescore every lead").click().run()
    assert "Saving weights needs a reason" in messages(at)
    at.text_input(key="w_reason").input("Source quality predicts revenue")
    at.button(key="FormSubmitter:save_weights-Save and rescore every lead").click().run()
    assert not at.exception
    assert f"Saved version {SHIPPED + 1}; rescored" in messages(at)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(ScoringWeights).where(
            ScoringWeights.reason == "Source quality predicts revenue")) == 1
        assert s.scalar(select(func.count()).select_from(AuditRow).where(
            AuditRow.action == "scoring.weights_saved")) == SHIPPED  # the demo admin's, and this
    leaderboard = open_page(LEADERBOARD, "manager")
    assert any(f"weights version {SHIPPED + 1}" in c.value for c in leaderboard.caption)


def test_thresholds_out_of_order_are_refused_in_the_preview(demo_url):
    at = open_page(WEIGHTS, "admin")
    at.slider(key="t_warm").set_value(90).run()
    assert "hot > warm > cold" in messages(at)


@pytest.mark.parametrize("role", ["supervisor", "manager"])
def test_weights_page_is_admin_only(demo_url, role):
    at = logged_in_app(role, role)
    with pytest.raises(ValueError):
        at.switch_page(WEIGHTS)
    page = page_run_directly(WEIGHTS, role)
    assert "Only admins may change scoring weights" in messages(page)
    assert not page.slider


def test_supervisor_recalculates_the_leads_shown(demo_url):
    at = open_page(LEADERBOARD, "supervisor")
    closed = table_with(at, "Lead", "Score", "Status")["Status"].isin(["converted", "lost"]).sum()
    at.button(key="lb_rescore").click().run()
    assert not at.exception and f"Recalculated {100 - closed} leads." in messages(at)
    assert closed and f"{closed} closed leads keep the score they closed with" in messages(at)
    manager = open_page(LEADERBOARD, "manager")
    assert not [b for b in manager.button if b.key == "lb_rescore"]


@pytest.mark.parametrize("role", ["supervisor", "manager", "admin"])
def test_agents_tab_ranks_agents_by_points_for_every_role(demo_url, role):
    at = open_page(LEADERBOARD, role)
    board = table_with(at, "Rank", "Agent", "Points", "Level", "Badges", "Conversions",
                       "Conversion rate", "Performance")
    assert len(board) > 0 and board["Points"].is_monotonic_decreasing
    assert board["Rank"].tolist() == list(range(1, len(board) + 1))
    assert board["Performance"].between(0, 100).all()
    assert any("Points: contacted +5, qualified +20, converted +100" in c.value for c in at.caption)


def test_agents_tab_windows_differ_and_one_agent_shows_its_history(demo_url):
    at = open_page(LEADERBOARD, "manager")
    week = table_with(at, "Rank", "Agent", "Points")["Points"].sum()
    at.radio(key="ag_window").set_value(Window.ALL_TIME).run()
    all_time = table_with(at, "Rank", "Agent", "Points")["Points"].sum()
    assert not at.exception and all_time > week
    chosen = at.selectbox(key="ag_agent")
    assert chosen.value is not None
    assert any("points over time" in (chart.proto.spec or "") for chart in at.get("plotly_chart"))


def save_version(at, reason):
    at.text_input(key="w_reason").input(reason)
    at.button(key="FormSubmitter:save_weights-Save and rescore every lead").click().run()


def test_after_restoring_a_version_the_sliders_and_preview_show_it(demo_url):
    at = open_page(WEIGHTS, "admin")
    saved_engagement = at.slider(key="w_engagement").value
    at.slider(key="w_engagement").set_value(0.4).run()
    save_version(at, "More weight on engagement")
    assert f"Saved version {SHIPPED + 1}" in messages(at) and at.slider(key="w_engagement").value == 0.4
    at.selectbox(key="w_restore").set_value(SHIPPED)
    at.text_input(key="w_restore_reason").input("Back to the weights we had")
    at.button(key="FormSubmitter:restore_version-Restore and rescore").click().run()
    assert f"Restored version {SHIPPED} as version {SHIPPED + 2}" in messages(at)
    assert at.slider(key="w_engagement").value == saved_engagement  # not the 0.40 just saved
    assert newly_hot(at) == 0 and table_with(at, "Lead", "Before", "After")["Change"].eq(0).all()
    at.run()  # and the next run (a click elsewhere) keeps them
    assert at.slider(key="w_engagement").value == saved_engagement


def test_a_version_saved_by_someone_else_is_said_and_shown(demo_url):
    mine, theirs = open_page(WEIGHTS, "admin"), open_page(WEIGHTS, "admin")
    mine.slider(key="w_urgency").set_value(0.9).run()
    theirs.slider(key="w_engagement").set_value(0.4).run()
    save_version(theirs, "More weight on engagement")
    mine.run()
    assert f"Version {SHIPPED + 1} was saved by someone else" in messages(mine)
    assert mine.slider(key="w_engagement").value == 0.4 and mine.slider(key="w_urgency").value != 0.9


def leads_tab_charts(at) -> list[str]:
    return [c.proto.spec for c in at.get("plotly_chart")
            if "Leads per category" in (c.proto.spec or "") or "Score histogram" in (c.proto.spec or "")]


def test_filters_that_match_no_lead_say_so_instead_of_empty_charts(demo_url):
    at = open_page(LEADERBOARD, "supervisor")
    assert len(leads_tab_charts(at)) == 2
    at.multiselect(key="lb_status").set_value(["new"])  # new leads never have an agent
    at.selectbox(key="lb_agent").select_index(1).run()
    assert not at.exception
    assert "No lead matches these filters" in messages(at)
    assert leads_tab_charts(at) == []
    assert not [b for b in at.button if b.key == "lb_rescore"]
    assert not [s for s in at.selectbox if s.key == "lb_lead"]
    assert not [f for f in at.dataframe if "Lead" in f.value.columns and "Score" in f.value.columns]


def test_agents_chart_lists_the_agents_in_rank_order_whatever_their_level(demo_url):
    at = open_page(LEADERBOARD, "manager")
    board = table_with(at, "Rank", "Agent", "Points")
    chart = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if "Top " in (c.proto.spec or "") and "agents by points" in c.proto.spec)
    shown = chart["layout"]["yaxis"]["categoryarray"][::-1]  # top of the chart first
    expected = [f"{rank} · {name}" for rank, name in zip(board["Rank"], board["Agent"], strict=True)]
    assert shown == expected[:len(shown)] and len(shown) == min(20, len(board))
