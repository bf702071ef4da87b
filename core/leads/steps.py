"""Steps the single-lead use cases share: read under lock, clean a person's text, audit a lead.

Lock order is lead, then agents by id, then the audit trail, so concurrent use cases never
wait on each other in a cycle.
"""

from typing import Any

from core.domain.audit import AuditEntry
from core.domain.errors import InvalidInput, NotFound, RuleViolation, StaleView
from core.domain.identity import Actor
from core.domain.rules import AgentState, LeadState, why_agent_cannot_receive
from core.ports import UnitOfWork

MAX_NOTE_LENGTH = 2000


def locked_lead(uow: UnitOfWork, actor: Actor, lead_id: int, expected_version: int | None) -> LeadState:
    lead = uow.leads.get(actor.tenant_id, lead_id, for_update=True)
    if lead is None:
        raise NotFound(f"Lead #{lead_id} does not exist in your tenant. Reload the list.")
    if expected_version is not None and lead.version != expected_version:
        raise StaleView(
            f"Lead #{lead_id} was changed by someone else since you opened it "
            f"(it is now {lead.status.value}). Nothing was changed: reload it and try again."
        )
    return lead


def locked_agent(uow: UnitOfWork, actor: Actor, agent_id: int) -> AgentState:
    agent = uow.agents.get(actor.tenant_id, agent_id, for_update=True)
    if agent is None:
        raise NotFound(f"Agent #{agent_id} does not exist in your tenant. Reload the list.")
    return agent


def holder_of(lead: LeadState) -> int:
    """The agent of an open or closed lead (every such lead has one)."""
    if lead.agent_id is None:
        raise RuleViolation(f"Lead #{lead.id} is {lead.status.value} but has no agent. "
                            "Ask an admin to run `python cli.py check`.")
    return lead.agent_id


def clean_text(text: str | None, *, what: str) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"The {what} is too long: at most {MAX_NOTE_LENGTH} characters.")
    return text or None


def give_to(uow: UnitOfWork, agent: AgentState, lead: LeadState) -> None:
    """The capacity rule on the locked rows, then the database's own guard of the same rule."""
    refusal = why_agent_cannot_receive(agent, lead)
    if refusal:
        raise RuleViolation(refusal)
    if not uow.agents.add_open_lead(agent.id):
        raise RuleViolation(f"{agent.name} has no free capacity any more. Pick another agent.")


def lead_audit(actor: Actor, action: str, lead: LeadState, before: dict[str, Any] | None,
               after: dict[str, Any] | None, reason: str | None = None) -> AuditEntry:
    return AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action=action, entity_type="lead", entity_id=str(lead.id), before=before, after=after,
        reason=reason,
    )
