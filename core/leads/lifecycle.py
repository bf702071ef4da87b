"""Use cases along a lead's lifecycle (docs/design.md §3): change its status, log an activity."""

from core.domain.clock import utcnow
from core.domain.errors import InvalidInput, RuleViolation
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.rules import why_status_cannot_change
from core.domain.vocabulary import OPEN_STATUSES, ActivityKind, LeadStatus
from core.gamification import earning
from core.leads.steps import clean_text, holder_of, lead_audit, locked_agent, locked_lead
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


@retry_on_conflict
def change_status(uow: UnitOfWork, actor: Actor, *, lead_id: int, new_status: LeadStatus | str,
                  expected_version: int | None = None, reason: str | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    try:
        status = LeadStatus(new_status)
    except ValueError:
        raise InvalidInput(f"Status {new_status!r} is unknown.") from None
    reason = clean_text(reason, what="reason")
    if status == LeadStatus.LOST and not reason:
        raise InvalidInput("Closing a lead as lost needs a reason: say why it is lost "
                           "(for example: wrong number, not interested, duplicate).")
    with uow:
        lead = locked_lead(uow, actor, lead_id, expected_version)
        refusal = why_status_cannot_change(lead, status)
        if refusal:
            raise RuleViolation(refusal)
        if status not in OPEN_STATUSES and lead.status in OPEN_STATUSES:
            # Closing: the agent keeps the lead, and their capacity frees up. A new lead
            # closed as junk has no agent.
            agent = locked_agent(uow, actor, holder_of(lead))
            uow.agents.remove_open_lead(agent.id)
        now = utcnow()
        uow.leads.set_status(lead.id, status=status, now=now,
                             lost_reason=reason if status == LeadStatus.LOST else None)
        earning.for_status_change(uow, actor, [(lead, status)], now)
        uow.audit.append(lead_audit(actor, "lead.status_changed", lead,
                                    {"status": lead.status.value}, {"status": status.value}, reason))
        uow.commit()
    return f"Lead #{lead.id} is now {status.value}."


@retry_on_conflict
def log_activity(uow: UnitOfWork, actor: Actor, *, lead_id: int, kind: ActivityKind | str,
                 note: str | None = None) -> str:
    actor.require(Permission.ASSIGN_LEADS)
    try:
        activity = ActivityKind(kind)
    except ValueError:
        raise InvalidInput(f"Activity kind {kind!r} is unknown.") from None
    note = clean_text(note, what="note")
    with uow:
        lead = locked_lead(uow, actor, lead_id, None)
        now = utcnow()
        activity_id = uow.activities.add(tenant_id=actor.tenant_id, lead_id=lead.id,
                                         agent_id=lead.agent_id, kind=activity.value, note=note,
                                         by_user_id=actor.user_id, now=now)
        earning.for_activity(uow, actor, lead, activity, now)
        uow.audit.append(lead_audit(actor, "lead.activity_logged", lead, None,
                                    {"activity_id": activity_id, "kind": activity.value}, note))
        uow.commit()
    return f"{activity.value.replace('_', ' ').capitalize()} logged on lead #{lead.id}."
