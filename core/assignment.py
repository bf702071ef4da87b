"""Use cases that move a lead between agents and along its lifecycle (DESIGN.md §3).

Each one checks role and tenant, enforces the capacity rule inside the transaction (the agent
row is locked before its load is read), writes assignment history and one audit row, and
commits all of it together or nothing. Lock order is lead, then agents by id, then the
tenant's audit head, so concurrent use cases never wait on each other in a cycle.
"""

from core.audit import AuditEntry
from core.clock import utcnow
from core.domain import OPEN_STATUSES, ActivityKind, LeadStatus
from core.errors import InvalidInput, NotFound, RuleViolation, StaleView
from core.identity import Actor
from core.permissions import Permission
from core.ports import UnitOfWork
from core.retry import retry_on_conflict
from core.rules import (
    AgentState,
    LeadState,
    why_agent_cannot_receive,
    why_lead_cannot_be_assigned,
    why_lead_cannot_be_reassigned,
    why_status_cannot_change,
)

MAX_NOTE_LENGTH = 2000


def _lead(uow: UnitOfWork, actor: Actor, lead_id: int, expected_version: int | None) -> LeadState:
    lead = uow.leads.get(actor.tenant_id, lead_id, for_update=True)
    if lead is None:
        raise NotFound(f"Lead #{lead_id} does not exist in your tenant. Reload the list.")
    if expected_version is not None and lead.version != expected_version:
        raise StaleView(
            f"Lead #{lead_id} was changed by someone else since you opened it "
            f"(it is now {lead.status.value}). Nothing was changed: reload it and try again."
        )
    return lead


def _agent(uow: UnitOfWork, actor: Actor, agent_id: int) -> AgentState:
    agent = uow.agents.get(actor.tenant_id, agent_id, for_update=True)
    if agent is None:
        raise NotFound(f"Agent #{agent_id} does not exist in your tenant. Reload the list.")
    return agent


def _clean_text(text: str | None, *, what: str) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"The {what} is too long: at most {MAX_NOTE_LENGTH} characters.")
    return text or None


def _give_to(uow: UnitOfWork, agent: AgentState, lead: LeadState) -> None:
    refusal = why_agent_cannot_receive(agent, lead)
    if refusal:
        raise RuleViolation(refusal)
    if not uow.agents.add_open_lead(agent.id):  # the database's own guard, same rule
        raise RuleViolation(f"{agent.name} has no free capacity any more. Pick another agent.")


def _audit(actor: Actor, action: str, lead: LeadState, before: dict, after: dict,
           reason: str | None = None) -> AuditEntry:
    return AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action=action, entity_type="lead", entity_id=str(lead.id), before=before, after=after,
        reason=reason,
    )


