"""The agents tab of the scoring leaderboard: standings for a window, a chart of the top, and
one agent's points and badges over time."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from core.domain.gamification import LEVELS, POINTS, BadgeKind
from core.domain.identity import Actor
from core.domain.standings import AgentStanding, Window
from core.gamification.standings import AgentHistory, agent_history, agent_leaderboard
from pages._shared import context
from pages._shared.feedback import attempt
from pages._shared.literal import chart_text
from pages._shared.tables import EMPTY

CHART_AGENTS = 20


def standings_frame(standings: list[AgentStanding]) -> pd.DataFrame:
    return pd.DataFrame({
        "Rank": [s.rank for s in standings],
        "Agent": [s.name for s in standings],
        "Team": [s.team for s in standings],
        "Points": [s.points for s in standings],
        "Level": [f"{s.level.number} · {s.level.name}" for s in standings],
        "Badges": [", ".join(b.display_name for b in s.badges) for s in standings],
        "Conversions": [s.conversions for s in standings],
        "Conversion rate": [s.record.rate for s in standings],
        "Performance": [s.performance.score for s in standings],
    })


# Levels from light to dark, so the colour reads as the level's height.
LEVEL_COLORS = dict(zip((f"{n} · {name}" for n, (_, name) in enumerate(LEVELS, start=1)),
                        ("#cfd8dc", "#90caf9", "#42a5f5", "#1e88e5", "#1565c0", "#0d47a1"), strict=True))


def _top_chart(frame: pd.DataFrame, window: Window) -> go.Figure:
    top = frame.head(CHART_AGENTS).assign(
        Bar=lambda f: f["Rank"].astype(str) + " · " + f["Agent"].map(chart_text))  # unique, literal
    figure = px.bar(top, x="Points", y="Bar", color="Level", orientation="h",
                    color_discrete_map=LEVEL_COLORS,
                    category_orders={"Level": list(LEVEL_COLORS)},
                    title=f"Top {len(top)} agents by points, {window.value.lower()}",
                    height=max(260, 24 * len(top) + 80))
    # Rank order whatever the colours: the best at the top of a horizontal bar chart.
    figure.update_yaxes(categoryorder="array", categoryarray=list(top["Bar"])[::-1], title="")
    figure.update_layout(margin={"l": 0, "r": 0, "t": 40, "b": 0})
    return figure


def history_frame(history: AgentHistory) -> pd.DataFrame:
    """Points per day and their running total; a day with a badge names it."""
    entries = pd.DataFrame({"Day": [e.awarded_at.date() for e in history.entries],
                            "Points": [e.points for e in history.entries]})
    daily = entries.groupby("Day", as_index=False)["Points"].sum()
    daily["Total"] = daily["Points"].cumsum()
    badges = pd.DataFrame({"Day": [b.awarded_at.date() for b in history.badges],
                           "Badge": [b.badge.display_name for b in history.badges]})
    named = badges.groupby("Day", as_index=False)["Badge"].agg(", ".join)
    frame = daily.merge(named, on="Day", how="outer").sort_values("Day", ignore_index=True)
    # A badge's day without points keeps the total of the day before, and only its own badge.
    frame["Total"] = frame["Total"].ffill().fillna(0)
    return frame.fillna({"Points": 0, "Badge": ""})


def _history_chart(history: AgentHistory) -> go.Figure:
    frame = history_frame(history)
    figure = px.line(frame, x="Day", y="Total", markers=True, height=300,
                     title=f"{chart_text(history.name)}: points over time (running total)")
    earned = frame[frame["Badge"] != ""]
    figure.add_scatter(x=earned["Day"], y=earned["Total"], mode="markers+text",
                       text=earned["Badge"],
                       textposition="top left", name="badge", marker={"size": 12, "symbol": "star"})
    figure.update_layout(margin={"l": 0, "r": 0, "t": 40, "b": 0}, showlegend=False)
    return figure


def _rules() -> str:
    points = ", ".join(f"{reason.label} +{value}" for reason, value in POINTS.items() if value)
    levels = ", ".join(f"{name} {floor:,}" for floor, name in LEVELS)
    badges = "; ".join(f"{b.display_name}: {b.rule}" for b in BadgeKind)
    return (f"Points: {points}. Levels (all-time points): {levels}. Badges: {badges}. "
            "Performance (0-100) = 50% smoothed conversion rate, 25% share of first contacts "
            "within an hour, 25% points of the last 30 days.")


def render_agent_board(actor: Actor) -> None:
    window = st.radio("Period", list(Window), horizontal=True, key="ag_window",
                      format_func=lambda w: w.value) or Window.WEEK
    standings = attempt(lambda: agent_leaderboard(context.reader(), actor, window))
    if standings is None:
        return
    if not standings:
        st.info("This tenant has no agents yet.", icon=":material/info:")
        return
    frame = standings_frame(standings)
    st.caption(f"Points and conversions {window.value.lower()} (a week: today and the 6 days "
               "before, a month: today and the 29 before, in UTC); conversion rate over all the "
               "agent's closed leads; level from all-time points.")
    st.plotly_chart(_top_chart(frame, window), width="stretch")
    st.dataframe(frame, hide_index=True, key="ag_board", placeholder=EMPTY, column_config={
        "Conversion rate": st.column_config.NumberColumn(format="percent"),
        "Performance": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f"),
    })
    names = {s.agent_id: f"#{s.rank} · {s.name}" for s in standings}
    chosen = st.selectbox("One agent's points and badges over time", list(names),
                          format_func=lambda i: names[i], key="ag_agent")
    if chosen is not None:
        history = attempt(lambda: agent_history(context.reader(), actor, chosen))
        if history is not None and history.entries:
            st.plotly_chart(_history_chart(history), width="stretch")
        elif history is not None:
            st.info("This agent has earned no points yet.", icon=":material/info:")
    st.caption(_rules())
