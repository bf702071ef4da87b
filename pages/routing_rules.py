"""Routing rules (admin): the ordered list, what each would do now, and adding, editing,
moving, deactivating and deleting rules. `cli.py route` applies them (docs/routing.md)."""

from collections.abc import Callable

import streamlit as st

from core.agents.capacity import agent_capacity
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.routing import RoutingRule, RuleSpec
from core.routing import rules as routing
from core.routing.preview import RulePreview, preview_routing
from pages._shared import context, state
from pages._shared.bulk_assign_panel import STRATEGY_NAMES
from pages._shared.bulk_views import load_chart, plan_frame
from pages._shared.feedback import attempt, attempt_or_stop, show_flash, succeed_and_refresh
from pages._shared.literal import literal
from pages._shared.routing_rule_form import rule_fields
from pages._shared.tables import EMPTY, REFUSALS, table

SHOWN_REFUSALS = 200


def changed(action: Callable[[], object], message: str) -> None:
    """Run a change; on success forget the versions seen (the next run shows the new list)."""
    def run() -> bool:
        action()
        return True
    if attempt(run):
        st.session_state[state.RULES_SEEN] = {}
        succeed_and_refresh(message)


def seen_version(rule: RoutingRule) -> int:
    """The version this page showed the admin first: a change saved on top of someone else's is refused."""
    return int(st.session_state[state.RULES_SEEN].setdefault(rule.id, rule.version))


def rule_actions(actor: Actor, rule: RoutingRule, place: int, last: int) -> None:
    version = seen_version(rule)
    up, down, toggle, remove = st.columns(4)
    if up.button("Move up", key=f"rr_up_{rule.id}", disabled=place == 1):
        changed(lambda: routing.move_rule(context.writer(), actor, rule.id, version=version, up=True),
                f"Rule '{rule.name}' moved up.")
    if down.button("Move down", key=f"rr_down_{rule.id}", disabled=place == last):
        changed(lambda: routing.move_rule(context.writer(), actor, rule.id, version=version, up=False),
                f"Rule '{rule.name}' moved down.")
    active = rule.spec.active
    if toggle.button("Deactivate" if active else "Activate", key=f"rr_active_{rule.id}"):
        changed(lambda: routing.set_rule_active(context.writer(), actor, rule.id, version=version,
                                                active=not active),
                f"Rule '{rule.name}' is {'inactive: it routes nothing' if active else 'active again'}.")
    with remove.popover("Delete…"):
        if st.button(f"Delete rule '{rule.name}'", type="primary", key=f"rr_delete_{rule.id}"):
            changed(lambda: routing.delete_rule(context.writer(), actor, rule.id, version=version),
                    f"Rule '{rule.name}' deleted.")


def edit_form(actor: Actor, rule: RoutingRule, teams: list[str]) -> None:
    with st.form(f"rr_edit_{rule.id}"):
        edited = rule_fields(f"rr_{rule.id}_", rule.spec, teams)
        if st.form_submit_button("Save changes"):
            version = seen_version(rule)
            changed(lambda: routing.edit_rule(context.writer(), actor, rule.id, version=version, spec=edited),
                    f"Rule '{edited.name.strip()}' saved.")


def rule_preview(preview: RulePreview | None) -> None:
    if preview is None:
        st.caption("Inactive: this rule routes nothing until it is activated.")
        return
    plan, passed = preview.plan, preview.passed_on
    st.caption(f"Now it would place {len(plan.placed)} new lead(s) with {plan.receiving_agents} agent(s).")
    if plan.placed:
        st.plotly_chart(load_chart(plan), width="stretch", key=f"rr_chart_{preview.rule.id}")
        st.dataframe(plan_frame(plan), hide_index=True, height=200, key=f"rr_plan_{preview.rule.id}",
                     placeholder=EMPTY)
    if passed:
        st.warning(f"{len(passed)} lead(s) match this rule but it cannot place them now: they pass on "
                   "to the next rule. Why:", icon=":material/subdirectory_arrow_right:")
        st.dataframe(table(passed[:SHOWN_REFUSALS], REFUSALS), hide_index=True, height=160,
                     key=f"rr_passed_{preview.rule.id}", placeholder=EMPTY)


st.title("Routing rules")
actor = context.actor_allowed_to(
    Permission.MANAGE_ROUTING, "Only admins change routing rules. Ask an admin to change one.")
show_flash()
st.caption("A new lead goes to the first active rule that matches it and can place it; a rule that "
           "matches but cannot place it (no eligible agent with room) passes it on to the next. "
           "`python cli.py route` applies the rules every minute; rules marked on arrival also place "
           "imported leads at once.")
rules = attempt_or_stop(lambda: routing.routing_rules(context.reader(), actor))
loads = attempt(lambda: agent_capacity(context.reader(), actor))
teams = sorted({a.team for a in loads[0]}) if loads else []
preview = attempt(lambda: preview_routing(context.reader(), actor)) if rules else None
previews = {p.rule.id: p for p in preview.rules} if preview else {}

for place, rule in enumerate(rules, start=1):
    spec, shown = rule.spec, previews.get(rule.id)
    flags = " · ".join(filter(None, ["active" if spec.active else "inactive",
                                     "on arrival" if spec.on_arrival else "",
                                     "re-routes breached leads" if spec.reroute_breached else ""]))
    with st.expander(f"{place}. {literal(rule.name)} — {STRATEGY_NAMES[spec.strategy]} · {flags}",
                     expanded=place == 1):
        st.markdown(literal(f"Leads: {spec.describe_leads()}. Agents: {spec.describe_agents()}."))
        rule_preview(shown)
        rule_actions(actor, rule, place, len(rules))
        edit_form(actor, rule, teams)
if not rules:
    st.info("No routing rules yet: new leads wait for a supervisor. Add the first rule below.")
if st.button("Reload the rules", key="rr_reload", help="Show the rules as they are now, with others' edits"):
    st.session_state[state.RULES_SEEN] = {}
    st.rerun()
if preview and preview.unplaced:
    st.subheader(f"{len(preview.unplaced):,} new lead(s) no rule would place now")
    st.dataframe(table(preview.unplaced[:SHOWN_REFUSALS], REFUSALS), hide_index=True, height=200,
                 key="rr_unplaced", placeholder=EMPTY)

st.subheader("Add a rule")
with st.form("rr_add"):
    new = rule_fields("rr_new_", RuleSpec(""), teams)
    if st.form_submit_button("Add rule"):
        changed(lambda: routing.add_rule(context.writer(), actor, new),
                f"Rule '{new.name.strip()}' added last: move it up to try it earlier.")
