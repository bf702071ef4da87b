"""Rows written as one INSERT text (db/inline_rows.py) read back as they were given, whatever
their text holds, and the audit rows written that way verify."""

from datetime import datetime

from sqlalchemy import select

from core.domain.audit import AuditEntry
from db import audit_verify
from db.models import AuditRow
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_tenant

AWKWARD = ("O'Brien \"x\" \\ %s %(name)s :name ? -- ; é 中文", "", "abc123", "12", "a b", "0x1F")


def test_many_audit_rows_keep_their_text_and_verify(engine):
    tenant = make_tenant(engine, "inline")
    entries = [AuditEntry(tenant_id=tenant, actor_user_id=None, actor_name=name or "nobody",
                          action="lead.assigned", entity_type="lead", entity_id=str(i),
                          before={"status": "new"}, after={"agent": name, "n": i}, reason=name,
                          batch_id=None)
               for i, name in enumerate(AWKWARD * 3)]
    with SqlUnitOfWork(engine) as uow:
        uow.audit.append_many(entries)
        uow.commit()
    with engine.connect() as connection:
        rows = connection.execute(select(AuditRow.actor_name, AuditRow.entity_id, AuditRow.reason,
                                         AuditRow.at).where(AuditRow.tenant_id == tenant,
                                                            AuditRow.action == "lead.assigned")
                                  .order_by(AuditRow.seq)).all()
    assert [(r.actor_name, r.entity_id, r.reason) for r in rows] == [
        (e.actor_name, e.entity_id, e.reason) for e in entries]
    assert all(isinstance(r.at, datetime) for r in rows)
    assert audit_verify.verify_audit_chains(engine)[1] == []
