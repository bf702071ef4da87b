"""The availability grace: an agent away or offline longer than the tenant's grace period
gives back the leads they have not touched (still `assigned`, no contact since assignment),
which return to the unassigned pool for routing. `cli.py sla-sweep` (and later `cli.py route`)
runs it; each run releases at most RELEASE_LIMIT leads, the next run the rest."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.sla import GRACE_RELEASE_REASON, UNAVAILABLE, grace_over
from core.domain.vocabulary import LeadStatus
from core.leads.steps import lead_audit
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

RELEASE_LIMIT = 1000


@dataclass(frozen=True)
class ReleaseReport:
    released: tuple[tuple[str, int], ...]  # (agent name, leads returned to the pool)
    more: bool                             # the limit was reached: run again for the rest

    @property
    def total(self) -> int:
        return sum(n for _, n in self.released)


@retry_on_conflict
def release_untouched_from_unavailable(uow: UnitOfWork, actor: Actor, now: datetime, *,
                                       limit: int = RELEASE_LIMIT) -> ReleaseReport:
    actor.require(Permission.ASSIGN_LEADS)
    with uow:
        settings = uow.sla.settings(actor.tenant_id)
        past_grace = {a.agent_id for a in uow.sla.unavailable_agents(actor.tenant_id)
                      if grace_over(changed_at=a.since, grace_minutes=settings.grace_minutes, now=now)}
        ids = uow.sla.untouched_leads(actor.tenant_id, sorted(past_grace), limit=limit)
        # Lead rows first, then agents in id order (the lock order of every use case); both
        # read again under the lock, so a lead contacted or an agent back meanwhile stays.
        leads = [lead for lead in uow.leads.lock_states(actor.tenant_id, ids)
                 if lead.status == LeadStatus.ASSIGNED and lead.first_contact_at is None
                 and lead.agent_id in past_grace]
        agents = {a.id: a for a in uow.agents.lock_states(
            actor.tenant_id, sorted({lead.agent_id for lead in leads if lead.agent_id is not None}))
            if a.availability in UNAVAILABLE}
        leads = [lead for lead in leads if lead.agent_id in agents]
        if not leads:
            return ReleaseReport((), False)
        counts = Counter(lead.agent_id for lead in leads if lead.agent_id is not None)
        released = [lead.id for lead in leads]
        uow.agents.remove_open_leads(dict(counts))
        uow.leads.unassign_many(released, now=now)
        uow.assignments.end_many(released, now=now)
        uow.audit.append_many([lead_audit(
            actor, "lead.released", lead,
            {"status": lead.status.value, "agent_id": lead.agent_id,
             "agent": agents[lead.agent_id].name if lead.agent_id else None},
            {"status": "new", "agent_id": None}, GRACE_RELEASE_REASON) for lead in leads])
        uow.commit()
    return ReleaseReport(tuple((agents[a].name, n) for a, n in sorted(counts.items())),
                         len(ids) >= limit)
