"""Bulk update of lead fields: status (allowed transitions), source, required skill, due date.

Two modes (docs/design.md §4): best effort applies the valid rows and reports each invalid one;
all or nothing changes nothing unless every row is valid, and then applies them in one
transaction so no other change can slip between the check and the write.
"""

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.bulk.runner import Progress, close_batch, open_batch, run_plan
from core.domain.audit import AuditEntry
from core.domain.batches import Batch, BatchItem, BatchKind
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.leads import CLEAR, Clear, LeadFilters, LeadUpdate
from core.domain.permissions import Permission
from core.domain.placement import Refusal
from core.domain.rules import LeadState, why_status_cannot_change
from core.domain.vocabulary import OPEN_STATUSES, SKILLS, SOURCES, LeadStatus
from core.gamification import earning
from core.leads.steps import MAX_NOTE_LENGTH
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction, retry_on_conflict

CHUNK = 500


@dataclass(frozen=True)
class LeadChange:
    """What a person asked to change on one lead; None leaves a field, CLEAR ("") empties it."""

    lead_id: int
    status: str | None = None
    source: str | None = None
    required_skill: str | None = None
    due_date: date | str | None = None
    lost_reason: str | None = None  # needed when the status becomes lost


@dataclass(frozen=True)
class BulkUpdateResult:
    batch_id: str | None
    applied: int
    refused: list[Refusal] = field(default_factory=list)
    applied_ids: list[int] = field(default_factory=list)

    def outcome(self) -> list[tuple[int, str, str]]:
        """One row per lead, by lead id: (lead, "updated" or "refused", reason)."""
        rows = [(lead_id, "updated", "") for lead_id in self.applied_ids]
        return sorted(rows + [(r.lead_id, "refused", r.why) for r in self.refused])


def _problem(change: LeadChange, lead: LeadState, agent_skills: frozenset[str] | None) -> str | None:
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
            reason = (change.lost_reason or "").strip()
            if status == LeadStatus.LOST and not reason:
                return (f"Closing lead #{lead.id} as lost needs a reason: give one with the "
                        "update.")
            if len(reason) > MAX_NOTE_LENGTH:
                return f"The reason is too long: at most {MAX_NOTE_LENGTH} characters."
            return why_status_cannot_change(lead, status)
    if isinstance(change.due_date, str) and change.due_date != CLEAR:
        return f"Due date {change.due_date!r} is not a date (use YYYY-MM-DD)."
    return None


def _update(change: LeadChange, lead: LeadState) -> LeadUpdate:
    """The checked change, as storage applies it (a status it already has is left alone)."""
    status = LeadStatus(change.status) if change.status is not None else None
    skill: str | Clear | None = CLEAR if change.required_skill == CLEAR else change.required_skill
    due: date | Clear | None = change.due_date if isinstance(change.due_date, date) else (
        CLEAR if change.due_date == CLEAR else None)
    new_status = None if status == lead.status else status
    return LeadUpdate(lead.id, status=new_status, source=change.source, required_skill=skill,
                      due_date=due,
                      lost_reason=change.lost_reason.strip() if new_status == LeadStatus.LOST
                      and change.lost_reason else None)


Checked = list[tuple[LeadChange, LeadState]]


def _check(uow: UnitOfWork, actor: Actor, changes: list[LeadChange]) -> tuple[Checked, list[Refusal]]:
    """Lock the leads, then sort the changes into those that may go ahead and those refused."""
    leads = {lead.id: lead for lead in uow.leads.lock_states(actor.tenant_id,
                                                             sorted({c.lead_id for c in changes}))}
    agent_ids = sorted({lead.agent_id for lead in leads.values() if lead.agent_id})
    skills = uow.agents.skills_of(actor.tenant_id, agent_ids)
    valid: Checked = []
    refused: list[Refusal] = []
    for change in changes:
        lead = leads.get(change.lead_id)
        if lead is None:
            refused.append(Refusal(change.lead_id, f"Lead #{change.lead_id} does not exist in your tenant."))
        elif problem := _problem(change, lead, skills.get(lead.agent_id) if lead.agent_id else None):
            refused.append(Refusal(change.lead_id, problem))
        else:
            valid.append((change, lead))
    return valid, refused


def _apply(uow: UnitOfWork, actor: Actor, rows: Checked, batch_id: str) -> None:
    now = utcnow()
    updates = [(_update(change, lead), lead) for change, lead in rows]
    closing = Counter(lead.agent_id for update, lead in updates
                      if update.status is not None and update.status not in OPEN_STATUSES
                      and lead.status in OPEN_STATUSES and lead.agent_id is not None)
    # Every agent whose lead changes status, in id order: closing frees their capacity, and
    # the points earned move their totals.
    uow.agents.lock_states(actor.tenant_id, sorted({lead.agent_id for update, lead in updates
                                                    if update.status is not None and lead.agent_id}))
    uow.agents.remove_open_leads(dict(closing))
    uow.leads.update_fields([update for update, _ in updates], now=now)
    earning.for_status_change(uow, actor, [(lead, update.status) for update, lead in updates
                                           if update.status is not None], now)
    uow.audit.append_many([AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="lead.updated", entity_type="lead", entity_id=str(lead.id),
        before=_fields_before(change, lead), after=_changed_fields(change), batch_id=batch_id,
        reason=f"bulk update: {update.lost_reason}" if update.lost_reason else "bulk update")
        for (change, lead), (update, _) in zip(rows, updates, strict=True)])


def _changed_fields(change: LeadChange) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, date) else v) for k, v in
            (("status", change.status), ("source", change.source),
             ("required_skill", change.required_skill), ("due_date", change.due_date)) if v is not None}


