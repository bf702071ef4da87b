"""Use cases that move a lead between agents (docs/design.md §3): assign, reassign, unassign.

Each one checks role and tenant, enforces the capacity rule inside the transaction (the agent
row is locked before its load is read), writes assignment history and one audit row, and
commits all of it together or nothing.
"""

from dataclasses import replace
from datetime import datetime

from core.domain.clock import utcnow
from core.domain.errors import InvalidInput, RuleViolation
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.rules import (
    AgentState,
    LeadState,
    why_lead_cannot_be_assigned,
    why_lead_cannot_be_reassigned,
)
from core.domain.vocabulary import OPEN_STATUSES, LeadStatus
from core.gamification import earning
from core.leads.steps import clean_text, give_to, holder_of, lead_audit, locked_agent, locked_lead
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


@retry_on_conflict
def assign_lead(uow: UnitOfWork, actor: Actor, *, lead_id: int, agent_id: int,
                note: str | None = None, expected_version: int | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    note = clean_text(note, what="note")
    with uow:
        lead = locked_lead(uow, actor, lead_id, expected_version)
        refusal = why_lead_cannot_be_assigned(lead)
        if refusal:
            raise RuleViolation(refusal)
        agent = locked_agent(uow, actor, agent_id)
        give_to(uow, agent, lead)
        now = utcnow()
        uow.leads.set_agent(lead.id, agent_id=agent.id, status=LeadStatus.ASSIGNED, now=now)
        uow.assignments.start(tenant_id=actor.tenant_id, lead_id=lead.id, agent_id=agent.id,
                              previous_agent_id=None, by_user_id=actor.user_id, note=note, now=now)
        uow.audit.append(lead_audit(actor, "lead.assigned", lead,
                                    {"status": lead.status.value, "agent_id": None},
                                    {"status": "assigned", "agent_id": agent.id, "agent": agent.name},
                                    note))
        uow.commit()
    return f"Lead #{lead.id} ({lead.name}) is assigned to {agent.name}."


@retry_on_conflict
def reassign_lead(uow: UnitOfWork, actor: Actor, *, lead_id: int, agent_id: int, reason: str,
                  expected_version: int | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    cleaned = clean_text(reason, what="reason")
    if not cleaned:
        raise InvalidInput("Reassigning needs a reason: say why the lead moves.")
    with uow:
        lead = locked_lead(uow, actor, lead_id, expected_version)
        previous, new_agent = move_locked_lead(uow, actor, lead, agent_id, reason=cleaned, now=utcnow())
        uow.commit()
    return f"Lead #{lead.id} moved from {previous.name} to {new_agent.name}."


def move_locked_lead(uow: UnitOfWork, actor: Actor, lead: LeadState, agent_id: int, *, reason: str,
                     now: datetime, action: str = "lead.reassigned",
                     batch_id: str | None = None) -> tuple[AgentState, AgentState]:
    """Reassign a lead locked by the caller, under the capacity rule, with its history and
    audit row; (previous agent, new agent). Also the step of SLA re-routing (core/sla) and of
    its undo, which name their batch in both rows."""
    refusal = why_lead_cannot_be_reassigned(lead, agent_id)
    if refusal:
        raise RuleViolation(refusal)
    previous_id = holder_of(lead)
    # Lock both agents in id order: two crossing reassignments cannot deadlock.
    agents = {a: locked_agent(uow, actor, a) for a in sorted({previous_id, agent_id})}
    new_agent, previous = agents[agent_id], agents[previous_id]
    give_to(uow, new_agent, lead)
    uow.agents.remove_open_lead(previous_id)
    uow.leads.set_agent(lead.id, agent_id=new_agent.id, status=lead.status, now=now)
    uow.assignments.end_current(lead.id, now=now)
    uow.assignments.start(tenant_id=actor.tenant_id, lead_id=lead.id, agent_id=new_agent.id,
                          previous_agent_id=previous_id, by_user_id=actor.user_id,
                          note=reason, now=now, batch_id=batch_id)
    uow.audit.append(replace(lead_audit(actor, action, lead,
                                        {"agent_id": previous_id, "agent": previous.name},
                                        {"agent_id": new_agent.id, "agent": new_agent.name}, reason),
                             batch_id=batch_id))
    return previous, new_agent


@retry_on_conflict
def unassign_lead(uow: UnitOfWork, actor: Actor, *, lead_id: int, reason: str,
                  expected_version: int | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    cleaned = clean_text(reason, what="reason")
    if not cleaned:  # the agent loses a lead they were working: as with reassigning, say why
        raise InvalidInput("Unassigning needs a reason: say why the lead goes back to new.")
    with uow:
        lead = locked_lead(uow, actor, lead_id, expected_version)
        if lead.status not in OPEN_STATUSES:
            raise RuleViolation(
                f"Lead #{lead.id} is {lead.status.value}: only open leads can be unassigned.")
        agent = locked_agent(uow, actor, holder_of(lead))
        uow.agents.remove_open_lead(agent.id)
        now = utcnow()
        uow.leads.set_agent(lead.id, agent_id=None, status=LeadStatus.NEW, now=now)
        earning.reverse(uow, actor, lead, now)
        uow.assignments.end_current(lead.id, now=now)
        uow.audit.append(lead_audit(actor, "lead.unassigned", lead,
                                    {"status": lead.status.value, "agent_id": agent.id,
                                     "agent": agent.name},
                                    {"status": "new", "agent_id": None}, cleaned))
        uow.commit()
    return f"Lead #{lead.id} is back to new; {agent.name} has one slot more."
