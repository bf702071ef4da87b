"""Scoring leaderboard: the best leads, how scores spread, who moved, and why a lead scored so."""

import plotly.express as px
import streamlit as st

from core.agents import agent_capacity
from core.clock import utcnow
from core.leaderboard import contributions
from core.leads import lead_detail, search_leads
from core.permissions import Permission, allows
from core.rescoring import rescore_leads
from core.weights import current_settings
from pages._shared import context
from pages._shared.feedback import attempt, show_flash, succeed_and_refresh
from pages._shared.lead_filters import lead_filters

TOP = 100
CATEGORY_COLORS = {"hot": "#c62828", "warm": "#ef6c00", "cold": "#1565c0", "nurture": "#78909c"}

st.title("Scoring leaderboard")
actor = context.current_actor()
show_flash()
capacity = attempt(lambda: agent_capacity(context.reader(), actor))
with st.expander("Filters", expanded=False):
    filters = lead_filters("lb", capacity[0] if capacity else [], with_search=False)

settings = attempt(lambda: current_settings(context.reader(), actor))
top = attempt(lambda: search_leads(context.reader(), actor, filters, page=1, page_size=TOP, count=False))
figures = attempt(lambda: context.cached_leaderboard(actor, filters, settings.version)) if settings else None
if figures is None or top is None:
    st.stop()
board, read_at = figures

matching = int(board.categories["Leads"].sum())
st.caption(f"Scores from weights version {settings.version}. {matching:,} leads match the filters. "
           f"Counts and movers as of {read_at:%H:%M:%S} UTC (re-read every minute and after a "
           "recalculation here); the top leads are read on every view.")
left, right = st.columns(2)
left.plotly_chart(px.bar(board.categories, x="Category", y="Leads", color="Category",
                         color_discrete_map=CATEGORY_COLORS, title="Leads per category",
                         category_orders={"Category": list(CATEGORY_COLORS)}), width="stretch")
right.plotly_chart(px.bar(board.histogram, x="Score from", y="Leads", title="Score histogram (bins of 5)"),
                   width="stretch")

st.subheader(f"Top {min(TOP, matching)} leads")
st.dataframe(top.rows.drop(columns=["version"]), hide_index=True, key="lb_top",
             column_config={"Score": st.column_config.NumberColumn(format="%.2f")})

if allows(actor.role, Permission.ASSIGN_LEADS) and st.button(
        f"Recalculate these {len(top.rows)} leads now", key="lb_rescore",
        help="Recompute every component and the score of the leads listed above."):
    count = attempt(lambda: rescore_leads(context.writer(), actor, top.rows["Lead"].tolist(), utcnow()))
    if count is not None:
        context.forget_leaderboards()
        succeed_and_refresh(f"Recalculated {count} leads.")

risers, fallers = st.columns(2)
risers.markdown("**Biggest risers** since the last calculation")
risers.dataframe(board.risers, hide_index=True, key="lb_risers")
fallers.markdown("**Biggest fallers** since the last calculation")
fallers.dataframe(board.fallers, hide_index=True, key="lb_fallers")

st.subheader("Why did this lead score so?")
if top.rows.empty:
    st.stop()
labels = {int(r.Lead): f"#{r.Lead} · {r.Name} · {r.Score:.2f}" for r in top.rows.itertuples()}
lead_id = st.selectbox("Lead", list(labels), format_func=labels.get, key="lb_lead")
lead = attempt(lambda: lead_detail(context.reader(), actor, lead_id))
if lead is None:
    st.stop()
parts = contributions(lead.scores, settings.weights)
figure = px.bar(parts, x="Contribution", y=["Lead"] * len(parts), color="Component",
                orientation="h", text=parts["Contribution"].round(2), height=220,
                labels={"y": "", "Contribution": "Points of the overall score"})
# Beside a bar this short, a vertical legend shows only three of the four components.
figure.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
st.plotly_chart(figure, width="stretch")
st.caption(f"Overall {float(lead.scores['Overall'] or 0):.2f} ({lead.score_category}) = the sum of "
           f"each component's score × its share of the weights; calculated with weights version "
           f"{settings.version if lead.calculation_method else 'none yet'}.")
st.dataframe(parts, hide_index=True, key="lb_parts",
             column_config={"Weight": st.column_config.NumberColumn(format="%.2f"),
                            "Contribution": st.column_config.NumberColumn(format="%.2f")})
