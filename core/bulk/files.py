"""Reading an uploaded CSV of lead ids (optionally with an agent per row) for bulk runs.

Every problem is collected and reported; a file with problems is never half-used.
"""

import re
from dataclasses import dataclass

from core.bulk.csv_reading import csv_text, header_and_rows, shown
from core.domain.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
ID_COLUMNS = ("lead_id", "id")
ID = re.compile(r"#?([0-9]{1,18})")  # ASCII digits only; 18 fit any stored id
NUMBER = re.compile(r"#?[+-]?[0-9]*\.?[0-9]+")


@dataclass(frozen=True)
class LeadIdFile:
    lead_ids: tuple[int, ...]
    agent_ids: dict[int, int]  # lead id -> agent id, when the file has an agent_id column


def read_lead_ids(data: bytes) -> LeadIdFile:
    text = csv_text(data, max_bytes=MAX_BYTES, what="lead-id files", expected="a lead_id column")
    columns, reading = header_and_rows(text)
    rows = list(reading)
    if not rows:
        raise InvalidInput("The file has a header but no rows.")
    header = {name.lower(): name for name in columns}
    id_column = next((header[c] for c in ID_COLUMNS if c in header), None)
    if id_column is None:
        raise InvalidInput(f"The file needs a lead_id column; it has: {', '.join(columns)}.")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"The file has {len(rows):,} rows; at most {MAX_ROWS:,} per run.")
    agent_column = header.get("agent_id")
    problems: list[str] = []
    ids: list[int] = []
    agents: dict[int, int] = {}
    seen: set[int] = set()
    for row in rows:
        lead_id = _id(row.cells.get(id_column, ""), "lead_id", "a lead id")
        if isinstance(lead_id, str):
            problems.append(f"line {row.line}: {lead_id}")
            continue
        if lead_id in seen:
            problems.append(f"line {row.line}: lead {lead_id} appears twice")
            continue
        seen.add(lead_id)
        ids.append(lead_id)
        agent_cell = row.cells.get(agent_column, "").strip() if agent_column else ""
        agent_id = _id(agent_cell, "agent_id", "an agent id") if agent_cell else None
        if isinstance(agent_id, str):
            problems.append(f"line {row.line}: {agent_id}")
        elif agent_id is not None:
            agents[lead_id] = agent_id
    if problems:
        shown_problems = "; ".join(problems[:10]) + (
            f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise InvalidInput(f"The file was not used: {shown_problems}. Fix these rows and upload again.")
    return LeadIdFile(tuple(ids), agents)


def _id(cell: str, column: str, noun: str) -> int | str:
    """The id a cell holds, or why it holds none ("-5 is not a lead id")."""
    raw = cell.strip()
    found = ID.fullmatch(raw)
    if found and int(found.group(1)) > 0:
        return int(found.group(1))
    if NUMBER.fullmatch(raw):
        return f"{raw if len(raw) <= 20 else raw[:20] + '…'} is not {noun}"
    return f"{column} {shown(raw)} is not a number"