def _fields_before(change: LeadChange, lead: LeadState) -> dict[str, Any]:
    """The values the change replaces, field by field (the status always, as context)."""
    before: dict[str, Any] = {"status": lead.status.value}
    for name in _changed_fields(change):
        value = getattr(lead, name)
        before[name] = value.value if isinstance(value, LeadStatus) else (
            str(value) if isinstance(value, date) else value)
    return before


def _refuse_bad_request(changes: list[LeadChange]) -> None:
    if not changes:
        raise InvalidInput("No leads were chosen: nothing to update.")
    if not any(_changed_fields(c) for c in changes):
        raise InvalidInput("No field to change was given.")
    duplicates = [i for i, n in Counter(c.lead_id for c in changes).items() if n > 1]
    if duplicates:
        raise InvalidInput(f"Lead(s) {', '.join(map(str, duplicates[:10]))} appear more than once; "
                           "each lead may be listed once.")


def _stored(change: LeadChange) -> dict[str, Any]:
    stored = {"lead_id": change.lead_id, **_changed_fields(change)}
    if change.lost_reason:
        stored["lost_reason"] = change.lost_reason
    return stored


def _restored(stored: dict[str, Any]) -> LeadChange:
    due = stored.get("due_date")
    return LeadChange(stored["lead_id"], status=stored.get("status"), source=stored.get("source"),
                      required_skill=stored.get("required_skill"),
                      due_date=date.fromisoformat(due) if due else due,
                      lost_reason=stored.get("lost_reason"))


def bulk_update(new_uow: UnitOfWorkFactory, actor: Actor, changes: list[LeadChange], *,
                all_or_nothing: bool, progress: Progress = lambda done: None) -> BulkUpdateResult:
    actor.require(Permission.BULK_OPERATIONS)
    _refuse_bad_request(changes)
    if all_or_nothing:
        return _all_or_nothing(new_uow, actor, changes, progress)
    batch_id = open_batch(new_uow, actor, kind=BatchKind.BULK_UPDATE, now=utcnow(),
                          plan=[_stored(change) for change in changes], positions=len(changes))
    items = _run(new_uow, actor, batch_id, changes, progress=progress)
    applied = [item.lead_id for item in items if item.applied]
    return BulkUpdateResult(batch_id, len(applied),
                            [Refusal(item.lead_id, item.refused) for item in items if item.refused],
                            applied)


def resume_bulk_update(new_uow: UnitOfWorkFactory, actor: Actor, batch: Batch, stored: list[Any],
                       progress: Progress) -> list[BatchItem]:
    changes = [_restored(row) for row in stored]
    return _run(new_uow, actor, batch.id, changes, progress=progress)


def _run(new_uow: UnitOfWorkFactory, actor: Actor, batch_id: str, changes: list[LeadChange], *,
         progress: Progress) -> list[BatchItem]:
    def apply(uow: UnitOfWork, todo: list[tuple[int, LeadChange]]) -> list[BatchItem]:
        positions = {change.lead_id: position for position, change in todo}
        valid, refused = _check(uow, actor, [change for _, change in todo])
        if valid:
            _apply(uow, actor, valid, batch_id)
        return sorted([BatchItem(positions[lead.id], lead.id, lead_version=lead.version + 1)
                       for _, lead in valid]
                      + [BatchItem(positions[r.lead_id], r.lead_id, refused=r.why) for r in refused],
                      key=lambda item: item.position)

    items = run_plan(new_uow, actor, batch_id, BatchKind.BULK_UPDATE, changes, apply, chunk=CHUNK,
                     progress=progress)
    in_transaction(new_uow, lambda uow: _close(uow, actor, batch_id))
    return items


def _close(uow: UnitOfWork, actor: Actor, batch_id: str) -> None:
    close_batch(uow, actor, batch_id, action="bulk.updated", changed="updated")


def _all_or_nothing(new_uow: UnitOfWorkFactory, actor: Actor, changes: list[LeadChange],
                    progress: Progress) -> BulkUpdateResult:
    """Check and apply in one transaction, retried as a whole; the batch joins it, so a
    refusal (or a failure) leaves nothing."""
    batch_id = str(uuid.uuid4())

    def attempt(uow: UnitOfWork) -> BulkUpdateResult:
        valid, refused = _check(uow, actor, changes)
        if refused:
            return BulkUpdateResult(None, 0, refused)
        uow.bulk.add_batch(batch_id, tenant_id=actor.tenant_id, kind=BatchKind.BULK_UPDATE,
                           strategy=None, by_user_id=actor.user_id, now=utcnow(),
                           plan=json.dumps([_stored(change) for change, _ in valid]),
                           planned=len(valid))
        _apply(uow, actor, valid, batch_id)
        uow.bulk.record_progress(batch_id, changed=len(valid), refused=0, now=utcnow())
        _close(uow, actor, batch_id)
        return BulkUpdateResult(batch_id, len(valid), [], [lead.id for _, lead in valid])

    result = in_transaction(new_uow, attempt)  # a refusal commits nothing: nothing was written
    progress(1.0)
    return result


@retry_on_conflict
def leads_matching(uow: UnitOfWork, actor: Actor, filters: LeadFilters, *, limit: int) -> list[int]:
    """The ids a filter selects (best score first), for a bulk update from the filters."""
    actor.require(Permission.BULK_OPERATIONS)
    with uow:
        return [c.lead.id for c in uow.leads.candidates(actor.tenant_id, filters.validated(), limit=limit)]
