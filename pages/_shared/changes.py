"""An audited change as a person reads it: the fields that changed, old → new, not JSON.

One formatter for every table that shows audit rows (the audit log, a lead's audit trail);
exports keep the stored JSON, whole. Field names read as words (`max_capacity` → "max
capacity"); an empty value reads "—", as in every table.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import pandas as pd

from pages._shared.tables import EMPTY, table

_ABSENT = object()


def _read(text: str | None) -> Any:
    if text is None:
        return _ABSENT
    try:
        return json.loads(text)
    except ValueError:
        return text  # not JSON (never written so, but shown rather than hidden)


def _shown(value: Any) -> str:
    if value is None or value is _ABSENT:
        return EMPTY
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{_name(k)} {_shown(v)}" for k, v in value.items())
    return str(value)


def _name(key: str) -> str:
    return key.replace("_", " ")


def _parts(before: Any, after: Any, prefix: str = "") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        parts = []
        for key in dict.fromkeys([*before, *after]):
            old, new = before.get(key, _ABSENT), after.get(key, _ABSENT)
            if old != new:
                parts += _parts(old, new, f"{prefix}{_name(key)} ")
        return parts
    if before is _ABSENT and isinstance(after, dict):  # a new value: its fields as they are
        return [f"{prefix}{_name(k)}: {_shown(v)}" for k, v in after.items()]
    label = f"{prefix.strip()}: " if prefix else ""
    if before is _ABSENT:
        return [f"{label}{_shown(after)}"]
    if isinstance(before, dict) and after is _ABSENT:
        return [f"{prefix}{_name(k)}: {_shown(v)} → {EMPTY}" for k, v in before.items()]
    return [f"{label}{_shown(before)} → {_shown(after)}"]


def describe_change(before_json: str | None, after_json: str | None) -> str | None:
    """"status: new → assigned; agent: Ana Ruiz", or None when the row holds neither."""
    before, after = _read(before_json), _read(after_json)
    if before is _ABSENT and after is _ABSENT:
        return None
    return "; ".join(_parts(before, after)) or "no field changed"


class Audited(Protocol):
    @property
    def before_json(self) -> str | None: ...

    @property
    def after_json(self) -> str | None: ...


def audit_table(rows: Iterable[Audited], columns: Mapping[str, str]) -> pd.DataFrame:
    """`table(rows, columns)` with a "Changes" column before "Reason"."""
    rows = list(rows)
    frame = table(rows, columns)
    frame.insert(list(frame.columns).index("Reason"), "Changes",
                 [describe_change(r.before_json, r.after_json) for r in rows])
    return frame
