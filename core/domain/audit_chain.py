"""The audit trail's tamper evidence (docs/design.md §7): keyed hash chains, many per tenant.

Each tenant's audit rows form CHAINS separate chains. A writer appends to one chain, picked
at random for its transaction, so concurrent writers (and writers on different cluster nodes)
rarely touch the same chain head, where one head per tenant made every write of a tenant wait
for, or conflict with, every other (docs/architecture.md, "Audit chains").

Within a chain each row's MAC covers its own content, its place (chain, seq) and the previous
row's MAC, keyed with a secret the database does not hold (HMAC-SHA-256): editing, inserting
or removing a row breaks the chain at that row, and someone with only database access cannot
recompute it. Each chain's head (its newest seq and MAC) carries a MAC of its own, so
removing the newest rows and winding the head back is detected too.

Rows written before keys existed (migration 0007) form chain LEGACY_CHAIN of their tenant,
hashed without a key as before; that chain is closed, and its head is sealed with the key once
(`cli.py init-db`), which anchors the old rows' last hash.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime

from core.domain.audit import AuditEntry, to_json

CHAINS = 1024
LEGACY_CHAIN = 0
GENESIS_HASH = "0" * 64
KEYED = "hmac-sha256"
LEGACY = "sha256"


@dataclass(frozen=True)
class AuditKey:
    """The secret that keys every MAC; never printed (repr hides it)."""

    secret: bytes = field(repr=False)


def _content(*, prev_hash: str, seq: int, at: datetime, entry: AuditEntry) -> list[object]:
    return [prev_hash, seq, entry.tenant_id, at.isoformat(timespec="microseconds"),
            entry.actor_user_id, entry.actor_name, entry.action, entry.entity_type, entry.entity_id,
            to_json(entry.before), to_json(entry.after), entry.reason, entry.batch_id]


def _digest(payload: list[object], key: AuditKey | None) -> str:
    data = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key.secret, data, hashlib.sha256).hexdigest()


def row_mac(key: AuditKey, *, chain: int, prev_hash: str, seq: int, at: datetime,
            entry: AuditEntry) -> str:
    """A row's MAC: its content, where it stands in which chain, and its predecessor's MAC."""
    return _digest([KEYED, chain, *_content(prev_hash=prev_hash, seq=seq, at=at, entry=entry)], key)


def legacy_hash(*, prev_hash: str, seq: int, at: datetime, entry: AuditEntry) -> str:
    """The unkeyed SHA-256 of rows written before migration 0007 (verification only)."""
    return _digest(_content(prev_hash=prev_hash, seq=seq, at=at, entry=entry), None)


def head_mac(key: AuditKey, *, tenant_id: int, chain: int, seq: int, head_hash: str) -> str:
    """A chain head's own MAC: winding a head back to an older row needs the key."""
    return _digest(["head", tenant_id, chain, seq, head_hash], key)


@dataclass(frozen=True)
class ChainHead:
    tenant_id: int
    chain: int
    seq: int
    head_hash: str
    mac: str | None  # None until sealed (a chain created by a migration, without the key)

    def is_sealed_by(self, key: AuditKey) -> bool:
        expected = head_mac(key, tenant_id=self.tenant_id, chain=self.chain, seq=self.seq,
                            head_hash=self.head_hash)
        return self.mac is not None and hmac.compare_digest(self.mac, expected)


@dataclass(frozen=True)
class ChainedRow:
    """An audit row as the chain sees it."""

    id: int
    chain: int
    seq: int
    at: datetime
    algorithm: str
    prev_hash: str
    row_hash: str
    entry: AuditEntry


@dataclass(frozen=True)
class ChainBreak:
    chain: int
    seq: int
    row_id: int | None
    problem: str


def _expected_hash(key: AuditKey, row: ChainedRow, prev_hash: str) -> str:
    if row.chain == LEGACY_CHAIN:
        return legacy_hash(prev_hash=prev_hash, seq=row.seq, at=row.at, entry=row.entry)
    return row_mac(key, chain=row.chain, prev_hash=prev_hash, seq=row.seq, at=row.at, entry=row.entry)


class ChainWalk:
    """Walks one chain's rows in seq order and names the first that does not hold."""

    def __init__(self, key: AuditKey, chain: int) -> None:
        self.key, self.chain = key, chain
        self.prev_hash, self.seq = GENESIS_HASH, 0
        self.broken: ChainBreak | None = None

    def feed(self, row: ChainedRow) -> None:
        if self.broken is not None:
            return
        algorithm = LEGACY if row.chain == LEGACY_CHAIN else KEYED
        if row.seq != self.seq + 1:
            self.broken = ChainBreak(self.chain, self.seq + 1, row.id,
                                     f"row {self.seq + 1} is missing (the next row is {row.seq})")
        elif row.algorithm != algorithm:
            self.broken = ChainBreak(self.chain, row.seq, row.id,
                                     f"hashed as {row.algorithm}, where this chain uses {algorithm}")
        elif row.prev_hash != self.prev_hash:
            self.broken = ChainBreak(self.chain, row.seq, row.id, "its link to the row before does not match")
        elif not hmac.compare_digest(row.row_hash, _expected_hash(self.key, row, self.prev_hash)):
            self.broken = ChainBreak(self.chain, row.seq, row.id,
                                     "its content was changed (or it was written with another key)")
        else:
            self.prev_hash, self.seq = row.row_hash, row.seq

    def finish(self, head: ChainHead | None) -> ChainBreak | None:
        """The first break, including at the end: the head must name the last row, sealed."""
        if self.broken is not None:
            return self.broken
        if head is None:
            return ChainBreak(self.chain, self.seq, None, "the chain's head row is missing")
        if head.mac is None:
            return ChainBreak(self.chain, head.seq, None,
                              "the chain's head is not sealed yet: run `python cli.py init-db`")
        if not head.is_sealed_by(self.key):
            return ChainBreak(self.chain, head.seq, None,
                              "the chain's head was changed (or sealed with another key)")
        if head.seq > self.seq:
            return ChainBreak(self.chain, self.seq + 1, None,
                              f"row {self.seq + 1} and later were removed (the head names row {head.seq})")
        if head.seq < self.seq:
            return ChainBreak(self.chain, head.seq + 1, None, "rows past the chain's head were added")
        if head.head_hash != self.prev_hash:
            return ChainBreak(self.chain, self.seq, None, "the chain's head does not name its last row")
        return None
