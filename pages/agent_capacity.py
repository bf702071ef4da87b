"""Agent capacity: who has room, who is overloaded, and how fair the spread is."""

import pandas as pd
import plotly.express as px
import streamlit as st

from core.agents import agent_capacity
from core.capacity import HIGH_UTILIZATION, fairness_sentence
from pages._shared import context
from pages._shared.feedback import attempt

st.title("Agent capacity")

actor = context.current_actor()
result = attempt(lambda: agent_capacity(context.reader(), actor))
if result is None:
    st.stop()
loads, totals = result

if not loads:
    st.info("No agents yet. Agents appear here once they are added to your tenant.")
    st.stop()

cols = st.columns(4)
cols[0].metric("Agents available", f"{totals.agents_available} of {totals.agents}")
cols[1].metric("Free slots (available agents)", totals.free_slots)
cols[2].metric("Team utilization", f"{totals.utilization:.0%}",
               help="Open leads over total capacity, all agents.")
cols[3].metric("Fairness (Gini)", f"{totals.fairness_gini:.2f}")
st.caption(fairness_sentence(totals.fairness_gini))

table = pd.DataFrame(
    {
        "Agent": [a.name for a in loads],
        "Team": [a.team for a in loads],
        "Availability": [a.availability.value for a in loads],
        "Skills": [", ".join(sorted(a.skills)) for a in loads],
        "Open": [a.open_leads for a in loads],
        "Max": [a.max_capacity for a in loads],
        "Utilization": [a.utilization * 100 for a in loads],
        "Over capacity": [a.over_capacity for a in loads],
    }
)


def band(utilization_pct: float) -> str:
    if utilization_pct > 100:
        return "over capacity"
    if utilization_pct >= HIGH_UTILIZATION * 100:
        return f"≥ {HIGH_UTILIZATION:.0%}"
    return f"< {HIGH_UTILIZATION:.0%}"


chart_data = table.assign(Band=table["Utilization"].map(band)).sort_values("Utilization")
figure = px.bar(
    chart_data, x="Utilization", y="Agent", color="Band", orientation="h",
    color_discrete_map={"< 80%": "#2e7d32", "≥ 80%": "#f9a825", "over capacity": "#c62828"},
    labels={"Utilization": "Utilization (%)"}, height=max(300, 18 * len(chart_data)),
)
figure.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0}, legend_title_text="")

st.subheader("Utilization per agent")
st.plotly_chart(figure, width="stretch")

st.subheader("Agents")
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "Utilization": st.column_config.ProgressColumn(
            "Utilization", format="%.0f%%", min_value=0, max_value=100
        ),
        "Over capacity": st.column_config.CheckboxColumn(
            "Over capacity", help="Capacity was lowered below the current load; no new leads until below it."
        ),
    },
)
