"""Appending to a tenant's audit chain."""

from collections.abc import Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from core.domain.audit import AuditEntry, chain_hash, to_json
from core.domain.clock import utcnow
from db.models import AuditHead, AuditRow


class SqlAuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, entry: AuditEntry) -> None:
        self.append_many([entry])

    def append_many(self, entries: Sequence[AuditEntry]) -> None:
        """Chain the entries (all of one tenant) after the tenant's head, in one insert."""
        if not entries:
            return
        tenant_id = entries[0].tenant_id
        # Locking the head row orders concurrent appends of the tenant.
        head = self.session.execute(
            select(AuditHead.seq, AuditHead.head_hash)
            .where(AuditHead.tenant_id == tenant_id)
            .with_for_update()
        ).one()
        seq, prev_hash, at, rows = head.seq, head.head_hash, utcnow(), []
        for entry in entries:
            seq += 1
            row_hash = chain_hash(prev_hash=prev_hash, seq=seq, at=at, entry=entry)
            rows.append(dict(
                tenant_id=tenant_id, seq=seq, at=at, actor_user_id=entry.actor_user_id,
                actor_name=entry.actor_name, action=entry.action, entity_type=entry.entity_type,
                entity_id=entry.entity_id, before_json=to_json(entry.before),
                after_json=to_json(entry.after), reason=entry.reason, batch_id=entry.batch_id,
                prev_hash=prev_hash, row_hash=row_hash,
            ))
            prev_hash = row_hash
        self.session.execute(insert(AuditRow), rows)
        self.session.execute(
            update(AuditHead).where(AuditHead.tenant_id == tenant_id)
            .values(seq=seq, head_hash=prev_hash)
        )
