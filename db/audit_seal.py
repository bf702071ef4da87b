"""Sealing chain heads that a migration made without the key (migration 0007): each gets its
MAC, so that winding it back, or cutting rows off its chain, is detected from then on.

A head with rows behind it (a tenant's legacy chain) is sealed only if that chain verifies:
sealing a chain someone had already changed would hide the change.
"""

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, select, update

from core.domain.audit_chain import AuditKey, ChainWalk, head_mac
from db.audit_key import audit_key_of
from db.audit_rows import chained_rows
from db.models import AuditHead


@dataclass(frozen=True)
class SealReport:
    sealed: int
    refused: list[str]  # one sentence per head left unsealed, and why


def _chain_holds(connection: Connection, key: AuditKey, tenant_id: int, chain: int, seq: int,
                 head_hash: str) -> str | None:
    walk = ChainWalk(key, chain)
    for row in chained_rows(connection, tenant_id, chain):
        walk.feed(row)
    if walk.broken is not None:
        return walk.broken.problem
    if (walk.seq, walk.prev_hash) != (seq, head_hash):
        return "its head does not name its last row"
    return None


def seal_heads(engine: Engine) -> SealReport:
    """Seal every head that has no MAC yet, with the engine's audit key."""
    key = audit_key_of(engine)
    sealed: list[dict[str, object]] = []
    refused: list[str] = []
    with engine.begin() as connection:
        unsealed = connection.execute(
            select(AuditHead.tenant_id, AuditHead.chain, AuditHead.seq, AuditHead.head_hash)
            .where(AuditHead.head_mac.is_(None))).all()
        for tenant_id, chain, seq, head_hash in unsealed:
            problem = _chain_holds(connection, key, tenant_id, chain, seq, head_hash) if seq else None
            if problem:
                refused.append(f"tenant {tenant_id}, chain {chain}: not sealed, {problem}")
                continue
            sealed.append({"t": tenant_id, "c": chain, "mac": head_mac(
                key, tenant_id=tenant_id, chain=chain, seq=seq, head_hash=head_hash)})
        if sealed:
            connection.execute(
                update(AuditHead)  # executemany: one statement, a row of values each
                .where(AuditHead.tenant_id == bindparam("t"), AuditHead.chain == bindparam("c"))
                .values(head_mac=bindparam("mac")), sealed)
    return SealReport(len(sealed), refused)
