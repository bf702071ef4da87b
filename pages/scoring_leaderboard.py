"""Scoring leaderboard: the leads (best first, how scores spread, who moved, why) and the agents
(points, levels, badges, performance)."""

import streamlit as st

from pages._shared import context
from pages._shared.agent_board import render_agent_board
from pages._shared.feedback import show_flash
from pages._shared.lead_board import render_lead_board

st.title("Scoring leaderboard")
actor = context.current_actor()
show_flash()
leads_tab, agents_tab = st.tabs(["Leads", "Agents"])
with agents_tab:  # first: the leads tab may end early when nothing matches
    render_agent_board(actor)
with leads_tab:
    render_lead_board(actor)
