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

from core.audit import AuditEntry
from core.batches import open_batch
from core.clock import utcnow
from core.csv_input import csv_text
from core.domain import SKILLS, SOURCES
from core.errors import InvalidInput
from core.identity import Actor
from core.permissions import Permission
from core.rescoring import rescore_tenant

FIELDS = ("name", "email", "phone", "company", "source", "required_skill", "due_date")
REQUIRED_FIELDS = ("name", "source")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK = 1_000
LIMITS = {"name": 120, "email": 254, "phone": 40, "company": 120}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class ImportFile:
    columns: list[str]
    rows: list[dict[str, str]]


@dataclass(frozen=True)
class ImportResult:
    batch_id: str | None
    imported: int
    report: list[tuple[int, str, str]]  # (file line, result, reason)


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
    rows = []
    for row in reader:
        rows.append({(k or "").strip(): (v or "") for k, v in row.items() if k})
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"The file has more than {MAX_ROWS:,} rows; import at most {MAX_ROWS:,} "
                               "at a time.")
    if not rows:
        raise InvalidInput("The file has a header but no rows.")
    return ImportFile(columns, rows)


def default_mapping(columns: list[str]) -> dict[str, str | None]:
    by_name = {c.lower(): c for c in columns}
    return {f: by_name.get(f) for f in FIELDS}


def _validate_mapping(mapping: dict[str, str | None], columns: list[str]) -> None:
    missing = [f for f in REQUIRED_FIELDS if not mapping.get(f)]
    if missing:
        raise InvalidInput(f"Map a column to {', '.join(missing)}: the file's columns are "
                           f"{', '.join(columns)}.")
    if not (mapping.get("email") or mapping.get("phone")):
        raise InvalidInput("Map a column to email or phone: every lead needs one of them.")
    unknown = [c for c in mapping.values() if c and c not in columns]
    if unknown:
        raise InvalidInput(f"Column(s) {', '.join(unknown)} are not in the file.")


def _row_values(row: dict[str, str], mapping: dict[str, str | None]) -> dict[str, str | None]:
    return {f: (row.get(mapping[f]) or "").strip() or None if mapping.get(f) else None for f in FIELDS}


def _row_problem(values: dict) -> str | None:
    if not values["name"]:
        return "name is empty"
    for field_name, limit in LIMITS.items():
        if values[field_name] and len(values[field_name]) > limit:
            return f"{field_name} is longer than {limit} characters"
    if not (values["email"] or values["phone"]):
        return "needs an email or a phone"
    if values["email"] and not EMAIL.match(values["email"]):
        return f"email {values['email']!r} is not an email address"
    if values["phone"] and not 7 <= len(normalize_phone(values["phone"]) or "") <= 15:
        return f"phone {values['phone']!r} needs 7 to 15 digits"
    if values["source"] not in SOURCES:
        return f"source {values['source']!r} is unknown (use {', '.join(SOURCES)})"
    if values["required_skill"] and values["required_skill"] not in SKILLS:
        return f"required_skill {values['required_skill']!r} is unknown (use {', '.join(SKILLS)})"
    if values["due_date"]:
        try:
            values["due_date"] = date.fromisoformat(values["due_date"])
        except ValueError:
            return f"due_date {values['due_date']!r} is not a date (use YYYY-MM-DD)"
    return None


def import_leads(new_uow, actor: Actor, file: ImportFile, mapping: dict[str, str | None], *,
                 all_or_nothing: bool) -> ImportResult:
    actor.require(Permission.BULK_OPERATIONS)
    _validate_mapping(mapping, file.columns)
    report, accepted, seen_emails, seen_phones = [], [], {}, {}
    for line, row in enumerate(file.rows, start=2):
        values = _row_values(row, mapping)
        problem = _row_problem(values)
        email, phone = normalize_email(values["email"]), normalize_phone(values["phone"])
        if not problem and email in seen_emails:
            problem = f"duplicate of line {seen_emails[email]} (same email)"
        if not problem and phone in seen_phones:
            problem = f"duplicate of line {seen_phones[phone]} (same phone)"
        if problem:
            report.append((line, "refused", problem))
            continue
        if email:
            seen_emails[email] = line
        if phone:
            seen_phones[phone] = line
        accepted.append((line, values, email, phone))
    with new_uow() as uow:
        existing = uow.leads.existing_contacts(actor.tenant_id, [e for _, _, e, _ in accepted if e],
                                               [p for _, _, _, p in accepted if p])
    known = {line: existing.get(("email", email)) or existing.get(("phone", phone))
             for line, _, email, phone in accepted}
    report += [(line, "refused", f"duplicate of lead #{lead_id} already in LeadOps")
               for line, lead_id in known.items() if lead_id]
    accepted = [row for row in accepted if not known[row[0]]]
    if all_or_nothing and report:
        return ImportResult(None, 0, sorted(report))
    if not accepted:
        return ImportResult(None, 0, sorted(report))
    now, ids = utcnow(), []
    batch_id = open_batch(new_uow, actor, kind="import", now=now)
    # Every row was checked above; writing in chunks keeps each transaction (and the tenant's
    # audit-head lock other supervisors wait on) short.
    for start in range(0, len(accepted), CHUNK):
        chunk = accepted[start:start + CHUNK]
        with new_uow() as uow:
            chunk_ids = uow.leads.insert_new(
                [dict(values, email_normalized=email, phone_normalized=phone)
                 for _, values, email, phone in chunk], tenant_id=actor.tenant_id, now=now)
            uow.audit.append_many([AuditEntry(
                tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
                action="lead.imported", entity_type="lead", entity_id=str(lead_id), batch_id=batch_id,
                after={"name": values["name"], "source": values["source"]})
                for lead_id, (_, values, _, _) in zip(chunk_ids, chunk, strict=True)])
            uow.commit()
        ids += chunk_ids
    with new_uow() as uow:
        uow.bulk.finish_batch(batch_id, changed=len(ids), refused=len(report))
        uow.commit()
    rescore_tenant(new_uow, actor.tenant_id, now, refresh_components=True, bounds=(min(ids), max(ids)))
    report += [(line, "imported", f"lead #{lead_id}")
               for (line, _, _, _), lead_id in zip(accepted, ids, strict=True)]
    return ImportResult(batch_id, len(ids), sorted(report))
