"""Tables and charts of agent load, shared by the capacity page (and later the bulk page)."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from core.domain.capacity import HIGH_UTILIZATION, AgentLoad
from core.domain.performance import Performance
from core.sla.capacity import CapacitySla
from pages._shared.literal import chart_text
from pages._shared.tables import EMPTY

BAND_COLORS = {"< 80%": "#2e7d32", "≥ 80%": "#f9a825", "over capacity": "#c62828"}


def loads_frame(loads: list[AgentLoad], performance: dict[int, Performance],
                sla: CapacitySla | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({
        "agent_id": [a.agent_id for a in loads],
        "version": [a.version for a in loads],
        "Agent": [a.name for a in loads],
        "Team": [a.team for a in loads],
        "Availability": [a.availability.value for a in loads],
        "Skills": [", ".join(sorted(a.skills)) for a in loads],
        "Open": [a.open_leads for a in loads],
        "Max": [a.max_capacity for a in loads],
        "Utilization": [round(a.utilization * 100, 1) for a in loads],
        "Open hot": [a.open_hot_leads for a in loads],
        "Over capacity": [a.over_capacity for a in loads],
        "Performance": [performance[a.agent_id].score if a.agent_id in performance else None
                        for a in loads],
    })
    if sla is not None:  # first-contact SLAs and working hours (docs/sla-and-hours.md)
        frame["SLA breaches"] = [sla.breaches.get(a.agent_id, 0) for a in loads]
        frame["On shift now"] = [a.agent_id in sla.on_shift for a in loads]
    return frame


def _utilization_style(utilization_pct: object) -> str:
    if isinstance(utilization_pct, int | float) and utilization_pct > 100:
        return f"color: {BAND_COLORS['over capacity']}; background-color: #ffebee; font-weight: bold"
    return ""


def styled_loads(frame: pd.DataFrame) -> Styler:
    """The table with utilization over 100% in the chart's red: a progress bar is full at 100%,
    so an agent over capacity looked like a full one. (A Styler only colours cells that are not
    edited: utilization never is.)"""
    # The Styler's own text for an empty cell would be "nan": keep the tables' dash.
    return frame.style.format(na_rep=EMPTY).map(_utilization_style, subset=["Utilization"])


def _band(utilization_pct: float) -> str:
    if utilization_pct > 100:
        return "over capacity"
    return "≥ 80%" if utilization_pct >= HIGH_UTILIZATION * 100 else "< 80%"


def utilization_chart(frame: pd.DataFrame) -> go.Figure:
    data = frame.assign(Band=frame["Utilization"].map(_band),
                        Agent=frame["Agent"].map(chart_text)).sort_values("Utilization")
    figure = px.bar(
        data, x="Utilization", y="Agent", color="Band", orientation="h",
        color_discrete_map=BAND_COLORS, labels={"Utilization": "Utilization (%)"},
        height=max(300, 18 * len(data)), hover_data=["Open", "Max", "Availability"],
    )
    figure.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0}, legend_title_text="")
    return figure
