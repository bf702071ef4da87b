"""Reading audit rows as the chains see them, chain by chain, in chunks."""

import json
from collections.abc import Iterator

from sqlalchemy import Connection, select

from core.domain.audit import AuditEntry
from core.domain.audit_chain import ChainedRow
from db.models import AuditRow
from db.results import AnyRow

CHUNK = 5000


def chained_rows(connection: Connection, tenant_id: int, chain: int) -> Iterator[ChainedRow]:
    """One chain's rows in seq order, CHUNK at a time (a chain may hold millions)."""
    last_seq = 0
    while True:
        rows = connection.execute(
            select(*AuditRow.__table__.columns)
            .where(AuditRow.tenant_id == tenant_id, AuditRow.chain == chain, AuditRow.seq > last_seq)
            .order_by(AuditRow.seq).limit(CHUNK)).all()
        for row in rows:
            yield _chained(row)
        if len(rows) < CHUNK:
            return
        last_seq = rows[-1].seq


def _chained(row: AnyRow) -> ChainedRow:
    entry = AuditEntry(
        tenant_id=row.tenant_id, actor_user_id=row.actor_user_id, actor_name=row.actor_name,
        action=row.action, entity_type=row.entity_type, entity_id=row.entity_id,
        before=json.loads(row.before_json) if row.before_json else None,
        after=json.loads(row.after_json) if row.after_json else None,
        reason=row.reason, batch_id=row.batch_id)
    return ChainedRow(row.id, row.chain, row.seq, row.at, row.algorithm, row.prev_hash,
                      row.row_hash, entry)
