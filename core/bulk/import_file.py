"""An import file: reading it, mapping its columns to lead fields, and checking each row.

Lead fields are one line of plain text, so a cell holding a control character (NUL, escape,
a tab or line break inside the text, ...) is refused rather than stored; blanks around a cell
are trimmed. Text is otherwise stored exactly as typed (formulas and markup included): it is
shown escaped and neutralized on export, never interpreted.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from core.bulk.csv_reading import CsvRow, csv_text, header_and_rows, shown
from core.domain.errors import InvalidInput
from core.domain.leads import NewLead
from core.domain.vocabulary import SKILLS, SOURCES

FIELDS = ("name", "email", "phone", "company", "source", "required_skill", "due_date")
REQUIRED_FIELDS = ("name", "source")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMN_NAME = 100
LIMITS = {"name": 120, "email": 254, "phone": 40, "company": 120}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTROL_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a line break"}

Mapping = dict[str, str | None]  # lead field -> the file's column (None: not mapped)
Values = dict[str, str | None]  # lead field -> a row's trimmed cell (None: empty or not mapped)


@dataclass(frozen=True)
class ImportFile:
    columns: list[str]
    rows: list[CsvRow]


def read_import_file(data: bytes) -> ImportFile:
    text = csv_text(data, max_bytes=MAX_BYTES, what="imports",
                    expected="a header row and one lead per row")
    columns, reading = header_and_rows(text)
    if not columns:
        raise InvalidInput("The file has no header row. The first row must name the columns.")
    if any(_control_character(c) or len(c) > MAX_COLUMN_NAME for c in columns):
        raise InvalidInput(f"The header row holds a control character or a column name longer than "
                           f"{MAX_COLUMN_NAME} characters: is it a CSV of leads? Fix it and upload again.")
    rows: list[CsvRow] = []
    for row in reading:
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"The file has more than {MAX_ROWS:,} rows; import at most {MAX_ROWS:,} "
                               "at a time.")
    if not rows:
        raise InvalidInput("The file has a header but no rows.")
    return ImportFile(columns, rows)


def default_mapping(columns: list[str]) -> Mapping:
    by_name = {c.lower(): c for c in columns}
    return {f: by_name.get(f) for f in FIELDS}


def validate_mapping(mapping: Mapping, columns: list[str]) -> None:
    missing = [f for f in REQUIRED_FIELDS if not mapping.get(f)]
    if missing:
        raise InvalidInput(f"Map a column to {', '.join(missing)}: the file's columns are "
                           f"{', '.join(columns)}.")
    if not (mapping.get("email") or mapping.get("phone")):
        raise InvalidInput("Map a column to email or phone: every lead needs one of them.")
    unknown = [c for c in mapping.values() if c and c not in columns]
    if unknown:
        raise InvalidInput(f"Column(s) {', '.join(unknown)} are not in the file.")


def normalize_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def normalize_phone(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits or None


def row_values(row: CsvRow, mapping: Mapping) -> Values:
    def value(field: str) -> str | None:
        column = mapping.get(field)
        return (row.cells.get(column) or "").strip() or None if column else None
    return {f: value(f) for f in FIELDS}


def row_problem(values: Values) -> str | None:
    """Why a row cannot become a lead, or None."""
    if not values["name"]:
        return "name is empty"
    for field_name, text in values.items():
        control = _control_character(text or "")
        if control:
            return f"{field_name} contains {control}"
    for field_name, limit in LIMITS.items():
        text = values[field_name]
        if text and len(text) > limit:
            return f"{field_name} is longer than {limit} characters"
    return _contact_problem(values) or _vocabulary_problem(values)


def new_lead(values: Values) -> NewLead:
    """A row's values, already checked by row_problem, as a lead to insert."""
    return NewLead(
        name=values["name"] or "", source=values["source"] or "", email=values["email"],
        phone=values["phone"], company=values["company"], required_skill=values["required_skill"],
        due_date=_date(values["due_date"]), email_normalized=normalize_email(values["email"]),
        phone_normalized=normalize_phone(values["phone"]))


def _contact_problem(values: Values) -> str | None:
    email, phone = values["email"], values["phone"]
    if not (email or phone):
        return "needs an email or a phone"
    if email and not EMAIL.match(email):
        return f"email {shown(email)} is not an email address"
    if phone and not 7 <= len(normalize_phone(phone) or "") <= 15:
        return f"phone {shown(phone)} needs 7 to 15 digits"
    return None


def _vocabulary_problem(values: Values) -> str | None:
    source, skill, due = values["source"], values["required_skill"], values["due_date"]
    if not source:
        return f"source is empty (use {', '.join(SOURCES)})"
    if source not in SOURCES:
        return f"source {shown(source)} is unknown (use {', '.join(SOURCES)})"
    if skill and skill not in SKILLS:
        return f"required_skill {shown(skill)} is unknown (use {', '.join(SKILLS)})"
    if due and _date(due) is None:
        return f"due_date {shown(due)} is not a date (use YYYY-MM-DD)"
    return None


def _control_character(text: str) -> str | None:
    """The first control character in the text, in words; Unicode category Cc is C0, DEL and C1."""
    found = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    if found is None:
        return None
    return CONTROL_NAMES.get(found, f"a control character (U+{ord(found):04X})")


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
