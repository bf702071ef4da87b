"""Importing new leads from a CSV: per-row validation, duplicate detection, then the writes.

Duplicates are found on the normalized email and phone, within the file and against the
tenant's leads. Reading the file and checking each row on its own is core.bulk.import_file.
"""

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.bulk.import_file import ImportFile, Mapping, new_lead, row_problem, row_values, validate_mapping
from core.bulk.runner import Progress, close_batch, open_batch, run_plan
from core.domain.audit import AuditEntry
from core.domain.batches import Batch, BatchItem, BatchKind
from core.domain.clock import utcnow
from core.domain.errors import DatabaseUnavailable, RescoreIncomplete, TransientConflict
from core.domain.identity import Actor
from core.domain.leads import NewLead
from core.domain.permissions import Permission
from core.domain.scoring import IdRange
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction
from core.scoring.rescoring import rescore_tenant

CHUNK = 1_000


@dataclass(frozen=True)
class ImportResult:
    batch_id: str | None
    imported: int
    report: list[tuple[int, str, str]]  # (file line, result, reason)
    note: str | None = None  # something a person should know that is not a row's outcome
    lead_ids: tuple[int, ...] = ()  # the leads it created
    routed: int = 0  # of them, placed at once by on-arrival routing rules (core.routing.arrival)
    routing_batch_id: str | None = None


@dataclass(frozen=True)
class _Accepted:
    line: int
    lead: NewLead


def _validate_rows(file: ImportFile, mapping: Mapping) -> tuple[list[_Accepted], list[tuple[int, str, str]]]:
    """Each row checked on its own and against the rows above it (duplicate email or phone)."""
    report: list[tuple[int, str, str]] = []
    accepted: list[_Accepted] = []
    seen_emails: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    for row in file.rows:
        line, values = row.line, row_values(row, mapping)
        problem = row_problem(values)
        if problem:
            report.append((line, "refused", problem))
            continue
        lead = new_lead(values)
        email, phone = lead.email_normalized, lead.phone_normalized
        if email in seen_emails:
            report.append((line, "refused", f"duplicate of line {seen_emails[email]} (same email)"))
        elif phone in seen_phones:
            report.append((line, "refused", f"duplicate of line {seen_phones[phone]} (same phone)"))
        else:
            if email:
                seen_emails[email] = line
            if phone:
                seen_phones[phone] = line
            accepted.append(_Accepted(line, lead))
    return accepted, report


def _known(uow: UnitOfWork, actor: Actor, rows: list[_Accepted]) -> dict[int, int]:
    """The tenant's lead already holding each row's email or phone, by the row's file line."""
    known = uow.leads.known_contacts(
        actor.tenant_id, [a.lead.email_normalized for a in rows if a.lead.email_normalized],
        [a.lead.phone_normalized for a in rows if a.lead.phone_normalized])
    found = {row.line: known.lead_with(row.lead.email_normalized, row.lead.phone_normalized) for row in rows}
    return {line: lead_id for line, lead_id in found.items() if lead_id}


def _known_elsewhere(new_uow: UnitOfWorkFactory, actor: Actor, accepted: list[_Accepted],
                     report: list[tuple[int, str, str]]) -> list[_Accepted]:
    """The rows whose email and phone no lead of the tenant has yet; the others reported.
    Checked again as they are written (_insert), under the tenant's lock."""
    known = in_transaction(new_uow, lambda uow: _known(uow, actor, accepted))
    report += [(line, "refused", f"duplicate of lead #{lead_id} already in LeadOps")
               for line, lead_id in known.items()]
    return [row for row in accepted if row.line not in known]


def _added_meanwhile(lead_id: int) -> str:
    return f"duplicate of lead #{lead_id}, added by someone else meanwhile (after this file was checked)"


def import_leads(new_uow: UnitOfWorkFactory, actor: Actor, file: ImportFile, mapping: Mapping, *,
                 all_or_nothing: bool, progress: Progress = lambda done: None) -> ImportResult:
    actor.require(Permission.BULK_OPERATIONS)
    validate_mapping(mapping, file.columns)
    accepted, report = _validate_rows(file, mapping)
    fresh = _known_elsewhere(new_uow, actor, accepted, report)
    if (all_or_nothing and report) or not fresh:
        return ImportResult(None, 0, sorted(report))
    if all_or_nothing:
        batch_id, items = _import_at_once(new_uow, actor, fresh)
    else:
        batch_id = open_batch(new_uow, actor, kind=BatchKind.IMPORT, now=utcnow(),
                              plan=[_stored(row) for row in fresh], positions=len(fresh),
                              refused=len(report))
        items = _run(new_uow, actor, batch_id, fresh, progress=progress)
    report += [(fresh[item.position].line, "imported", f"lead #{item.lead_id}") if item.applied
               else (fresh[item.position].line, "refused", item.refused or "") for item in items]
    created = tuple(item.lead_id for item in items if item.applied)
    return ImportResult(batch_id, len(created), sorted(report),
                        _score(new_uow, actor, items), lead_ids=created)


