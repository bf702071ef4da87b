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
    sla_breached, due_within = _sla_filters(prefix)
    return LeadFilters(statuses=tuple(statuses), categories=tuple(categories), sources=tuple(sources),
                       agent_id=agent_id, required_skill=None if skill == "any" else skill,
                       score_min=low, score_max=high, text=text, sort=sort or LeadSort.SCORE_DESC,
                       sla_breached=sla_breached, due_within_minutes=due_within)


def _sla_filters(prefix: str) -> tuple[bool, int | None]:
    """First-contact SLA filters (docs/sla-and-hours.md); both set: breached or due soon."""
    c1, c2, _ = st.columns([1, 1, 2])
    breached = c1.checkbox("SLA breached", key=f"{prefix}_sla_breached",
                           help="Open leads past their first-contact SLA with no contact yet.")
    due_within = c2.number_input("SLA due within (minutes)", min_value=1, max_value=10_080, value=None,
                                 step=1, key=f"{prefix}_sla_due", placeholder="any",
                                 help="Uncontacted open leads whose SLA runs out within this many minutes.")
    return breached, None if due_within is None else int(due_within)
