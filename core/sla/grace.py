"""The availability grace: an agent away or offline longer than the tenant's grace period
gives back the leads they have not touched (still `assigned`, no contact since assignment),
which return to the unassigned pool for routing. `cli.py route` runs it first, before it re-routes
breached leads and routes new ones (so the released leads find another agent in the same run);
each call releases at most RELEASE_LIMIT leads and says whether more remain.

Each call that releases anything is a batch of kind `grace_release`, written complete in the same
transaction as the release: listed among the recent batches on Bulk operations with its leads
(each with the agent it was taken from) and named by each `lead.released` audit row. It is not
undone: its agents are away or offline, and the capacity rule gives them no lead (docs/routing.md).
"""

import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from core.domain.audit import AuditEntry
from core.domain.batches import BatchItem, BatchKind
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
    lead_ids: tuple[int, ...] = ()         # the leads, on a dry run (`releasable`)
    batch_ids: tuple[str, ...] = ()        # the batches that released them

    @property
    def total(self) -> int:
        return sum(n for _, n in self.released)


def _past_grace(uow: UnitOfWork, tenant_id: int, now: datetime) -> dict[int, str]:
    """The agents away or offline for longer than the tenant's grace period: id -> name."""
    grace = uow.sla.settings(tenant_id).grace_minutes
    return {a.agent_id: a.name for a in uow.sla.unavailable_agents(tenant_id)
            if grace_over(changed_at=a.since, grace_minutes=grace, now=now)}


@retry_on_conflict
def releasable(uow: UnitOfWork, actor: Actor, now: datetime, *,
               limit: int = RELEASE_LIMIT) -> ReleaseReport:
    """What `release_untouched_from_unavailable` would return now (a dry run): nothing written."""
    actor.require(Permission.ASSIGN_LEADS)
    with uow:
        past_grace = _past_grace(uow, actor.tenant_id, now)
        ids = uow.sla.untouched_leads(actor.tenant_id, sorted(past_grace), limit=limit)
        counts = Counter(c.lead.agent_id for c in uow.leads.candidates_by_id(actor.tenant_id, ids)
                         if c.lead.agent_id is not None)
    return ReleaseReport(tuple((past_grace[a], n) for a, n in sorted(counts.items())), len(ids) >= limit,
                         tuple(ids))


@retry_on_conflict
def release_untouched_from_unavailable(uow: UnitOfWork, actor: Actor, now: datetime, *,
                                       limit: int = RELEASE_LIMIT) -> ReleaseReport:
    actor.require(Permission.ASSIGN_LEADS)
    with uow:
        past_grace = set(_past_grace(uow, actor.tenant_id, now))
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
        batch_id = _open_complete_batch(uow, actor, now, [BatchItem(position, lead.id, lead.agent_id,
                                                                    lead.version + 1)
                                                          for position, lead in enumerate(leads)])
        uow.agents.remove_open_leads(dict(counts))
        uow.leads.unassign_many(released, now=now)
        uow.assignments.end_many(released, now=now)
        uow.audit.append_many([replace(lead_audit(
            actor, "lead.released", lead,
            {"status": lead.status.value, "agent_id": lead.agent_id,
             "agent": agents[lead.agent_id].name if lead.agent_id else None},
            {"status": "new", "agent_id": None}, GRACE_RELEASE_REASON), batch_id=batch_id) for lead in leads])
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="routing.released", entity_type="batch", entity_id=batch_id, batch_id=batch_id,
            after={"released": len(leads)}))
        uow.commit()
    return ReleaseReport(tuple((agents[a].name, n) for a, n in sorted(counts.items())),
                         len(ids) >= limit, batch_ids=(batch_id,))


def _open_complete_batch(uow: UnitOfWork, actor: Actor, now: datetime, items: list[BatchItem]) -> str:
    """The release's batch, complete at once: it commits, or not at all, with the release."""
    batch_id = str(uuid.uuid4())
    uow.bulk.add_batch(batch_id, tenant_id=actor.tenant_id, kind=BatchKind.GRACE_RELEASE, strategy=None,
                       by_user_id=actor.user_id, now=now, plan="[]", planned=len(items))
    uow.bulk.add_items(batch_id, items)
    uow.bulk.record_progress(batch_id, changed=len(items), refused=0, now=now)
    uow.bulk.finish_batch(batch_id, now=now)
    return batch_id
