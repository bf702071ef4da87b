"""Open first-contact SLA breaches: counted per agent, listed for routing, and re-routed once.

`reroute_breached_lead` is the step a routing rule calls for a breached lead with the agents it
may go to: the lead moves to the first of them that can take it, through the reassign path
(so the capacity rule holds), with the reason "first-contact SLA breached" in its history and
audit row, and is marked, so it is not re-routed again until a supervisor allows it.
"""

from dataclasses import dataclass
from datetime import datetime

from core.domain.errors import InvalidInput, NotFound, RuleViolation
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.rules import why_agent_cannot_receive
from core.domain.sla import SLA_REROUTE_REASON, SlaSettings, is_open_breach
from core.domain.working_hours import last_local_midnight
from core.leads.assignment import move_locked_lead
from core.leads.steps import clean_text, lead_audit, locked_lead
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


@dataclass(frozen=True)
class BreachCounts:
    per_agent: dict[int, int]  # open breaches (no contact yet) per agent
    today: int                 # SLAs that ran out today (tenant's day) still open, or re-routed


def start_of_local_day(now: datetime, time_zone: str) -> datetime:
    """Where the tenant's "today" began: naive UTC of its last local midnight."""
    return last_local_midnight(now, time_zone)


@retry_on_conflict
def breach_counts(uow: UnitOfWork, actor: Actor, now: datetime) -> BreachCounts:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return breach_counts_in(uow, actor.tenant_id, uow.sla.settings(actor.tenant_id), now)


def breach_counts_in(uow: UnitOfWork, tenant_id: int, settings: SlaSettings, now: datetime) -> BreachCounts:
    """Open breaches per agent and today's (since local midnight), in the caller's transaction."""
    per_agent = uow.sla.open_breaches_per_agent(tenant_id, settings, now)
    today = uow.sla.breaches_since(tenant_id, settings, now=now,
                                   since=start_of_local_day(now, settings.time_zone))
    return BreachCounts(per_agent, today)


@retry_on_conflict
def breached_lead_ids(uow: UnitOfWork, actor: Actor, now: datetime, *, limit: int = 1000,
                      not_rerouted: bool = True) -> list[int]:
    """Open breaches, longest overdue first; by default only those not yet re-routed."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        settings = uow.sla.settings(actor.tenant_id)
        return uow.sla.open_breach_ids(actor.tenant_id, settings, now, limit=limit,
                                       not_rerouted=not_rerouted)


def reroute_breached_lead_in(uow: UnitOfWork, actor: Actor, *, lead_id: int,
                             eligible_agent_ids: list[int], now: datetime,
                             batch_id: str | None = None) -> str:
    """Inside the caller's transaction (the caller commits): `cli.py route` runs it in the
    batch of its SLA re-routes (`batch_id`, named in the history and audit rows)."""
    actor.require(Permission.ASSIGN_LEADS)
    lead = locked_lead(uow, actor, lead_id, None)
    facts = uow.sla.lead_facts(actor.tenant_id, lead_id)
    if facts is None:
        raise NotFound(f"Lead #{lead_id} does not exist in your tenant.")
    settings = uow.sla.settings(actor.tenant_id)
    if not is_open_breach(assigned_at=lead.assigned_at, first_contact_at=lead.first_contact_at,
                          sla_minutes=settings.target(facts.category), now=now) or lead.agent_id is None:
        raise RuleViolation(f"Lead #{lead.id} has not breached its first-contact SLA (or was "
                            "contacted): it stays with its agent.")
    if facts.rerouted_at is not None:
        raise RuleViolation(f"Lead #{lead.id} was already re-routed for its SLA on "
                            f"{facts.rerouted_at:%Y-%m-%d %H:%M} UTC: a lead moves for its SLA once, "
                            "unless a supervisor allows it again on the lead.")
    refusals = []
    for agent_id in (a for a in eligible_agent_ids if a != lead.agent_id):
        agent = uow.agents.get(actor.tenant_id, agent_id)
        refusal = why_agent_cannot_receive(agent, lead) if agent else f"Agent #{agent_id} is gone."
        if refusal:
            refusals.append(refusal)
            continue
        previous, new_agent = move_locked_lead(uow, actor, lead, agent_id, reason=SLA_REROUTE_REASON,
                                               now=now, action="lead.sla_rerouted", batch_id=batch_id)
        uow.sla.mark_rerouted(lead.id, now=now)
        return (f"Lead #{lead.id} moved from {previous.name} to {new_agent.name}: "
                f"{SLA_REROUTE_REASON}.")
    raise RuleViolation(f"Lead #{lead.id} breached its SLA but no other eligible agent can take it"
                        + (f" ({' '.join(refusals)})" if refusals else "") + "; it stays for now.")


@retry_on_conflict
def reroute_breached_lead(uow: UnitOfWork, actor: Actor, *, lead_id: int,
                          eligible_agent_ids: list[int], now: datetime) -> str:
    """Re-route one breached lead to the first of `eligible_agent_ids` (in the caller's order,
    the current agent skipped) that can take it; refused if it was re-routed before."""
    with uow:
        message = reroute_breached_lead_in(uow, actor, lead_id=lead_id,
                                           eligible_agent_ids=eligible_agent_ids, now=now)
        uow.commit()
    return message


@retry_on_conflict
def allow_sla_reroute_again(uow: UnitOfWork, actor: Actor, *, lead_id: int, reason: str,
                            now: datetime, expected_version: int | None = None) -> str:
    """A supervisor's say-so: the lead may be re-routed for its SLA once more."""
    actor.require(Permission.ASSIGN_LEADS)
    cleaned = clean_text(reason, what="reason")
    if not cleaned:
        raise InvalidInput("Allowing another SLA re-route needs a reason: say why.")
    with uow:
        lead = locked_lead(uow, actor, lead_id, expected_version)
        facts = uow.sla.lead_facts(actor.tenant_id, lead_id)
        if facts is None or facts.rerouted_at is None:
            return f"Lead #{lead_id} was never re-routed for its SLA: nothing to allow."
        uow.sla.clear_rerouted(lead.id, now=now)
        uow.audit.append(lead_audit(actor, "lead.sla_reroute_allowed", lead,
                                    {"sla_rerouted_at": facts.rerouted_at.isoformat(sep=" ")},
                                    {"sla_rerouted_at": None}, cleaned))
        uow.commit()
    return f"Lead #{lead.id} may be re-routed for its SLA again."
