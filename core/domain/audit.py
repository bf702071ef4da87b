"""Audit entries (docs/design.md §7) and the audit log as it is read. How rows are chained and
sealed against tampering is core.domain.audit_chain."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.domain.errors import InvalidInput


@dataclass(frozen=True)
class AuditEntry:
    tenant_id: int
    actor_user_id: int | None
    actor_name: str
    action: str
    entity_type: str
    entity_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = None
    batch_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def to_json(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))


MAX_FILTER_LENGTH = 64


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""        # prefix, e.g. "lead." or "scoring.weights_saved"
    actor_name: str = ""
    entity_type: str = ""
    entity_id: str = ""
    batch_id: str = ""
    since: date | None = None
    until: date | None = None

    def validated(self) -> "AuditFilters":
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("The 'from' date is after the 'to' date.")
        if any(len(v) > MAX_FILTER_LENGTH for v in (self.action, self.actor_name, self.entity_type,
                                                    self.entity_id, self.batch_id)):
            raise InvalidInput(f"Audit filters are limited to {MAX_FILTER_LENGTH} characters each.")
        return self


@dataclass(frozen=True)
class AuditRecord:
    """One audit row as the audit log shows it."""

    at: datetime
    actor_name: str
    action: str
    entity_type: str
    entity_id: str | None
    before_json: str | None
    after_json: str | None
    reason: str | None
    batch_id: str | None
    id: int  # the row's id: what `cli.py audit-verify` names
