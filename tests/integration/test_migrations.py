"""Migrations that move data keep it: upgrade from the previous revision and back."""

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from core.audit import AuditEntry
from db.audit_verify import verify_audit_chains
from db.migrate import downgrade, upgrade
from db.repositories.audit_log import SqlAuditRepository


def test_audit_heads_move_off_the_tenant_row_and_back(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0002")
    with engine.begin() as c:
        c.execute(text("INSERT INTO tenants (id, slug, name, created_at, audit_seq, audit_head_hash) "
                       "VALUES (1, 'acme', 'Acme', '2026-01-01 00:00:00', 0, :genesis)"),
                  {"genesis": "0" * 64})
    upgrade(engine, "0003")
    with Session(engine) as session, session.begin():
        for action in ("one", "two"):
            SqlAuditRepository(session).append(AuditEntry(
                tenant_id=1, actor_user_id=None, actor_name="test", action=action,
                entity_type="tenant", entity_id="1"))
    assert verify_audit_chains(engine) == (2, [])
    with engine.connect() as c:
        seq, head = c.execute(text("SELECT seq, head_hash FROM audit_heads WHERE tenant_id = 1")).one()
    assert seq == 2

    downgrade(engine, "0002")
    assert "audit_heads" not in inspect(engine).get_table_names()
    with engine.connect() as c:
        assert c.execute(text("SELECT audit_seq, audit_head_hash FROM tenants")).one() == (2, head)

    upgrade(engine)
    with engine.connect() as c:
        assert c.execute(text("SELECT seq, head_hash FROM audit_heads")).one() == (2, head)
    assert verify_audit_chains(engine) == (2, [])
