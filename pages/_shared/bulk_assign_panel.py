"""The bulk assign panel: agents and strategy, the preview, and commit."""

import streamlit as st

from core.bulk.assign import AgentScope, BulkPlan, BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.domain.capacity import AgentLoad
from core.domain.identity import Actor
from core.domain.placement import Strategy
from core.domain.vocabulary import SKILLS
from core.exports.safe_csv import to_safe_csv
from pages._shared import context, state
from pages._shared.bulk_views import load_chart, plan_frame
from pages._shared.feedback import attempt, progress_bar, succeed_and_refresh
from pages._shared.literal import literal
from pages._shared.tables import EMPTY, REFUSALS, table

# Words for people; the enum's values are what core, the CLI and the audit rows use.
STRATEGY_NAMES = {Strategy.ROUND_ROBIN: "Round robin", Strategy.LEAST_LOADED: "Least loaded",
                  Strategy.PERFORMANCE: "Performance", Strategy.SKILLS: "Skills",
                  Strategy.MANUAL: "Manual"}
STRATEGY_HELP = {
    Strategy.LEAST_LOADED: "most free capacity first; ties by lower utilization, then id",
    Strategy.ROUND_ROBIN: "agents in turn, continuing where the last round-robin run stopped",
    Strategy.PERFORMANCE: "highest-scored leads to the best-performing agents (performance score 0-100)",
    Strategy.SKILLS: "leads that need a skill first, each to the least loaded agent with it",
    Strategy.MANUAL: "one chosen agent, or the agent_id column of the uploaded file",
}


def render_bulk_assign(actor: Actor, team: list[AgentLoad], request_leads: dict) -> None:
    st.subheader("2. Which agents, which strategy")
    c1, c2, c3 = st.columns(3)
    teams = c1.multiselect("Teams", sorted({a.team for a in team}), key="bk_teams")
    skill = c2.selectbox("Only agents with skill", ["any", *SKILLS], key="bk_skill")
    strategy = c3.selectbox(
        "Strategy", list(Strategy), key="bk_strategy", index=list(Strategy).index(Strategy.LEAST_LOADED),
        format_func=lambda s: f"{STRATEGY_NAMES[s]} — {STRATEGY_HELP[s]}") or Strategy.LEAST_LOADED
    names = {a.agent_id: a.name for a in team}
    manual_agent = (st.selectbox("Agent", list(names), format_func=lambda a: names[a], key="bk_manual_agent")
                    if strategy == Strategy.MANUAL else None)

    if st.button("Preview", type="primary", key="bk_preview", disabled=not request_leads):
        request = BulkRequest(strategy=strategy, manual_agent_id=manual_agent,
                              scope=AgentScope(teams=tuple(teams), skill=None if skill == "any" else skill),
                              **request_leads)
        st.session_state[state.BULK_PLAN] = attempt(
            lambda: plan_bulk_assign(context.reader(), actor, request))

    plan: BulkPlan | None = st.session_state.get(state.BULK_PLAN)
    if plan is not None:
        st.subheader("3. The plan (nothing is written until you commit)")
        if plan.notice:
            st.warning(literal(plan.notice), icon=":material/sync_problem:")
        m1, m2, m3 = st.columns(3)
        m1.metric("Leads placed", len(plan.placed))
        m2.metric("Not placed", len(plan.unplaced))
        m3.metric("Agents receiving", plan.receiving_agents)
        if plan.placed:
            st.plotly_chart(load_chart(plan), width="stretch")
            st.dataframe(plan_frame(plan), hide_index=True, height=240, key="bk_plan_table",
                         placeholder=EMPTY,
                         column_config={"Score": st.column_config.NumberColumn(format="%.2f")})
        if plan.unplaced:
            unplaced = table(plan.unplaced, REFUSALS)
            st.dataframe(unplaced, hide_index=True, height=200, key="bk_unplaced", placeholder=EMPTY)
            st.download_button("Download the leads not placed (CSV)", to_safe_csv(unplaced),
                               "not-placed.csv", "text/csv", key="bk_unplaced_csv")
        if st.button(f"Commit: assign {len(plan.placed)} leads", disabled=not plan.placed, key="bk_commit"):
            with progress_bar("Assigning…") as progress:
                outcome = attempt(lambda: commit_bulk_assign(context.writer, actor, plan, progress=progress))
            if isinstance(outcome, BulkPlan):
                st.session_state[state.BULK_PLAN] = outcome
                st.rerun()
            elif outcome is not None:
                del st.session_state[state.BULK_PLAN]
                refused = f"; {len(outcome.refused)} not placed" if outcome.refused else ""
                succeed_and_refresh(
                    f"Batch {outcome.batch_id[:8]}: {outcome.assigned} leads assigned{refused}.")