def resume_import(new_uow: UnitOfWorkFactory, actor: Actor, batch: Batch, stored: list[Any],
                  progress: Progress) -> list[BatchItem]:
    rows = [_restored(row) for row in stored]
    items = _run(new_uow, actor, batch.id, rows, progress=progress)
    _score(new_uow, actor, in_transaction(new_uow, lambda uow: uow.bulk.items(batch.id)))
    return items


def _stored(row: _Accepted) -> dict[str, Any]:
    lead = dataclasses.asdict(row.lead)
    lead["due_date"] = row.lead.due_date.isoformat() if row.lead.due_date else None
    return {"line": row.line, **lead}


def _restored(stored: dict[str, Any]) -> _Accepted:
    values = {key: value for key, value in stored.items() if key != "line"}
    values["due_date"] = date.fromisoformat(values["due_date"]) if values.get("due_date") else None
    return _Accepted(stored["line"], NewLead(**values))


def _insert(uow: UnitOfWork, actor: Actor, batch_id: str,
            todo: list[tuple[int, _Accepted]]) -> list[BatchItem]:
    """The rows written, each checked again under the tenant's contacts lock: another import
    may have added the same email or phone since this one's check, and is let in only after
    this transaction."""
    uow.leads.lock_contacts(actor.tenant_id)
    known = _known(uow, actor, [row for _, row in todo])
    new = [(position, row) for position, row in todo if row.line not in known]
    ids = uow.leads.insert_new([row.lead for _, row in new], tenant_id=actor.tenant_id, now=utcnow())
    uow.audit.append_many([AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="lead.imported", entity_type="lead", entity_id=str(lead_id), batch_id=batch_id,
        after={"name": row.lead.name, "source": row.lead.source})
        for lead_id, (_, row) in zip(ids, new, strict=True)])
    created = [BatchItem(position, lead_id, lead_version=1)
               for lead_id, (position, _) in zip(ids, new, strict=True)]
    refused = [BatchItem(position, known[row.line], refused=_added_meanwhile(known[row.line]))
               for position, row in todo if row.line in known]
    return sorted(created + refused, key=lambda item: item.position)


def _run(new_uow: UnitOfWorkFactory, actor: Actor, batch_id: str, rows: list[_Accepted], *,
         progress: Progress) -> list[BatchItem]:
    """Every row was checked before; writing in chunks keeps each transaction short."""
    items = run_plan(new_uow, actor, batch_id, BatchKind.IMPORT, rows,
                     lambda uow, todo: _insert(uow, actor, batch_id, todo), chunk=CHUNK,
                     progress=progress)
    in_transaction(new_uow, lambda uow: _close(uow, actor, batch_id))
    return items


class _AddedMeanwhile(Exception):
    """All or nothing, and someone else added one of the file's leads since the check."""

    def __init__(self, refused: list[BatchItem]) -> None:
        super().__init__("duplicates added meanwhile")
        self.refused = refused


def _import_at_once(new_uow: UnitOfWorkFactory, actor: Actor,
                    rows: list[_Accepted]) -> tuple[str | None, list[BatchItem]]:
    """All or nothing: one transaction, retried as a whole (a file holds at most MAX_ROWS)."""
    batch_id = str(uuid.uuid4())

    def attempt(uow: UnitOfWork) -> list[BatchItem]:
        uow.bulk.add_batch(batch_id, tenant_id=actor.tenant_id, kind=BatchKind.IMPORT, strategy=None,
                           by_user_id=actor.user_id, now=utcnow(), plan="[]", planned=len(rows))
        items = _insert(uow, actor, batch_id, list(enumerate(rows)))
        if any(not item.applied for item in items):  # rolled back as the exception leaves
            raise _AddedMeanwhile([item for item in items if not item.applied])
        uow.bulk.record_progress(batch_id, changed=len(items), refused=0, now=utcnow())
        _close(uow, actor, batch_id)
        return items

    try:
        return batch_id, in_transaction(new_uow, attempt)
    except _AddedMeanwhile as stopped:
        return None, stopped.refused


def _close(uow: UnitOfWork, actor: Actor, batch_id: str) -> None:
    close_batch(uow, actor, batch_id, action="bulk.imported", changed="imported")


def _score(new_uow: UnitOfWorkFactory, actor: Actor, items: list[BatchItem]) -> str | None:
    """Score the new leads now; if the database will not let that finish, the nightly rescore
    will, and the person is told so (the import itself is done)."""
    ids = [item.lead_id for item in items if item.applied]
    if not ids:
        return None
    try:
        rescore_tenant(new_uow, actor, utcnow(), refresh_components=True,
                       bounds=IdRange(min(ids), max(ids)))
    except (TransientConflict, DatabaseUnavailable, RescoreIncomplete):
        return ("The leads are imported, but scoring them could not finish: they show a score of "
                "0 until the next `python cli.py rescore` (nightly) or a recalculation.")
    return None
