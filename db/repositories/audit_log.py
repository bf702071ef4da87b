"""Appending to a tenant's audit trail: one chain per transaction, picked at random."""

import logging
import random
from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, insert, select, update

from core.domain.audit import AuditEntry
from core.domain.audit_chain import CHAINS, KEYED, AuditKey, ChainHead, RowSealer, head_mac
from core.domain.clock import utcnow
from core.domain.errors import ConfigurationError
from db.audit_key import audit_key_of
from db.inline_rows import insert_rows
from db.models import AuditHead, AuditRow

log = logging.getLogger("leadops")
CHAIN_PICKS = 5  # chains tried when a head does not verify, before giving up

# Built once (see db/repositories/leads.py): every audited click appends.
_ROWS, _HEADS = AuditRow.table(), AuditHead.table()
_APPEND = insert(_ROWS)
# (An UPDATE's bind parameters may not share a column's name.)
_ONE_HEAD = _HEADS.c.tenant_id == bindparam("of_tenant"), _HEADS.c.chain == bindparam("of_chain")
_LOCKED_HEAD = select(_HEADS.c.seq, _HEADS.c.head_hash, _HEADS.c.head_mac).where(
    *_ONE_HEAD).with_for_update()
_MOVE_HEAD = update(_HEADS).where(*_ONE_HEAD).values(
    seq=bindparam("new_seq"), head_hash=bindparam("new_hash"), head_mac=bindparam("new_mac"))


class SqlAuditRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._chain: int | None = None  # the chain this transaction appends to, once picked

    @property
    def key(self) -> AuditKey:
        return audit_key_of(self.connection)

    def append(self, entry: AuditEntry) -> None:
        self.append_many([entry])

    def append_many(self, entries: Sequence[AuditEntry]) -> None:
        """Chain the entries (all of one tenant) after the head of one of its chains."""
        if not entries:
            return
        tenant_id = entries[0].tenant_id
        head = self._locked_head(tenant_id)
        seq, prev_hash, at, rows = head.seq, head.head_hash, utcnow(), []
        sealer = RowSealer(self.key, chain=head.chain, at=at)
        for entry in entries:
            seq += 1
            mac = sealer.row_mac(prev_hash=prev_hash, seq=seq, entry=entry)
            rows.append({
                "tenant_id": tenant_id, "chain": head.chain, "seq": seq, "algorithm": KEYED, "at": at,
                "actor_user_id": entry.actor_user_id, "actor_name": entry.actor_name,
                "action": entry.action, "entity_type": entry.entity_type, "entity_id": entry.entity_id,
                "before_json": sealer.json_of(entry.before), "after_json": sealer.json_of(entry.after),
                "reason": entry.reason, "batch_id": entry.batch_id, "prev_hash": prev_hash,
                "row_hash": mac,
            })
            prev_hash = mac
        if len(rows) == 1:
            self.connection.execute(_APPEND, rows)
        else:
            insert_rows(self.connection, _ROWS, rows)
        self.connection.execute(_MOVE_HEAD, {
            "of_tenant": tenant_id, "of_chain": head.chain, "new_seq": seq, "new_hash": prev_hash,
            "new_mac": head_mac(self.key, tenant_id=tenant_id, chain=head.chain, seq=seq,
                                head_hash=prev_hash)})

    def _locked_head(self, tenant_id: int) -> ChainHead:
        """The head of this transaction's chain, locked. A head whose MAC does not hold was
        changed outside LeadOps: appending after it would seal the change in, so another chain
        is taken and the broken one is left for `cli.py audit-verify` to name."""
        for _ in range(CHAIN_PICKS):
            chain = self._chain or random.randint(1, CHAINS)
            row = self.connection.execute(
                _LOCKED_HEAD, {"of_tenant": tenant_id, "of_chain": chain}).one_or_none()
            head = ChainHead(tenant_id, chain, row.seq, row.head_hash, row.head_mac) if row else None
            if head is not None and head.is_sealed_by(self.key):
                self._chain = chain
                return head
            log.warning("Audit chain %s of tenant %s does not verify; writing to another chain. "
                        "Run `python cli.py audit-verify`.", chain, tenant_id)
            self._chain = None
        raise ConfigurationError(
            "The audit trail's chains do not verify with this audit key, so nothing was saved. "
            "Check LEADOPS_AUDIT_KEY, then run `python cli.py init-db` and `python cli.py audit-verify`.")
