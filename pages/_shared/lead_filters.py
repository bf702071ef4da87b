"""The lead filter widgets, shared by every page that lists leads.

The filters live in the URL too (`?statuses=assigned&sources=website`), so a reload keeps them
and a link shares them: a session's first run sets the widgets from the URL, and every run
writes the widgets back (core.domain.lead_filter_params says how; values it cannot use are
ignored with a note). A saved search sets the same widgets (pages/_shared/saved_searches.py).
"""

from dataclasses import fields, replace
from typing import Any, cast

import streamlit as st

from core.domain.capacity import AgentLoad
from core.domain.identity import Actor
from core.domain.lead_filter_params import from_params, to_params
from core.domain.leads import LeadFilters, LeadSort
from core.domain.vocabulary import SKILLS, SOURCES, LeadStatus, ScoreCategory
from pages._shared import saved_searches
from pages._shared.literal import literal

ANY_SKILL = "any"


def _widget_values(filters: LeadFilters) -> dict[str, Any]:
    """Each widget's value (by key suffix) for these filters: the one place that maps filters
    to widgets, for the URL and for saved searches alike."""
    return {"status": list(filters.statuses), "category": list(filters.categories),
            "source": list(filters.sources), "skill": filters.required_skill or ANY_SKILL,
            "text": filters.text, "agent": filters.agent_id,
            "score": (int(filters.score_min), int(filters.score_max)), "sort": filters.sort,
            "sla_breached": filters.sla_breached, "sla_due": filters.due_within_minutes}


def set_widgets(prefix: str, filters: LeadFilters, agent_names: dict[int, str]) -> list[str]:
    """Give the widgets these filters (before they are drawn, or from a button's callback);
    notes on what could not be shown (an agent no longer in the team)."""
    notes = []
    if filters.agent_id is not None and filters.agent_id not in agent_names:
        notes.append(f"agent #{filters.agent_id} is not in your team")
        filters = replace(filters, agent_id=None)
    for suffix, value in _widget_values(filters).items():
        st.session_state[f"{prefix}_{suffix}"] = value
    return notes


def _reassert_widgets(prefix: str) -> None:
    """Send the browser the widgets' values again. A run cut short by a rerun (the login
    cookie's, right after a login) may have lost the values it sent; the next run would not
    send them again, and the browser would show empty filters over a filtered list."""
    for suffix in _widget_values(LeadFilters()):
        key = f"{prefix}_{suffix}"
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _url_params() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params}


def _to_url(filters: LeadFilters, start: LeadFilters) -> None:
    """The filters that differ from the page's start, in the URL; other parameters left alone."""
    wanted = to_params(filters, start)
    for field in fields(LeadFilters):
        if field.name in wanted:
            if st.query_params.get_all(field.name) != wanted[field.name]:
                st.query_params[field.name] = wanted[field.name]
        elif field.name in st.query_params:
            del st.query_params[field.name]


def lead_filters(prefix: str, team: list[AgentLoad], actor: Actor, *,
                 default_statuses: tuple[str, ...] = (), with_search: bool = True) -> LeadFilters:
    """Widgets keyed `{prefix}_…`, returning the filters they describe (validated in core)."""
    start = LeadFilters(statuses=default_statuses)
    names = {load.agent_id: load.name for load in team}
    if f"{prefix}_status" not in st.session_state:  # a new session (a reload, a link), or back on the page
        from_url, ignored = from_params(_url_params(), start)
        ignored += set_widgets(prefix, from_url, names)
        if ignored:
            st.caption(literal("Ignored from the link: " + "; ".join(ignored) + "."))
    else:
        _reassert_widgets(prefix)
    saved_searches.control(prefix, actor, names, set_widgets)
    c1, c2, c3, c4 = st.columns(4)
    statuses = c1.multiselect("Status", [s.value for s in LeadStatus], key=f"{prefix}_status")
    categories = c2.multiselect("Category", [c.value for c in ScoreCategory], key=f"{prefix}_category")
    sources = c3.multiselect("Source", SOURCES, key=f"{prefix}_source")
    skill = c4.selectbox("Required skill", [ANY_SKILL, *SKILLS], key=f"{prefix}_skill")
    c5, c6, c7, c8 = st.columns([2, 1, 2, 1])
    text = (c5.text_input("Search name, company, email, phone or #id", key=f"{prefix}_text",
                          max_chars=100) if with_search else "")
    agent_id = c6.selectbox("Agent", [None, *names], key=f"{prefix}_agent",
                            format_func=lambda a: "any" if a is None else names[a])
    # A range: its value (a pair) comes from session state, set above.
    low, high = cast(tuple[int, int], c7.slider("Score", 0, 100, key=f"{prefix}_score"))
    sort = c8.selectbox("Sort", list(LeadSort), format_func=lambda s: s.value, key=f"{prefix}_sort")
    sla_breached, due_within = _sla_filters(prefix)
    filters = LeadFilters(statuses=tuple(statuses), categories=tuple(categories), sources=tuple(sources),
                          agent_id=agent_id, required_skill=None if skill == ANY_SKILL else skill,
                          score_min=low, score_max=high, text=text, sort=sort or LeadSort.SCORE_DESC,
                          sla_breached=sla_breached, due_within_minutes=due_within)
    _to_url(filters, start)
    saved_searches.save_box(prefix, actor, filters)
    return filters


def _sla_filters(prefix: str) -> tuple[bool, int | None]:
    """First-contact SLA filters (docs/sla-and-hours.md); both set: breached or due soon."""
    c1, c2, _ = st.columns([1, 1, 2])
    breached = c1.checkbox("SLA breached", key=f"{prefix}_sla_breached",
                           help="Open leads past their first-contact SLA with no contact yet.")
    due_within = c2.number_input("SLA due within (minutes)", min_value=1, max_value=10_080,
                                 step=1, key=f"{prefix}_sla_due", placeholder="any",
                                 help="Uncontacted open leads whose SLA runs out within this many minutes.")
    return breached, None if due_within is None else int(due_within)
