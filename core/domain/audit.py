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
MAX_REASON_SEARCH = 100
# The reason search is served by a FULLTEXT index on MySQL/MariaDB (db/queries/audit.py), whose
# words are at least this long (innodb_ft_min_token_size): a shorter word matches nothing there.
MIN_REASON_WORD = 3


def reason_words(text: str) -> list[str]:
    """The words of a reason search that an index can serve."""
    return [w for w in "".join(c if c.isalnum() else " " for c in text).split()
            if len(w) >= MIN_REASON_WORD]


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""        # one action, e.g. "lead.assigned" (exact: an index serves it in time order)
    actor_name: str = ""    # a user name, or (part of) a display name: "ana" finds Ana Ruiz's rows
    entity_type: str = ""
    entity_id: str = ""
    batch_id: str = ""      # the short id the app shows (its first characters), or the whole id
    since: date | None = None
    until: date | None = None
    reason_text: str = ""   # words in the reason, each at least MIN_REASON_WORD characters

    def validated(self) -> "AuditFilters":
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("The 'from' date is after the 'to' date.")
        if any(len(v) > MAX_FILTER_LENGTH for v in (self.action, self.actor_name, self.entity_type,
                                                    self.entity_id, self.batch_id)):
            raise InvalidInput(f"Audit filters are limited to {MAX_FILTER_LENGTH} characters each.")
        if len(self.reason_text) > MAX_REASON_SEARCH:
            raise InvalidInput(f"The reason search is limited to {MAX_REASON_SEARCH} characters.")
        if self.reason_text.strip() and not reason_words(self.reason_text):
            raise InvalidInput(f"Search the reason for a word of at least {MIN_REASON_WORD} letters: "
                               "shorter words are not indexed.")
        return self


@dataclass(frozen=True)
class AuditCursor:
    """Where a screen of the audit log ends: the (at, id) of its oldest or newest row. Rows
    are ordered newest first by (at, id), so rows with equal times keep one order."""

    at: datetime
    id: int


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

    @property
    def cursor(self) -> AuditCursor:
        return AuditCursor(self.at, self.id)


@dataclass(frozen=True)
class AuditScreen:
    """One screen of the audit log, newest first, and whether there is more on either side
    (no count: counting a million rows on every screen costs more than the screen)."""

    rows: list[AuditRecord]
    has_newer: bool
    has_older: bool
