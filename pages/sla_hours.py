"""SLAs & hours (admin): the tenant's time zone, first-contact SLA per category, the
availability grace, and each team's weekly working hours."""

import pandas as pd
import streamlit as st

from core.domain.clock import utcnow
from core.domain.permissions import Permission
from core.domain.sla import SlaSettings
from core.domain.vocabulary import ScoreCategory
from core.domain.working_hours import WEEKDAYS, clock_text, on_shift, parse_rows
from core.sla.settings import save_sla_settings, save_team_hours, sla_page
from pages._shared import context, state
from pages._shared.feedback import attempt, attempt_or_stop, show_flash, succeed_and_refresh
from pages._shared.tables import EMPTY

st.title("SLAs & hours")
actor = context.actor_allowed_to(
    Permission.MANAGE_ROUTING, "Only admins may change SLAs and working hours. The capacity page shows "
                             "SLA breaches and who is on shift.")
show_flash()
page = attempt_or_stop(lambda: sla_page(context.reader(), actor))
saved = page.settings
TARGET_KEYS = {category: f"sla_{category.value}" for category in ScoreCategory}


def start_from_saved() -> None:
    """The form starts from the saved version once; a later save by someone else is not copied
    over the person's edits: saving then is refused as stale, and Reload starts again."""
    if st.session_state.get(state.SLA_SHOWN) is None:
        st.session_state["sla_tz"] = saved.time_zone
        st.session_state["sla_grace"] = saved.grace_minutes
        for category, key in TARGET_KEYS.items():
            st.session_state[key] = saved.targets.get(category)
        st.session_state[state.SLA_SHOWN] = saved.version
    elif st.session_state[state.SLA_SHOWN] != saved.version:
        st.warning(f"Version {saved.version} of these settings was saved by someone else since you "
                   "opened this page: saving your form would overwrite it and is refused. Reload to "
                   "start from it.", icon=":material/sync_problem:")
        if st.button("Reload the saved settings", key="sla_reload"):
            st.session_state[state.SLA_SHOWN] = None
            st.rerun()


start_from_saved()
st.caption(f"Settings version {saved.version}" + (" (defaults, never saved)" if saved.version == 0 else "")
           + ". An assigned lead with no contact within its category's SLA is breached; the lead "
             "list filters by it and the capacity page counts it per agent.")

with st.form("sla_settings"):
    st.text_input("Time zone (IANA name, e.g. Europe/Berlin): working hours are read in it",
                  key="sla_tz", max_chars=64)
    columns = st.columns(len(TARGET_KEYS))
    for column, (category, key) in zip(columns, TARGET_KEYS.items(), strict=True):
        column.number_input(f"{category.value.title()} SLA (minutes; empty: none)", min_value=1,
                            max_value=43_200, step=1, key=key)
    st.number_input("Availability grace (minutes): how long an agent may be away or offline before "
                    "their untouched leads go back to routing", min_value=0, max_value=10_080, step=1,
                    key="sla_grace")
    if st.form_submit_button("Save settings", type="primary"):
        chosen = SlaSettings(
            time_zone=st.session_state["sla_tz"] or "",
            targets={c: None if st.session_state[k] is None else int(st.session_state[k])
                     for c, k in TARGET_KEYS.items()},
            grace_minutes=int(st.session_state["sla_grace"] or 0))
        message = attempt(lambda: save_sla_settings(
            context.writer(), actor, settings=chosen, expected_version=st.session_state[state.SLA_SHOWN],
            now=utcnow()))
        if message is not None:
            st.session_state[state.SLA_SHOWN] = None
            succeed_and_refresh(message)

st.subheader("Working hours")
now = utcnow()
st.dataframe(pd.DataFrame({
    "Team": page.teams,
    "Hours": [", ".join(i.label() for i in page.hours[t]) if t in page.hours else "any time (no hours set)"
              for t in page.teams],
    "On shift now": [on_shift(page.hours.get(t), saved.time_zone, now) for t in page.teams],
}), hide_index=True, key="sla_team_table", placeholder=EMPTY)
if not page.teams:
    st.info("No teams yet: hours are set per team once agents have one.")
    st.stop()
st.caption(f"Times are wall-clock times in {saved.time_zone}. An end at or before the start runs past "
           "midnight (Sat 22:00-06:00 ends Sunday 06:00). A team without hours is on shift at all times.")
team = st.selectbox("Team", page.teams, key="sla_team")
rows = page.hours.get(team, ())
editor_key = f"sla_hours_{page.teams.index(team)}_{saved.version}"  # a save starts it afresh
edited = st.data_editor(
    pd.DataFrame({"Day": [WEEKDAYS[i.weekday] for i in rows], "Start": [clock_text(i.start) for i in rows],
                  "End": [clock_text(i.end) for i in rows]}, dtype="object"),
    num_rows="dynamic", hide_index=True, key=editor_key, placeholder=EMPTY,
    column_config={"Day": st.column_config.SelectboxColumn("Day", options=list(WEEKDAYS), required=True),
                   "Start": st.column_config.TextColumn("Start (HH:MM)", max_chars=5),
                   "End": st.column_config.TextColumn("End (HH:MM)", max_chars=5)})
if st.button(f"Save hours of {team}", key="sla_save_hours"):
    message = attempt(lambda: save_team_hours(
        context.writer(), actor, team=team, expected_version=st.session_state[state.SLA_SHOWN],
        hours=parse_rows((r.Day, r.Start, r.End) for r in edited.itertuples()), now=utcnow()))
    if message is not None:
        st.session_state[state.SLA_SHOWN] = None
        succeed_and_refresh(message)
