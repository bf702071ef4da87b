"""The action forms beside a lead's detail. Each calls one use case; core decides the rules."""

from collections.abc import Callable

import streamlit as st

from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.domain.leads import LeadDetail
from core.domain.permissions import Permission, allows
from core.domain.rules import allowed_next_statuses
from core.domain.vocabulary import OPEN_STATUSES, ActivityKind, LeadStatus
from core.leads import assignment, lifecycle
from core.leads.ranking import AgentOption
from core.scoring.rescoring import rescore_lead
from core.sla.breaches import allow_sla_reroute_again
from pages._shared import context
from pages._shared.feedback import attempt, succeed_and_refresh
from pages._shared.literal import literal
from pages._shared.versions import forget_seen


def _agent_picker(options: list[AgentOption], key: str) -> AgentOption | None:
    # Every agent is offered, ineligible ones labelled: core explains a refusal if picked.
    return st.selectbox(
        "Agent", options, key=key, index=0 if options else None,
        format_func=lambda o: f"{o.name} — {o.why}" if o.eligible else f"{o.name} — ✗ {o.why}",
    )


def _run(lead_id: int, action: Callable[[], str]) -> None:
    message = attempt(action)
    if message is not None:
        forget_seen("lead", lead_id)
        succeed_and_refresh(message)


def _rescored(actor: Actor, lead_id: int) -> str:
    score = rescore_lead(context.writer(), actor, lead_id, utcnow())
    return f"Lead #{lead_id} rescored: {score.overall} ({score.category})."


def _status_form(actor: Actor, lead: LeadDetail, expected_version: int) -> None:
    """Forward past any steps, or lost (with a reason); a new lead only to lost."""
    with st.form("status_form"):
        st.markdown("**Change status**")
        target = st.selectbox("New status", [s.value for s in allowed_next_statuses(lead.status)],
                              key="status_target")
        reason = st.text_input("Reason (required for lost)", key="status_reason", max_chars=2000)
        if st.form_submit_button("Change status"):
            _run(lead.id, lambda: lifecycle.change_status(
                context.writer(), actor, lead_id=lead.id, new_status=target, reason=reason,
                expected_version=expected_version))


def _unassign(actor: Actor, lead: LeadDetail, expected_version: int) -> None:
    """A confirmation that names the change, and a reason, as for reassigning."""
    with st.popover("Unassign (back to new)…"), st.form("unassign_form"):
        st.caption(literal(f"Lead #{lead.id} ({lead.name}) goes back to new, and {lead.agent_name} "
                           "no longer has it. Say why: the reason goes to the lead's audit trail."))
        reason = st.text_input("Reason (required)", key="unassign_reason", max_chars=2000)
        if st.form_submit_button("Unassign", type="primary"):
            _run(lead.id, lambda: assignment.unassign_lead(
                context.writer(), actor, lead_id=lead.id, reason=reason,
                expected_version=expected_version))


def _allow_sla_reroute(actor: Actor, lead: LeadDetail, expected_version: int) -> None:
    """A lead moves for its first-contact SLA once; a supervisor may allow once more."""
    with st.popover("Allow another SLA re-route…"), st.form("sla_reroute_form"):
        st.caption(f"Re-routed for its first-contact SLA on {lead.sla_rerouted_at:%Y-%m-%d %H:%M} UTC. "
                   "Allowing it lets routing move it once more if it breaches again.")
        reason = st.text_input("Reason (required)", key="sla_reroute_reason", max_chars=2000)
        if st.form_submit_button("Allow"):
            _run(lead.id, lambda: allow_sla_reroute_again(
                context.writer(), actor, lead_id=lead.id, reason=reason, now=utcnow(),
                expected_version=expected_version))


def changed_meanwhile(lead: LeadDetail) -> str:
    """Said when the lead changed between the view the person acted on and this run: a click on
    a form the lead no longer offers (Assign, once someone else assigned it) runs no code."""
    holder = (f" to {lead.agent_name}" if lead.status == LeadStatus.ASSIGNED
              else f", with {lead.agent_name}" if lead.agent_name else "")
    return (f"Lead #{lead.id} was changed by someone else since this page showed it: it is now "
            f"{lead.status.value}{holder}. Below is the lead as it is now; an action clicked on "
            "the earlier view was not applied.")


def render_actions(actor: Actor, lead: LeadDetail, options: list[AgentOption], *,
                   expected_version: int) -> None:
    if lead.status == LeadStatus.NEW:
        with st.form("assign_form"):
            st.markdown("**Assign**")
            receiver = _agent_picker(options, "assign_agent")
            note = st.text_input("Note (optional)", key="assign_note", max_chars=2000)
            if st.form_submit_button("Assign", type="primary") and receiver:
                _run(lead.id, lambda: assignment.assign_lead(
                    context.writer(), actor, lead_id=lead.id, agent_id=receiver.agent_id, note=note,
                    expected_version=expected_version))
        _status_form(actor, lead, expected_version)  # a junk lead closes as lost unassigned
    if lead.status in OPEN_STATUSES:
        with st.form("reassign_form"):
            st.markdown("**Reassign**")
            new_agent = _agent_picker(options, "reassign_agent")
            reason = st.text_input("Reason (required)", key="reassign_reason", max_chars=2000)
            if st.form_submit_button("Reassign") and new_agent:
                _run(lead.id, lambda: assignment.reassign_lead(
                    context.writer(), actor, lead_id=lead.id, agent_id=new_agent.agent_id,
                    reason=reason, expected_version=expected_version))
        _status_form(actor, lead, expected_version)
        _unassign(actor, lead, expected_version)
        if lead.sla_rerouted_at is not None:
            _allow_sla_reroute(actor, lead, expected_version)
    if not lead.closed and allows(actor.role, Permission.RESCORE_LEADS) and st.button(
            "Recalculate score", key="rescore_lead"):  # closed leads keep their score
        _run(lead.id, lambda: _rescored(actor, lead.id))
    with st.form("activity_form", clear_on_submit=True):
        st.markdown("**Log an activity**")
        kind = st.selectbox("Kind", [k.value for k in ActivityKind], key="activity_kind")
        note = st.text_area("Note", key="activity_note", max_chars=2000, height=80)
        if st.form_submit_button("Log activity"):
            _run(lead.id, lambda: lifecycle.log_activity(context.writer(), actor, lead_id=lead.id,
                                                 kind=kind, note=note))
