"""How a bulk plan is shown: load before/after per agent, the plan, and what was not placed."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from core.bulk.assign import BulkPlan
from pages._shared.literal import chart_text


def load_chart(plan: BulkPlan) -> go.Figure:
    after = plan.load_after()
    rows = [(a.name, "before", a.open_leads) for a in plan.agents_before.values()]
    rows += [(a.name, "after", after[a.id]) for a in plan.agents_before.values()]
    rows += [(a.name, "capacity", a.max_capacity) for a in plan.agents_before.values()]
    frame = pd.DataFrame(rows, columns=["Agent", "When", "Open leads"])
    receiving = {plan.agents_before[p.agent_id].name for p in plan.placed}
    frame = frame[frame["Agent"].isin(receiving)].assign(Agent=lambda f: f["Agent"].map(chart_text))
    figure = px.bar(frame, x="Agent", y="Open leads", color="When", barmode="group",
                    color_discrete_map={"before": "#90a4ae", "after": "#1565c0", "capacity": "#e0e0e0"},
                    title="Load per receiving agent: before, after, capacity")
    figure.update_layout(margin={"l": 0, "r": 0, "t": 40, "b": 0}, legend_title_text="")
    return figure


def plan_frame(plan: BulkPlan) -> pd.DataFrame:
    shown = [plan.leads.get(p.lead_id) for p in plan.placed]
    frame = pd.DataFrame({"Lead": [p.lead_id for p in plan.placed],
                          "Name": [s.name if s else None for s in shown],
                          "Score": [s.score if s else None for s in shown],
                          "Agent": [plan.agents_before[p.agent_id].name for p in plan.placed]})
    if plan.why:  # the performance strategy says why each lead went to its agent
        frame["Why this agent"] = [plan.why.get(p.lead_id, "") for p in plan.placed]
    return frame
