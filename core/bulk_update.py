"""Bulk update of lead fields: status (allowed transitions), source, required skill, due date.

Two modes (DESIGN.md §4): best effort applies the valid rows and reports each invalid one;
all or nothing changes nothing unless every row is valid, and then applies them in one
transaction so no other change can slip between the check and the write.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from core.audit import AuditEntry
from core.batches import open_batch
from core.clock import utcnow
from core.domain import OPEN_STATUSES, SKILLS, SOURCES, LeadStatus
from core.errors import InvalidInput
from core.identity import Actor
from core.permissions import Permission
from core.ports import UnitOfWork
from core.rules import LeadState, why_status_cannot_change

CHUNK = 500
CLEAR = ""  # a change to "" clears required_skill or due_date


@dataclass(frozen=True)
class LeadChange:
    lead_id: int
    status: str | None = None
    source: str | None = None
    required_skill: str | None = None   # "" clears it
    due_date: date | str | None = None  # "" clears it


@dataclass(frozen=True)
class BulkUpdateResult:
    batch_id: str | None
    applied: int
    refused: list[tuple[int, str]] = field(default_factory=list)
    applied_ids: list[int] = field(default_factory=list)

    def outcome(self) -> list[tuple[int, str, str]]:
        """One row per lead: (lead, result, reason), for the outcome table and its CSV."""
        rows = [(lead_id, "updated", "") for lead_id in self.applied_ids]
        return sorted(rows + [(lead_id, "refused", why) for lead_id, why in self.refused])


def _problem(change: LeadChange, lead: LeadState | None, agent_skills: frozenset[str] | None) -> str | None:
    if lead is None:
        return f"Lead #{change.lead_id} does not exist in your tenant."
    if change.source is not None and change.source not in SOURCES:
        return f"Source {change.source!r} is unknown; use one of {', '.join(SOURCES)}."
    if change.required_skill and change.required_skill not in SKILLS:
        return f"Skill {change.required_skill!r} is unknown; use one of {', '.join(SKILLS)}."
    if (change.required_skill and lead.status in OPEN_STATUSES and agent_skills is not None
            and change.required_skill not in agent_skills):
        return (f"Lead #{lead.id}'s agent lacks skill {change.required_skill}; reassign the lead "
                "first.")
    if change.status is not None:
        try:
            status = LeadStatus(change.status)
        except ValueError:
            return f"Status {change.status!r} is unknown."
        if status != lead.status:
            return why_status_cannot_change(lead, status)
    if isinstance(change.due_date, str) and change.due_date != CLEAR:
        return f"Due date {change.due_date!r} is not a date (use YYYY-MM-DD)."
    return None


def _check(uow: UnitOfWork, actor: Actor, changes: list[LeadChange], *, lock: bool):
    ids = sorted({c.lead_id for c in changes})
    leads = {lead.id: lead for lead in (uow.leads.lock_states(actor.tenant_id, ids) if lock
                                        else uow.leads.states(actor.tenant_id, ids))}
    agent_ids = sorted({lead.agent_id for lead in leads.values() if lead.agent_id})
    skills = uow.agents.skills_of(actor.tenant_id, agent_ids)
    valid, refused = [], []
    for change in changes:
        lead = leads.get(change.lead_id)
        problem = _problem(change, lead, skills.get(lead.agent_id) if lead and lead.agent_id else None)
        if problem:
            refused.append((change.lead_id, problem))
        else:
            valid.append((change, lead))
    return valid, refused


def _apply(uow: UnitOfWork, actor: Actor, rows, batch_id: str) -> None:
    now = utcnow()
    closing = Counter(lead.agent_id for change, lead in rows if change.status
                      and LeadStatus(change.status) not in OPEN_STATUSES and lead.status in OPEN_STATUSES)
    if closing:
        uow.agents.lock_states(actor.tenant_id, sorted(closing))
        uow.agents.remove_open_leads(closing)
    uow.leads.update_fields([(change, lead) for change, lead in rows], now=now)
    uow.audit.append_many([AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="lead.updated", entity_type="lead", entity_id=str(lead.id),
        before={"status": lead.status.value}, after=_changed_fields(change), batch_id=batch_id,
        reason="bulk update") for change, lead in rows])


def _changed_fields(change: LeadChange) -> dict:
    return {k: (str(v) if isinstance(v, date) else v) for k, v in
            (("status", change.status), ("source", change.source),
             ("required_skill", change.required_skill), ("due_date", change.due_date)) if v is not None}


def bulk_update(new_uow, actor: Actor, changes: list[LeadChange], *, all_or_nothing: bool,
                progress=lambda done: None) -> BulkUpdateResult:
    actor.require(Permission.BULK_OPERATIONS)
    if not changes:
        raise InvalidInput("No leads were chosen: nothing to update.")
    if not any(_changed_fields(c) for c in changes):
        raise InvalidInput("No field to change was given.")
    duplicates = [i for i, n in Counter(c.lead_id for c in changes).items() if n > 1]
    if duplicates:
        raise InvalidInput(f"Lead(s) {', '.join(map(str, duplicates[:10]))} appear more than once; "
                           "each lead may be listed once.")
    if all_or_nothing:  # the batch row joins the one transaction that writes everything
        batch_id = str(uuid.uuid4())
        with new_uow() as uow:
            valid, refused = _check(uow, actor, changes, lock=True)
            if refused:
                return BulkUpdateResult(None, 0, refused)
            uow.bulk.add_batch(batch_id, tenant_id=actor.tenant_id, kind="bulk_update", strategy=None,
                               by_user_id=actor.user_id, now=utcnow())
            _apply(uow, actor, valid, batch_id)
            uow.bulk.finish_batch(batch_id, changed=len(valid), refused=0)
            uow.commit()
        progress(1.0)
        return BulkUpdateResult(batch_id, len(valid), [], [lead.id for _, lead in valid])
    batch_id = open_batch(new_uow, actor, kind="bulk_update", now=utcnow())
    applied, refused, applied_ids = 0, [], []
    for start in range(0, len(changes), CHUNK):
        with new_uow() as uow:
            valid, chunk_refused = _check(uow, actor, changes[start:start + CHUNK], lock=True)
            if valid:
                _apply(uow, actor, valid, batch_id)
            uow.commit()
        applied, refused = applied + len(valid), refused + chunk_refused
        applied_ids += [lead.id for _, lead in valid]
        progress(min((start + CHUNK) / len(changes), 1.0))
    with new_uow() as uow:
        uow.bulk.finish_batch(batch_id, changed=applied, refused=len(refused))
        uow.commit()
    return BulkUpdateResult(batch_id, applied, refused, applied_ids)


def leads_matching(uow: UnitOfWork, actor: Actor, filters, *, limit: int) -> list[int]:
    """The ids a filter selects (best score first), for a bulk update from the filters."""
    actor.require(Permission.BULK_OPERATIONS)
    with uow:
        return [c.lead.id for c in uow.leads.candidates(actor.tenant_id, filters.validated(), limit=limit)]
