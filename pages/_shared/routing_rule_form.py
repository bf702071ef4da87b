"""The fields of a routing rule, for adding one and for editing one (pages/routing_rules.py)."""

import streamlit as st

from core.domain.placement import Strategy
from core.domain.routing import ROUTING_STRATEGIES, RuleSpec
from core.domain.vocabulary import SKILLS, SOURCES, ScoreCategory
from pages._shared.bulk_assign_panel import STRATEGY_HELP, STRATEGY_NAMES

ANY = "any"


def rule_fields(prefix: str, spec: RuleSpec, teams: list[str]) -> RuleSpec:
    """The rule as the admin set it in these widgets (keys begin with `prefix`)."""
    name = st.text_input("Name", spec.name, max_chars=80, key=f"{prefix}name")
    st.markdown("**Which leads** (new leads; empty: any)")
    c1, c2, c3 = st.columns(3)
    sources = c1.multiselect("Sources", SOURCES, list(spec.sources), key=f"{prefix}sources")
    categories = c2.multiselect("Score categories", [c.value for c in ScoreCategory], list(spec.categories),
                                key=f"{prefix}categories")
    skills = [ANY, *SKILLS]
    required = c3.selectbox("Requiring skill", skills, skills.index(spec.required_skill or ANY),
                            key=f"{prefix}required")
    low, high = st.slider("Score range", 0.0, 100.0, (spec.score_min, spec.score_max), step=1.0,
                          key=f"{prefix}range")
    st.markdown("**Which agents** (available ones only; empty: any)")
    c4, c5, c6 = st.columns(3)
    chosen_teams = c4.multiselect("Teams", sorted({*teams, *spec.teams}), list(spec.teams),
                                  key=f"{prefix}teams")
    agent_skill = c5.selectbox("With skill", skills, skills.index(spec.agent_skill or ANY),
                               key=f"{prefix}skill")
    strategies = list(ROUTING_STRATEGIES)
    strategy = c6.selectbox("Strategy", strategies, strategies.index(spec.strategy), key=f"{prefix}strategy",
                            format_func=lambda s: f"{STRATEGY_NAMES[s]} — {STRATEGY_HELP[s]}")
    c7, c8, c9 = st.columns(3)
    on_arrival = c7.checkbox("Route on arrival", spec.on_arrival, key=f"{prefix}arrival",
                             help="Imported leads this rule matches are placed at once, in the same request.")
    active = c8.checkbox("Active", spec.active, key=f"{prefix}active")
    reroute = c9.checkbox("Re-route breached leads", spec.reroute_breached, key=f"{prefix}reroute",
                          help="Leads left uncontacted past their first-contact SLA go to another agent "
                               "of this rule (once).")
    return RuleSpec(name=name, sources=tuple(sources), categories=tuple(categories), score_min=low,
                    score_max=high, required_skill=None if required == ANY else required,
                    teams=tuple(chosen_teams), agent_skill=None if agent_skill == ANY else agent_skill,
                    strategy=strategy or Strategy.LEAST_LOADED, on_arrival=on_arrival, active=active,
                    reroute_breached=reroute)
