"""Lead assignment: find a lead, see its detail and the agents ranked for it, act on it."""

import streamlit as st

from core.agents.capacity import agent_capacity
from core.domain.permissions import Permission
from core.exports.export import export_leads
from core.leads.ranking import AgentOption, rank_agents_for_lead
from core.leads.search import lead_detail, search_leads
from pages._shared import context, state
from pages._shared.export_control import export_control
from pages._shared.feedback import attempt, attempt_or_stop, show_flash
from pages._shared.lead_actions import changed_meanwhile, render_actions
from pages._shared.lead_detail_view import render_detail
from pages._shared.lead_filters import lead_filters
from pages._shared.lead_list import lead_table
from pages._shared.literal import literal
from pages._shared.tables import AGENT_OPTION_COLUMNS, EMPTY
from pages._shared.versions import versions_seen_before

PAGE_SIZE = 25


def _ranked_agents(options: list[AgentOption]) -> None:
    st.subheader("Agents for this lead")
    st.dataframe(
        [{"Agent": o.name, "Eligible": o.eligible, "Performance": o.performance, "Why": o.why}
         for o in options],
        hide_index=True, key="ranked_agents", placeholder=EMPTY, column_config=AGENT_OPTION_COLUMNS,
    )
    st.caption("Eligible agents first, best performance first (0-100: conversion, speed to first "
               "contact, recent points). Free slots and eligibility are read now; performance "
               "is at most a minute old.")


st.title("Lead assignment")
actor = context.actor_allowed_to(
    Permission.ASSIGN_LEADS, "Your role may not assign leads. The agent capacity page shows the team's load.")
show_flash()

capacity = attempt(lambda: agent_capacity(context.reader(), actor))
team = capacity[0] if capacity else []
with st.expander("Filters", expanded=True):
    filters = lead_filters("f", team, actor, default_statuses=("new",))

page_number = st.session_state.get(state.LEAD_PAGE, 1)
result = attempt_or_stop(lambda: search_leads(context.reader(), actor, filters, page=page_number,
                                              page_size=PAGE_SIZE))
pager = result.pager
more_pages = "" if result.total_is_exact else " (narrow the filters to reach the rest)"
st.caption(f"{result.total_label} leads match · page {pager.shown_page} of {pager.pages}{more_pages}")
open_id = lead_table(result.rows)
st.columns(6)[0].number_input("Page", min_value=1, max_value=pager.pages, value=pager.shown_page,
                              key=state.LEAD_PAGE)
export_control("f_export", "all matching leads", lambda fmt, max_rows: export_leads(
    context.writer(), actor, filters, fmt, max_rows=max_rows))
if open_id is None:
    st.info("Click a lead's row to open it: its detail, the agents ranked for it and the actions "
            "show here.", icon=":material/touch_app:")
    st.stop()
lead_id: int = open_id
lead = attempt_or_stop(lambda: lead_detail(context.reader(), actor, lead_id))
options = [] if lead.closed else attempt_or_stop(lambda: rank_agents_for_lead(
    context.reader(), actor, lead_id, performance=context.cached_performance(actor)))

expected = versions_seen_before("lead", {lead.id: lead.version})[lead.id]
if expected != lead.version:
    st.warning(literal(changed_meanwhile(lead)), icon=":material/sync_problem:")
detail_col, agents_col = st.columns([3, 2])
with detail_col:
    render_detail(lead)
with agents_col:
    if lead.closed:
        st.info(literal(f"Lead #{lead.id} is {lead.status.value}: it is closed, so no agent can "
                        "receive it. Its score stays as it was when it closed."),
                icon=":material/lock:")
    else:
        _ranked_agents(options)
    render_actions(actor, lead, options, expected_version=expected)
