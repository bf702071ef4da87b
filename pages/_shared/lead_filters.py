"""The lead filter widgets, shared by every page that lists leads."""

import streamlit as st

from core.domain.capacity import AgentLoad
from core.domain.leads import LeadFilters, LeadSort
from core.domain.vocabulary import SKILLS, SOURCES, LeadStatus, ScoreCategory


def lead_filters(prefix: str, team: list[AgentLoad], *, default_statuses: tuple[str, ...] = (),
                 with_search: bool = True) -> LeadFilters:
    """Widgets keyed `{prefix}_…`, returning the filters they describe (validated in core)."""
    c1, c2, c3, c4 = st.columns(4)
    statuses = c1.multiselect("Status", [s.value for s in LeadStatus], default=list(default_statuses),
                              key=f"{prefix}_status")
    categories = c2.multiselect("Category", [c.value for c in ScoreCategory], key=f"{prefix}_category")
    sources = c3.multiselect("Source", SOURCES, key=f"{prefix}_source")
    skill = c4.selectbox("Required skill", ["any", *SKILLS], key=f"{prefix}_skill")
    c5, c6, c7, c8 = st.columns([2, 1, 2, 1])
    text = (c5.text_input("Search name, company, email, phone or #id", key=f"{prefix}_text",
                          max_chars=100) if with_search else "")
    names = {load.agent_id: load.name for load in team}
    agent_id = c6.selectbox("Agent", [None, *names], key=f"{prefix}_agent",
                            format_func=lambda a: "any" if a is None else names[a])
    low, high = c7.slider("Score", 0, 100, (0, 100), key=f"{prefix}_score")
    sort = c8.selectbox("Sort", list(LeadSort), format_func=lambda s: s.value, key=f"{prefix}_sort")
    return LeadFilters(statuses=tuple(statuses), categories=tuple(categories), sources=tuple(sources),
                       agent_id=agent_id, required_skill=None if skill == "any" else skill,
                       score_min=low, score_max=high, text=text, sort=sort or LeadSort.SCORE_DESC)
