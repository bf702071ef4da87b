"""Scoring weights (admin): tune weights and thresholds, see what would move, save with a reason."""

from decimal import Decimal

import pandas as pd
import plotly.express as px
import streamlit as st

from core.domain.clock import utcnow
from core.domain.permissions import Permission
from core.domain.scoring import Thresholds, Weights
from core.scoring.preview import preview
from core.scoring.weights import (
    SaveReport,
    current_settings,
    restore_version,
    save_weights,
    weight_versions,
)
from pages._shared import context, state
from pages._shared.feedback import attempt, attempt_or_stop, show_flash, succeed_and_refresh
from pages._shared.tables import BIGGEST_MOVES, EMPTY, WEIGHT_VERSIONS, table

st.title("Scoring weights")
actor = context.actor_allowed_to(
    Permission.EDIT_SCORING,
    "Only admins may change scoring weights. The scoring leaderboard shows current scores.")
show_flash()

saved = attempt_or_stop(lambda: current_settings(context.reader(), actor))
leads = attempt_or_stop(lambda: context.cached_scored_leads(actor, saved.version))
st.caption(f"Current version {saved.version}. Move the sliders: the preview below shows what saving "
           f"would do to the {len(leads):,} open and new leads (closed leads keep the score they "
           "closed with). Nothing changes until you save.")

WEIGHT_SLIDERS = (("Source quality", "source_quality", "w_source"),
                  ("Engagement", "engagement", "w_engagement"),
                  ("Conversion probability", "conversion", "w_conversion"),
                  ("Urgency", "urgency", "w_urgency"))
THRESHOLD_SLIDERS = (("Hot from", "hot", "t_hot"), ("Warm from", "warm", "t_warm"),
                     ("Cold from", "cold", "t_cold"))


def start_from_saved() -> None:
    """Set the sliders to the saved version whenever it changes (a save, a restore, another
    admin's save) or they are new. Set through session state before they are drawn, so the
    browser shows the values too: a slider's own default only applies to a new slider."""
    keys = [key for _, _, key in WEIGHT_SLIDERS + THRESHOLD_SLIDERS]
    shown = st.session_state.get(state.WEIGHTS_SHOWN)
    if shown == saved.version and all(key in st.session_state for key in keys):
        return
    if shown not in (None, saved.version):
        st.warning(f"Version {saved.version} was saved by someone else since you opened this page: "
                   "the sliders now start from it, and your unsaved moves are gone.",
                   icon=":material/sync_problem:")
    for _, name, key in WEIGHT_SLIDERS:
        st.session_state[key] = float(getattr(saved.weights, name))
    for _, name, key in THRESHOLD_SLIDERS:
        st.session_state[key] = int(getattr(saved.thresholds, name))
    st.session_state[state.WEIGHTS_SHOWN] = saved.version


def chosen() -> tuple[Weights, Thresholds]:
    """The sliders' values (kept in session state, so the save form outside the fragment sees them)."""
    weights = Weights(*(Decimal(str(st.session_state.get(key, float(getattr(saved.weights, name)))))
                        for _, name, key in WEIGHT_SLIDERS))
    thresholds = Thresholds(*(Decimal(st.session_state.get(key, int(getattr(saved.thresholds, name))))
                              for _, name, key in THRESHOLD_SLIDERS))
    return weights, thresholds


def source_table() -> dict[str, int]:
    """The source table with the editor's pending edits applied."""
    table = dict(saved.source_quality)
    sources = list(table)
    for row, change in st.session_state.get(source_editor, {}).get("edited_rows", {}).items():
        if "Quality" in change:
            table[sources[int(row)]] = change["Quality"]
    return table


def report_saved(report: SaveReport, saved: str) -> None:
    st.session_state[state.WEIGHTS_SHOWN] = None  # the next run starts the sliders from it
    if report.unfinished:  # saved, but the rescore stopped part-way: say which leads wait
        succeed_and_refresh(f"{saved}.", warnings=(report.unfinished,))
    succeed_and_refresh(f"{saved}; rescored {report.leads:,} leads in {report.seconds:.1f} s.")


@st.fragment
def sliders_and_preview() -> None:
    """Only this panel reruns while the sliders move."""
    left, right = st.columns(2)
    left.markdown("**Weights** (normalized: only their proportions matter)")
    for label, _, key in WEIGHT_SLIDERS:
        left.slider(label, 0.0, 1.0, step=0.05, key=key)
    right.markdown("**Category thresholds** (hot > warm > cold)")
    for label, _, key in THRESHOLD_SLIDERS:
        right.slider(label, 0, 100, step=1, key=key)
    st.markdown("**Source quality** (the source component of each lead, 0-100)")
    st.data_editor(pd.DataFrame({"Source": list(saved.source_quality),
                                 "Quality": list(saved.source_quality.values())}),
                   hide_index=True, disabled=["Source"], key=source_editor, placeholder=EMPTY,
                   column_config={"Quality": st.column_config.NumberColumn(min_value=0, max_value=100,
                                                                           step=1, required=True)})
    weights, thresholds = chosen()
    result = attempt(lambda: preview(leads, weights, thresholds, source_quality=source_table()))
    if result is None:
        return
    st.subheader("What would change")
    st.metric("Leads that would become hot", result.newly_hot)
    counts = result.counts.reset_index(names="Category").melt("Category", var_name="When",
                                                              value_name="Leads")
    st.plotly_chart(px.bar(counts, x="Category", y="Leads", color="When", barmode="group",
                           title="Leads per category, before and after"), width="stretch")
    st.markdown("**Moves between categories** (rows: now, columns: after saving)")
    st.dataframe(result.moves, key="wi_moves", placeholder=EMPTY)
    st.markdown("**Leads that move most**")
    st.dataframe(result.biggest_moves.rename(columns=BIGGEST_MOVES), hide_index=True, key="wi_biggest",
                 placeholder=EMPTY)


start_from_saved()
source_editor = state.SOURCE_EDITOR + str(saved.version)  # a new version starts without edits
sliders_and_preview()

with st.form("save_weights"):
    reason = st.text_input("Why this change? (required, kept in the version history and audit log)",
                           key="w_reason", max_chars=500)
    if st.form_submit_button("Save and rescore every lead", type="primary"):
        weights, thresholds = chosen()
        bar = st.progress(0.0, text="Rescoring…")
        report = attempt(lambda: save_weights(
            context.writer, actor, weights=weights, thresholds=thresholds, reason=reason, now=utcnow(),
            source_quality=source_table(),
            progress=lambda done: bar.progress(done, text=f"Rescoring… {done:.0%}")))
        if report is not None:
            report_saved(report, f"Saved version {report.version}")

st.subheader("Versions")
versions = attempt(lambda: weight_versions(context.reader(), actor))
if versions is not None:
    st.dataframe(table(versions, WEIGHT_VERSIONS), hide_index=True, key="w_versions", placeholder=EMPTY)
    with st.form("restore_version"):
        version = st.selectbox("Restore version", [v.version for v in versions], key="w_restore")
        why = st.text_input("Why restore it? (required)", key="w_restore_reason", max_chars=400)
        if st.form_submit_button("Restore and rescore"):
            report = attempt(lambda: restore_version(context.writer, actor, version=int(version),
                                                     reason=why, now=utcnow()))
            if report is not None:
                report_saved(report, f"Restored version {version} as version {report.version}")
