"""The leads tab of the scoring leaderboard: the best leads, how scores spread, who moved, and why a
lead scored so."""

import plotly.express as px
import streamlit as st

from core.agents.capacity import agent_capacity
from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.domain.permissions import Permission, allows
from core.domain.vocabulary import ScoreCategory
from core.exports.export import export_leaderboard
from core.leads.search import lead_detail, search_leads
from core.scoring.leaderboard import contributions
from core.scoring.rescoring import rescore_leads
from core.scoring.weights import current_settings
from pages._shared import context
from pages._shared.export_control import export_control
from pages._shared.feedback import attempt, attempt_or_stop, succeed_and_refresh
from pages._shared.lead_filters import lead_filters
from pages._shared.tables import CATEGORY_COUNTS, EMPTY, HISTOGRAM, LEAD_LIST, MOVERS, table
from pages._shared.tables import contributions as contribution_table

TOP = 100
CATEGORY_COLORS = {ScoreCategory.HOT.value: "#c62828", ScoreCategory.WARM.value: "#ef6c00",
                   ScoreCategory.COLD.value: "#1565c0", ScoreCategory.NURTURE.value: "#78909c"}

def render_lead_board(actor: Actor) -> None:
    capacity = attempt(lambda: agent_capacity(context.reader(), actor))
    with st.expander("Filters", expanded=False):
        filters = lead_filters("lb", capacity[0] if capacity else [], actor, with_search=False)

    settings = attempt_or_stop(lambda: current_settings(context.reader(), actor))
    top = attempt_or_stop(lambda: search_leads(context.reader(), actor, filters, page=1, page_size=TOP,
                                               count=False))
    board, read_at = attempt_or_stop(lambda: context.cached_leaderboard(actor, filters, settings.version))

    matching = board.matching
    if not matching:  # no charts, button or "why" panel over nothing
        st.info("No lead matches these filters. Widen them (Filters, above) to see leads here.",
                icon=":material/filter_alt_off:")
        return
    st.caption(f"Scores from weights version {settings.version}. {matching:,} leads match the filters. "
               f"Counts and movers as of {read_at:%H:%M:%S} UTC (re-read every minute and after a "
               "recalculation here); the top leads are read on every view.")
    left, right = st.columns(2)
    left.plotly_chart(px.bar(table(board.categories, CATEGORY_COUNTS), x="Category", y="Leads",
                             color="Category", color_discrete_map=CATEGORY_COLORS,
                             title="Leads per category",
                             category_orders={"Category": list(CATEGORY_COLORS)}), width="stretch")
    right.plotly_chart(px.bar(table(board.histogram, HISTOGRAM), x="Score from", y="Leads",
                              title="Score histogram (bins of 5)"), width="stretch")

    st.subheader(f"Top {min(TOP, matching)} leads")
    st.dataframe(table(top.rows, LEAD_LIST), hide_index=True, key="lb_top", placeholder=EMPTY,
                 column_config={"Score": st.column_config.NumberColumn(format="%.2f")})
    export_control("lb_export", "all matching leads, best first", lambda fmt, max_rows: export_leaderboard(
        context.writer(), actor, filters, fmt, max_rows=max_rows))

    if allows(actor.role, Permission.RESCORE_LEADS) and st.button(
            f"Recalculate these {len(top.rows)} leads now", key="lb_rescore",
            help="Recompute every component and the score of the leads listed above."):
        count = attempt(lambda: rescore_leads(context.writer(), actor, [r.id for r in top.rows], utcnow()))
        if count is not None:
            context.forget_leaderboards()
            kept = len(top.rows) - count
            succeed_and_refresh(f"Recalculated {count} leads." + (
                f" {kept} closed leads keep the score they closed with." if kept else ""))

    risers, fallers = st.columns(2)
    risers.markdown("**Biggest risers** since the last calculation")
    risers.dataframe(table(board.risers, MOVERS), hide_index=True, key="lb_risers", placeholder=EMPTY)
    fallers.markdown("**Biggest fallers** since the last calculation")
    fallers.dataframe(table(board.fallers, MOVERS), hide_index=True, key="lb_fallers", placeholder=EMPTY)

    st.subheader("Why did this lead score so?")
    if not top.rows:  # a lead may have left the filters since the cached counts were read
        return
    labels = {r.id: f"#{r.id} · {r.name} · {r.score:.2f}" for r in top.rows}
    lead_id = st.selectbox("Lead", list(labels), format_func=lambda i: labels[i], key="lb_lead")
    lead = attempt_or_stop(lambda: lead_detail(context.reader(), actor, lead_id))
    parts = contribution_table(contributions(lead.scores, settings.weights))
    figure = px.bar(parts, x="Contribution", y=["Lead"] * len(parts), color="Component",
                    orientation="h", text=parts["Contribution"].round(2), height=220,
                    labels={"y": "", "Contribution": "Points of the overall score"})
    # Beside a bar this short, a vertical legend shows only three of the four components.
    figure.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    st.plotly_chart(figure, width="stretch")
    st.caption(f"Overall {float(lead.scores.overall or 0):.2f} ({lead.score_category}) = the sum of "
               "each component's score × its share of the weights" + (
                   f"; the lead is {lead.status.value} and keeps the score it closed with, so "
                   "after a weights change these parts (today's weights) may not add up to it."
                   if lead.closed else
                   f"; calculated with weights version "
                   f"{settings.version if lead.calculation_method else 'none yet'}."))
    st.dataframe(parts, hide_index=True, key="lb_parts", placeholder=EMPTY,
                 column_config={"Weight": st.column_config.NumberColumn(format="%.2f"),
                                "Contribution": st.column_config.NumberColumn(format="%.2f")})
