"""Migrations that move data keep it: upgrade from the previous revision and back."""

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from core.domain.audit import AuditEntry
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


def test_lean_rescoring_keeps_history_and_scores_both_ways(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0004")
    with engine.begin() as c:
        _add_tenant(c)
        c.execute(text(
            "INSERT INTO leads (id, tenant_id, name, source, status, created_at, updated_at, "
            "version, source_quality_score, engagement_score, conversion_probability, "
            "urgency_score, overall_score, score_category, score_change) VALUES (7, 1, 'Ann', "
            "'website', 'new', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, 1, 2, 3, 4, "
            "42.5, 'cold', 2.5)"))
        _add_history_row(c)

    upgrade(engine, "0005")
    inspector = inspect(engine)
    assert {key["referred_table"] for key in inspector.get_foreign_keys("score_history")} == {"tenants"}
    assert "scoring_weights" not in {key["referred_table"] for key in inspector.get_foreign_keys("leads")}
    assert "previous_category" in {c["name"] for c in inspector.get_columns("leads")}
    with engine.connect() as c:
        history = c.execute(text("SELECT lead_id, previous_score, new_score FROM score_history"))
        assert history.one() == (7, 40, 42.5)

    downgrade(engine, "0004")
    inspector = inspect(engine)
    assert {key["referred_table"] for key in inspector.get_foreign_keys("score_history")} == {
        "tenants", "leads", "scoring_weights"}
    assert "scoring_weights" in {key["referred_table"] for key in inspector.get_foreign_keys("leads")}
    assert {"ix_leads_tenant_score_change", "ix_leads_tenant_status_score"} <= {
        i["name"] for i in inspector.get_indexes("leads")}
    with engine.connect() as c:
        assert c.execute(text("SELECT lead_id, new_score FROM score_history")).one() == (7, 42.5)
        assert c.execute(text("SELECT overall_score, score_change FROM leads")).one() == (42.5, 2.5)

    upgrade(engine, "0005")  # and forward again, by the same names
    assert {key["referred_table"] for key in inspect(engine).get_foreign_keys("score_history")} == {"tenants"}


def test_history_loses_its_tenant_key_and_gets_it_back(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0005")
    with engine.begin() as c:
        _add_tenant(c)
        _add_history_row(c)

    upgrade(engine, "0006")
    assert inspect(engine).get_foreign_keys("score_history") == []
    downgrade(engine, "0005")
    assert [key["referred_table"] for key in inspect(engine).get_foreign_keys("score_history")] == [
        "tenants"]
    upgrade(engine)
    assert inspect(engine).get_foreign_keys("score_history") == []
    with engine.connect() as c:
        assert c.execute(text("SELECT tenant_id, lead_id, new_score FROM score_history")).one() == (
            1, 7, 42.5)


def _add_tenant(connection) -> None:
    connection.execute(text("INSERT INTO tenants (id, slug, name, created_at) "
                            "VALUES (1, 'acme', 'Acme', '2026-01-01 00:00:00')"))


def _add_history_row(connection) -> None:
    """Lead 7's score went from 40 to 42.5 (cold)."""
    connection.execute(text("INSERT INTO score_history (tenant_id, lead_id, previous_score, "
                            "new_score, new_category, calculated_at) VALUES (1, 7, 40, 42.5, "
                            "'cold', '2026-01-02 00:00:00')"))
