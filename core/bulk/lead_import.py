"""Importing new leads from a CSV: column mapping, per-row validation, duplicate detection.

Duplicates are found on the normalized email and phone, within the file and against the
tenant's leads. Text is stored exactly as typed (formulas and markup included): it is shown
escaped and neutralized on export, never interpreted.
"""

import csv
import dataclasses
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.bulk.files import csv_text
from core.bulk.runner import Progress, finish_once, open_batch, run_plan
from core.domain.audit import AuditEntry
from core.domain.batches import Batch, BatchItem, BatchKind
from core.domain.clock import utcnow
from core.domain.errors import DatabaseUnavailable, InvalidInput, RescoreIncomplete, TransientConflict
from core.domain.identity import Actor
from core.domain.leads import NewLead
from core.domain.permissions import Permission
from core.domain.scoring import IdRange
from core.domain.vocabulary import SKILLS, SOURCES
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction
from core.scoring.rescoring import rescore_tenant

FIELDS = ("name", "email", "phone", "company", "source", "required_skill", "due_date")
REQUIRED_FIELDS = ("name", "source")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK = 1_000
LIMITS = {"name": 120, "email": 254, "phone": 40, "company": 120}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Mapping = dict[str, str | None]  # lead field -> the file's column (None: not mapped)


@dataclass(frozen=True)
class ImportFile:
    columns: list[str]
    rows: list[dict[str, str]]


@dataclass(frozen=True)
class ImportResult:
    batch_id: str | None
    imported: int
    report: list[tuple[int, str, str]]  # (file line, result, reason)
    note: str | None = None  # something a person should know that is not a row's outcome


@dataclass(frozen=True)
class _Accepted:
    line: int
    lead: NewLead


def normalize_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def normalize_phone(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits or None


def read_import_file(data: bytes) -> ImportFile:
    text = csv_text(data, max_bytes=MAX_BYTES, what="imports",
                    expected="a header row and one lead per row")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or []) if c and c.strip()]
    if not columns:
        raise InvalidInput("The file has no header row. The first row must name the columns.")
    rows: list[dict[str, str]] = []
    for row in reader:
        rows.append({(k or "").strip(): (v or "") for k, v in row.items() if k})
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"The file has more than {MAX_ROWS:,} rows; import at most {MAX_ROWS:,} "
                               "at a time.")
    if not rows:
        raise InvalidInput("The file has a header but no rows.")
    return ImportFile(columns, rows)


def default_mapping(columns: list[str]) -> Mapping:
    by_name = {c.lower(): c for c in columns}
    return {f: by_name.get(f) for f in FIELDS}


def _validate_mapping(mapping: Mapping, columns: list[str]) -> None:
    missing = [f for f in REQUIRED_FIELDS if not mapping.get(f)]
    if missing:
        raise InvalidInput(f"Map a column to {', '.join(missing)}: the file's columns are "
                           f"{', '.join(columns)}.")
    if not (mapping.get("email") or mapping.get("phone")):
        raise InvalidInput("Map a column to email or phone: every lead needs one of them.")
    unknown = [c for c in mapping.values() if c and c not in columns]
    if unknown:
        raise InvalidInput(f"Column(s) {', '.join(unknown)} are not in the file.")


def _row_values(row: dict[str, str], mapping: Mapping) -> dict[str, str | None]:
    def value(field: str) -> str | None:
        column = mapping.get(field)
        return (row.get(column) or "").strip() or None if column else None
    return {f: value(f) for f in FIELDS}


def _row_problem(values: dict[str, str | None]) -> str | None:
    if not values["name"]:
        return "name is empty"
    for field_name, limit in LIMITS.items():
        text = values[field_name]
        if text and len(text) > limit:
            return f"{field_name} is longer than {limit} characters"
    email, phone = values["email"], values["phone"]
    if not (email or phone):
        return "needs an email or a phone"
    if email and not EMAIL.match(email):
        return f"email {email!r} is not an email address"
    if phone and not 7 <= len(normalize_phone(phone) or "") <= 15:
        return f"phone {phone!r} needs 7 to 15 digits"
    if not values["source"]:
        return f"source is empty (use {', '.join(SOURCES)})"
    if values["source"] not in SOURCES:
        return f"source {values['source']!r} is unknown (use {', '.join(SOURCES)})"
    if values["required_skill"] and values["required_skill"] not in SKILLS:
        return f"required_skill {values['required_skill']!r} is unknown (use {', '.join(SKILLS)})"
    if values["due_date"] and _date(values["due_date"]) is None:
        return f"due_date {values['due_date']!r} is not a date (use YYYY-MM-DD)"
    return None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _new_lead(values: dict[str, str | None]) -> NewLead:
    """A row's values, already checked by _row_problem, as a lead to insert."""
    return NewLead(
        name=values["name"] or "", source=values["source"] or "", email=values["email"],
        phone=values["phone"], company=values["company"], required_skill=values["required_skill"],
        due_date=_date(values["due_date"]), email_normalized=normalize_email(values["email"]),
        phone_normalized=normalize_phone(values["phone"]))


