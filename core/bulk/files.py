"""Reading an uploaded CSV of lead ids (optionally with an agent per row) for bulk runs.

Every problem is collected and reported; a file with problems is never half-used.
"""

import csv
import io
from dataclasses import dataclass

from core.domain.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
ID_COLUMNS = ("lead_id", "id")


@dataclass(frozen=True)
class LeadIdFile:
    lead_ids: tuple[int, ...]
    agent_ids: dict[int, int]  # lead id -> agent id, when the file has an agent_id column


def csv_text(data: bytes, *, max_bytes: int, what: str, expected: str) -> str:
    """An uploaded file as text, or a refusal naming the size limit, emptiness or encoding."""
    if len(data) > max_bytes:
        raise InvalidInput(f"The file is {len(data) / 1e6:.1f} MB; {what} may be at most "
                           f"{max_bytes // (1024 * 1024)} MB. Split it into smaller files.")
    if not data.strip():
        raise InvalidInput(f"The file is empty. Upload a CSV with {expected}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload again.") from None


def read_lead_ids(data: bytes) -> LeadIdFile:
    text = csv_text(data, max_bytes=MAX_BYTES, what="lead-id files", expected="a lead_id column")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise InvalidInput("The file has a header but no rows.")
    header = {name.strip().lower(): name for name in rows[0] if name}
    id_column = next((header[c] for c in ID_COLUMNS if c in header), None)
    if id_column is None:
        raise InvalidInput(f"The file needs a lead_id column; it has: {', '.join(header.values())}.")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"The file has {len(rows):,} rows; at most {MAX_ROWS:,} per run.")
    agent_column = header.get("agent_id")
    problems: list[str] = []
    ids: list[int] = []
    agents: dict[int, int] = {}
    seen: set[int] = set()
    for line, row in enumerate(rows, start=2):
        raw = (row.get(id_column) or "").strip().lstrip("#")
        if not raw.isdigit():
            problems.append(f"line {line}: lead_id {raw!r} is not a number")
            continue
        lead_id = int(raw)
        if lead_id in seen:
            problems.append(f"line {line}: lead {lead_id} appears twice")
            continue
        seen.add(lead_id)
        ids.append(lead_id)
        if agent_column:
            agent = (row.get(agent_column) or "").strip()
            if agent and not agent.isdigit():
                problems.append(f"line {line}: agent_id {agent!r} is not a number")
            elif agent:
                agents[lead_id] = int(agent)
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise InvalidInput(f"The file was not used: {shown}. Fix these rows and upload again.")
    return LeadIdFile(tuple(ids), agents)
