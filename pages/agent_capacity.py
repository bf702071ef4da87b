"""Agent capacity: who has room, who is overloaded, how fair the spread is; edit capacity."""

from typing import Any

import streamlit as st

from core.agents.capacity import CapacityChange, agent_capacity, set_agent_capacity
from core.domain.capacity import fairness_sentence, filter_loads
from core.domain.clock import utcnow
from core.domain.permissions import Permission, allows
from core.domain.vocabulary import MAX_CAPACITY_LIMIT, SKILLS, Availability
from core.exports.export import export_agents
from core.sla.capacity import capacity_sla
from pages._shared import context, state
from pages._shared.capacity_views import loads_frame, styled_loads, utilization_chart
from pages._shared.export_control import export_control
from pages._shared.feedback import attempt, attempt_or_stop, show_flash, succeed_and_refresh
from pages._shared.routing_panel import render_routing_panel
from pages._shared.tables import EMPTY
from pages._shared.versions import versions_seen_before

st.title("Agent capacity")
actor = context.current_actor()
show_flash()
loads, totals = attempt_or_stop(lambda: agent_capacity(context.reader(), actor))
if not loads:
    st.info("No agents yet. Agents appear here once they are added to your tenant.")
    st.stop()

cols = st.columns(4)
cols[0].metric("Agents available", f"{totals.agents_available} of {totals.agents}")
cols[1].metric("Free slots (available agents)", totals.free_slots)
cols[2].metric("Team utilization", f"{totals.utilization:.0%}", help="Open leads over total capacity.")
cols[3].metric("Fairness (Gini)", f"{totals.fairness_gini:.2f}",
               help="How evenly work is spread over the available agents: 0 equal, 1 one agent "
                    "has it all (read the sentence below).")
st.caption(fairness_sentence(totals.fairness_gini))
render_routing_panel(actor)

can_edit = allows(actor.role, Permission.EDIT_AGENT_CAPACITY)
# After a save or a discard the editor gets a new key, so it starts without the old edits. With
# the same key, the browser's editor would clear them itself once it sees the new values, with
# one more run that swallows the save's message.
resets = st.session_state.get(state.CAPACITY_RESETS, 0)
editor_key = f"cap_editor_{resets}" if resets else "cap_editor"
# A filter change rebuilds the table, and its unsaved edits would be lost: the filters wait.
unsaved = len((st.session_state.get(editor_key) or {}).get("edited_rows", {})) if can_edit else 0
if unsaved:
    them = "them" if unsaved > 1 else "it"
    st.info(f"{unsaved} unsaved change{'s' if unsaved > 1 else ''} in the table: save or discard "
            f"{them} to change the filters.", icon=":material/edit_note:")
f1, f2, f3, f4 = st.columns([2, 1, 1, 2])
availability = f1.multiselect("Availability", [a.value for a in Availability], key="cap_availability",
                              disabled=bool(unsaved))
skill = f2.selectbox("Skill", ["any", *SKILLS], key="cap_skill", disabled=bool(unsaved))
high_only = f3.checkbox("Over 80% used", key="cap_high", disabled=bool(unsaved))
name = f4.text_input("Search name", key="cap_name", max_chars=60, disabled=bool(unsaved))
shown = filter_loads(loads, availability=set(availability), skill=None if skill == "any" else skill,
                     high_only=high_only, name=name)
if not shown:
    st.info("No agent matches these filters.")
    st.stop()
sla = attempt(lambda: capacity_sla(context.reader(), actor, utcnow()))
frame = loads_frame(shown, context.cached_performance(actor), sla)
if sla is not None:
    st.caption(f"First-contact SLAs: {sum(sla.breaches.values())} open breach(es), {sla.breaches_today} "
               f"today; on shift now: {len(sla.on_shift)} of {len(loads)} agents "
               f"(team hours in {sla.time_zone}).")

st.subheader("Utilization per agent")
st.plotly_chart(utilization_chart(frame), width="stretch")

st.subheader(f"Agents ({len(shown)} of {len(loads)})")
export_control("cap_export", f"these {len(shown)} agents", lambda fmt, max_rows: export_agents(
    context.writer(), actor, fmt, availability=set(availability), skill=None if skill == "any" else skill,
    high_only=high_only, name=name, max_rows=max_rows))
columns = {
    "agent_id": None, "version": None,
    "Utilization": st.column_config.NumberColumn(
        "Utilization", format="%.0f%%", help="Open leads over max capacity; over 100% in red."),
    "Over capacity": st.column_config.CheckboxColumn(
        "Over capacity", help="Capacity was lowered below the load: no new leads until below it."),
    "Max": st.column_config.NumberColumn("Max", min_value=0, max_value=MAX_CAPACITY_LIMIT, step=1,
                                         required=True),
    "Availability": st.column_config.SelectboxColumn(
        "Availability", options=[a.value for a in Availability], required=True),
    "SLA breaches": st.column_config.NumberColumn(
        "SLA breaches", help="Open leads past their first-contact SLA with no contact yet."),
    "On shift now": st.column_config.CheckboxColumn(
        "On shift now", help="The agent's team works now (its weekly hours, on the SLAs & hours page)."),
    "Performance": st.column_config.ProgressColumn(
        "Performance", min_value=0, max_value=100, format="%.0f",
        help="0-100: half smoothed conversion rate, a quarter first contacts within an hour, "
             "a quarter points of the last 30 days (at most a minute old)."),
}
if not can_edit:
    st.dataframe(styled_loads(frame), hide_index=True, column_config=columns, placeholder=EMPTY)
    st.stop()

st.caption("Edit **Max** and **Availability** in place, then save. Each change is checked and audited.")
edited = st.data_editor(
    styled_loads(frame), hide_index=True, column_config=columns, key=editor_key, placeholder=EMPTY,
    disabled=[c for c in frame.columns if c not in ("Max", "Availability")],
)
changed = edited[(edited["Max"] != frame["Max"]) | (edited["Availability"] != frame["Availability"])]
seen = versions_seen_before("agent", dict(zip(frame["agent_id"], frame["version"], strict=True)))


def save_row(row: Any) -> CapacityChange | None:
    return attempt(lambda: set_agent_capacity(
        context.writer(), actor, agent_id=int(row.agent_id), max_capacity=row.Max,
        availability=row.Availability, expected_version=int(seen[row.agent_id])))


save_col, discard_col = st.columns([1, 4])
if discard_col.button("Discard changes", disabled=not unsaved, key="cap_discard"):
    st.session_state[state.CAPACITY_RESETS] = resets + 1
    st.rerun()
if save_col.button(f"Save {len(changed)} change(s)", disabled=changed.empty, type="primary", key="cap_save"):
    done: list[str] = []
    flagged: list[str] = []
    for row in changed.itertuples():
        change = save_row(row)
        if change is not None:
            (flagged if change.over_capacity else done).append(change.message)
    if done or flagged:
        st.session_state[state.CAPACITY_RESETS] = resets + 1
        succeed_and_refresh(*done, warnings=tuple(flagged))