def _validate_rows(file: ImportFile, mapping: Mapping) -> tuple[list[_Accepted], list[tuple[int, str, str]]]:
    """Each row checked on its own and against the rows above it (duplicate email or phone)."""
    report: list[tuple[int, str, str]] = []
    accepted: list[_Accepted] = []
    seen_emails: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    for line, row in enumerate(file.rows, start=2):
        values = _row_values(row, mapping)
        problem = _row_problem(values)
        if problem:
            report.append((line, "refused", problem))
            continue
        lead = _new_lead(values)
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


def _known_elsewhere(new_uow: UnitOfWorkFactory, actor: Actor, accepted: list[_Accepted],
                     report: list[tuple[int, str, str]]) -> list[_Accepted]:
    """The rows whose email and phone no lead of the tenant has yet; the others reported."""
    known = in_transaction(new_uow, lambda uow: uow.leads.known_contacts(
        actor.tenant_id, [a.lead.email_normalized for a in accepted if a.lead.email_normalized],
        [a.lead.phone_normalized for a in accepted if a.lead.phone_normalized]))
    fresh: list[_Accepted] = []
    for row in accepted:
        lead_id = known.lead_with(row.lead.email_normalized, row.lead.phone_normalized)
        if lead_id:
            report.append((row.line, "refused", f"duplicate of lead #{lead_id} already in LeadOps"))
        else:
            fresh.append(row)
    return fresh


def import_leads(new_uow: UnitOfWorkFactory, actor: Actor, file: ImportFile, mapping: Mapping, *,
                 all_or_nothing: bool, progress: Progress = lambda done: None) -> ImportResult:
    actor.require(Permission.BULK_OPERATIONS)
    _validate_mapping(mapping, file.columns)
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
    report += [(fresh[item.position].line, "imported", f"lead #{item.lead_id}") for item in items]
    return ImportResult(batch_id, len(items), sorted(report), _score(new_uow, actor, items))


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
    ids = uow.leads.insert_new([row.lead for _, row in todo], tenant_id=actor.tenant_id, now=utcnow())
    uow.audit.append_many([AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="lead.imported", entity_type="lead", entity_id=str(lead_id), batch_id=batch_id,
        after={"name": row.lead.name, "source": row.lead.source})
        for lead_id, (_, row) in zip(ids, todo, strict=True)])
    return [BatchItem(position, lead_id, lead_version=1)
            for lead_id, (position, _) in zip(ids, todo, strict=True)]


def _run(new_uow: UnitOfWorkFactory, actor: Actor, batch_id: str, rows: list[_Accepted], *,
         progress: Progress) -> list[BatchItem]:
    """Every row was checked before; writing in chunks keeps each transaction short."""
    items = run_plan(new_uow, actor, batch_id, BatchKind.IMPORT, rows,
                     lambda uow, todo: _insert(uow, actor, batch_id, todo), chunk=CHUNK,
                     progress=progress)
    in_transaction(new_uow, lambda uow: _close(uow, actor, batch_id))
    return items


def _import_at_once(new_uow: UnitOfWorkFactory, actor: Actor,
                    rows: list[_Accepted]) -> tuple[str, list[BatchItem]]:
    """All or nothing: one transaction, retried as a whole (a file holds at most MAX_ROWS)."""
    batch_id = str(uuid.uuid4())

    def attempt(uow: UnitOfWork) -> list[BatchItem]:
        uow.bulk.add_batch(batch_id, tenant_id=actor.tenant_id, kind=BatchKind.IMPORT, strategy=None,
                           by_user_id=actor.user_id, now=utcnow(), plan="[]", planned=len(rows))
        items = _insert(uow, actor, batch_id, list(enumerate(rows)))
        uow.bulk.record_progress(batch_id, changed=len(items), refused=0, now=utcnow())
        _close(uow, actor, batch_id)
        return items

    return batch_id, in_transaction(new_uow, attempt)


def _close(uow: UnitOfWork, actor: Actor, batch_id: str) -> None:
    batch = finish_once(uow, actor, batch_id)
    if batch is None:
        return
    uow.audit.append(AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="bulk.imported", entity_type="batch", entity_id=batch_id, batch_id=batch_id,
        after={"imported": batch.leads_changed, "refused": batch.leads_refused}))


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
