"""Importing new leads from a CSV: column mapping, per-row validation, duplicate detection.

Duplicates are found on the normalized email and phone, within the file and against the
tenant's leads. Text is stored exactly as typed (formulas and markup included): it is shown
escaped and neutralized on export, never interpreted.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from core.bulk.batches import open_batch
from core.bulk.files import csv_text
from core.domain.audit import AuditEntry
from core.domain.batches import BatchKind
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.leads import NewLead
from core.domain.permissions import Permission
from core.domain.scoring import IdRange
from core.domain.vocabulary import SKILLS, SOURCES
from core.ports import UnitOfWorkFactory
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


def import_leads(new_uow: UnitOfWorkFactory, actor: Actor, file: ImportFile, mapping: Mapping, *,
                 all_or_nothing: bool) -> ImportResult:
    actor.require(Permission.BULK_OPERATIONS)
    _validate_mapping(mapping, file.columns)
    accepted, report = _validate_rows(file, mapping)
    with new_uow() as uow:
        known = uow.leads.known_contacts(
            actor.tenant_id, [a.lead.email_normalized for a in accepted if a.lead.email_normalized],
            [a.lead.phone_normalized for a in accepted if a.lead.phone_normalized])
    fresh: list[_Accepted] = []
    for row in accepted:
        lead_id = known.lead_with(row.lead.email_normalized, row.lead.phone_normalized)
        if lead_id:
            report.append((row.line, "refused", f"duplicate of lead #{lead_id} already in LeadOps"))
        else:
            fresh.append(row)
    if (all_or_nothing and report) or not fresh:
        return ImportResult(None, 0, sorted(report))
    now = utcnow()
    ids: list[int] = []
    batch_id = open_batch(new_uow, actor, kind=BatchKind.IMPORT, now=now)
    # Every row was checked above; writing in chunks keeps each transaction (and the tenant's
    # audit-head lock other supervisors wait on) short.
    for start in range(0, len(fresh), CHUNK):
        chunk = fresh[start:start + CHUNK]
        with new_uow() as uow:
            chunk_ids = uow.leads.insert_new([row.lead for row in chunk], tenant_id=actor.tenant_id,
                                             now=now)
            uow.audit.append_many([AuditEntry(
                tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
                action="lead.imported", entity_type="lead", entity_id=str(lead_id), batch_id=batch_id,
                after={"name": row.lead.name, "source": row.lead.source})
                for lead_id, row in zip(chunk_ids, chunk, strict=True)])
            uow.commit()
        ids += chunk_ids
    with new_uow() as uow:
        uow.bulk.finish_batch(batch_id, changed=len(ids), refused=len(report))
        uow.commit()
    rescore_tenant(new_uow, actor.tenant_id, now, refresh_components=True, bounds=IdRange(min(ids), max(ids)))
    report += [(row.line, "imported", f"lead #{lead_id}") for row, lead_id in zip(fresh, ids, strict=True)]
    return ImportResult(batch_id, len(ids), sorted(report))