@retry_on_conflict
def assign_lead(uow: UnitOfWork, actor: Actor, *, lead_id: int, agent_id: int,
                note: str | None = None, expected_version: int | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    note = _clean_text(note, what="note")
    with uow:
        lead = _lead(uow, actor, lead_id, expected_version)
        refusal = why_lead_cannot_be_assigned(lead)
        if refusal:
            raise RuleViolation(refusal)
        agent = _agent(uow, actor, agent_id)
        _give_to(uow, agent, lead)
        now = utcnow()
        uow.leads.set_agent(lead.id, agent_id=agent.id, status=LeadStatus.ASSIGNED, now=now)
        uow.assignments.start(tenant_id=actor.tenant_id, lead_id=lead.id, agent_id=agent.id,
                              previous_agent_id=None, by_user_id=actor.user_id, note=note, now=now)
        uow.audit.append(_audit(actor, "lead.assigned", lead,
                                {"status": lead.status.value, "agent_id": None},
                                {"status": "assigned", "agent_id": agent.id, "agent": agent.name},
                                note))
        uow.commit()
    return f"Lead #{lead.id} ({lead.name}) is assigned to {agent.name}."


@retry_on_conflict
def reassign_lead(uow: UnitOfWork, actor: Actor, *, lead_id: int, agent_id: int, reason: str,
                  expected_version: int | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    reason = _clean_text(reason, what="reason")
    if not reason:
        raise InvalidInput("Reassigning needs a reason: say why the lead moves.")
    with uow:
        lead = _lead(uow, actor, lead_id, expected_version)
        refusal = why_lead_cannot_be_reassigned(lead, agent_id)
        if refusal:
            raise RuleViolation(refusal)
        previous_id = lead.agent_id
        # Lock both agents in id order: two crossing reassignments cannot deadlock.
        agents = {a: _agent(uow, actor, a) for a in sorted({previous_id, agent_id})}
        new_agent, previous = agents[agent_id], agents[previous_id]
        _give_to(uow, new_agent, lead)
        uow.agents.remove_open_lead(previous_id)
        now = utcnow()
        uow.leads.set_agent(lead.id, agent_id=new_agent.id, status=lead.status, now=now)
        uow.assignments.end_current(lead.id, now=now)
        uow.assignments.start(tenant_id=actor.tenant_id, lead_id=lead.id, agent_id=new_agent.id,
                              previous_agent_id=previous_id, by_user_id=actor.user_id,
                              note=reason, now=now)
        uow.audit.append(_audit(actor, "lead.reassigned", lead,
                                {"agent_id": previous_id, "agent": previous.name},
                                {"agent_id": new_agent.id, "agent": new_agent.name}, reason))
        uow.commit()
    return f"Lead #{lead.id} moved from {previous.name} to {new_agent.name}."


@retry_on_conflict
def unassign_lead(uow: UnitOfWork, actor: Actor, *, lead_id: int, reason: str | None = None,
                  expected_version: int | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    reason = _clean_text(reason, what="reason")
    with uow:
        lead = _lead(uow, actor, lead_id, expected_version)
        if lead.status not in OPEN_STATUSES:
            raise RuleViolation(
                f"Lead #{lead.id} is {lead.status.value}: only open leads can be unassigned.")
        agent = _agent(uow, actor, lead.agent_id)
        uow.agents.remove_open_lead(agent.id)
        now = utcnow()
        uow.leads.set_agent(lead.id, agent_id=None, status=LeadStatus.NEW, now=now)
        uow.assignments.end_current(lead.id, now=now)
        uow.audit.append(_audit(actor, "lead.unassigned", lead,
                                {"status": lead.status.value, "agent_id": agent.id, "agent": agent.name},
                                {"status": "new", "agent_id": None}, reason))
        uow.commit()
    return f"Lead #{lead.id} is back to new; {agent.name} has one slot more."


@retry_on_conflict
def change_status(uow: UnitOfWork, actor: Actor, *, lead_id: int, new_status: LeadStatus | str,
                  expected_version: int | None = None, reason: str | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    try:
        new_status = LeadStatus(new_status)
    except ValueError:
        raise InvalidInput(f"Status {new_status!r} is unknown.") from None
    reason = _clean_text(reason, what="reason")
    with uow:
        lead = _lead(uow, actor, lead_id, expected_version)
        refusal = why_status_cannot_change(lead, new_status)
        if refusal:
            raise RuleViolation(refusal)
        if new_status not in OPEN_STATUSES:  # closing: the agent keeps it, capacity frees up
            _agent(uow, actor, lead.agent_id)
            uow.agents.remove_open_lead(lead.agent_id)
        uow.leads.set_status(lead.id, status=new_status, now=utcnow())
        uow.audit.append(_audit(actor, "lead.status_changed", lead,
                                {"status": lead.status.value}, {"status": new_status.value}, reason))
        uow.commit()
    return f"Lead #{lead.id} is now {new_status.value}."


@retry_on_conflict
def log_activity(uow: UnitOfWork, actor: Actor, *, lead_id: int, kind: ActivityKind | str,
                 note: str | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    try:
        kind = ActivityKind(kind)
    except ValueError:
        raise InvalidInput(f"Activity kind {kind!r} is unknown.") from None
    note = _clean_text(note, what="note")
    with uow:
        lead = _lead(uow, actor, lead_id, None)
        activity_id = uow.activities.add(tenant_id=actor.tenant_id, lead_id=lead.id,
                                         agent_id=lead.agent_id, kind=kind.value, note=note,
                                         by_user_id=actor.user_id, now=utcnow())
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="lead.activity_logged", entity_type="lead", entity_id=str(lead.id),
            after={"activity_id": activity_id, "kind": kind.value}, reason=note,
        ))
        uow.commit()
    return f"{kind.value.replace('_', ' ').capitalize()} logged on lead #{lead.id}."
