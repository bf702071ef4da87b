"""Migrations that move data keep it: upgrade from the previous revision and back."""

from datetime import datetime

import pytest
from sqlalchemy import insert, inspect, select, text

from core.domain.audit import AuditEntry
from core.domain.audit_chain import CHAINS, legacy_hash
from db.audit_seal import SealReport, seal_heads
from db.audit_verify import verify_audit_chains
from db.migrate import downgrade, upgrade
from db.models import Lead, User
from db.repositories.audit_log import SqlAuditRepository


def _legacy_rows(connection, *actions: str) -> str:
    """Audit rows as LeadOps wrote them before keyed chains (migrations 0003-0006): one unkeyed
    SHA-256 chain per tenant, its head in audit_heads. Returns the newest hash."""
    seq, prev = connection.execute(text("SELECT seq, head_hash FROM audit_heads WHERE tenant_id = 1")).one()
    for action in actions:
        seq += 1
        at = datetime(2026, 1, 1, 0, 0, seq)
        entry = AuditEntry(tenant_id=1, actor_user_id=None, actor_name="test", action=action,
                           entity_type="tenant", entity_id="1")
        row_hash = legacy_hash(prev_hash=prev, seq=seq, at=at, entry=entry)
        connection.execute(text(
            "INSERT INTO audit_log (tenant_id, seq, at, actor_name, action, entity_type, entity_id, "
            "prev_hash, row_hash) VALUES (1, :seq, :at, 'test', :action, 'tenant', '1', :prev, :hash)"),
            {"seq": seq, "at": at, "action": action, "prev": prev, "hash": row_hash})
        prev = row_hash
    connection.execute(text("UPDATE audit_heads SET seq = :seq, head_hash = :hash WHERE tenant_id = 1"),
                       {"seq": seq, "hash": prev})
    return prev


def test_audit_heads_move_off_the_tenant_row_and_back(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0002")
    with engine.begin() as c:
        c.execute(text("INSERT INTO tenants (id, slug, name, created_at, audit_seq, audit_head_hash) "
                       "VALUES (1, 'acme', 'Acme', '2026-01-01 00:00:00', 0, :genesis)"),
                  {"genesis": "0" * 64})
    upgrade(engine, "0003")
    with engine.begin() as c:
        head = _legacy_rows(c, "one", "two")
    downgrade(engine, "0002")
    assert "audit_heads" not in inspect(engine).get_table_names()
    with engine.connect() as c:
        assert c.execute(text("SELECT audit_seq, audit_head_hash FROM tenants")).one() == (2, head)
    upgrade(engine, "0003")
    with engine.connect() as c:
        assert c.execute(text("SELECT seq, head_hash FROM audit_heads")).one() == (2, head)


def test_rows_from_before_keyed_chains_stay_verifiable_and_are_sealed(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0006")
    with engine.begin() as c:
        _add_tenant(c)
        c.execute(text("INSERT INTO audit_heads (tenant_id, seq, head_hash) VALUES (1, 0, :g)"),
                  {"g": "0" * 64})
        _legacy_rows(c, "one", "two", "three")

    upgrade(engine)
    assert seal_heads(engine) == SealReport(sealed=CHAINS + 1, refused=[])  # the legacy chain too
    assert verify_audit_chains(engine) == (3, [])
    with engine.begin() as connection:
        SqlAuditRepository(connection).append(AuditEntry(
            tenant_id=1, actor_user_id=None, actor_name="test", action="after the upgrade",
            entity_type="tenant", entity_id="1"))
    with engine.connect() as c:
        placed = c.execute(text("SELECT chain, algorithm FROM audit_log ORDER BY id")).all()
    assert [tuple(row) for row in placed][:3] == [(0, "sha256")] * 3
    assert placed[3].chain != 0 and placed[3].algorithm == "hmac-sha256"
    assert verify_audit_chains(engine) == (4, [])

    with engine.begin() as c:  # the old rows stay guarded: an edit is still named
        c.execute(text("UPDATE audit_log SET reason = 'edited' WHERE chain = 0 AND seq = 2"))
    _, breaks = verify_audit_chains(engine)
    assert [(b.broken.chain, b.broken.seq) for b in breaks] == [(0, 2)]
    with pytest.raises(RuntimeError, match="keyed chains"):  # going back would orphan the new row
        downgrade(engine, "0006")


def test_a_legacy_chain_changed_before_the_upgrade_is_not_sealed(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0006")
    with engine.begin() as c:
        _add_tenant(c)
        c.execute(text("INSERT INTO audit_heads (tenant_id, seq, head_hash) VALUES (1, 0, :g)"),
                  {"g": "0" * 64})
        _legacy_rows(c, "one", "two")
        c.execute(text("UPDATE audit_log SET action = 'rewritten' WHERE seq = 1"))
    upgrade(engine)
    report = seal_heads(engine)
    assert report.sealed == CHAINS and len(report.refused) == 1
    assert report.refused[0].startswith("tenant 1, chain 0: not sealed")


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


def test_users_get_a_session_generation_starting_at_zero_and_lose_it_again(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0009")
    with engine.begin() as c:
        _add_tenant(c)
        c.execute(text("INSERT INTO users (tenant_id, username, name, role, password_hash, is_active, "
                       "failed_logins, created_at) VALUES (1, 'ana', 'Ana', 'admin', 'x', 1, 0, "
                       "'2026-01-01 00:00:00')"))
    upgrade(engine, "0010")
    with engine.connect() as c:
        assert c.execute(text("SELECT username, session_generation FROM users")).one() == ("ana", 0)
    downgrade(engine, "0009")
    assert "session_generation" not in {c["name"] for c in inspect(engine).get_columns("users")}
    upgrade(engine)


def test_users_note_when_their_sessions_ended_to_the_microsecond(unmigrated_engine):
    """A login cookie is compared with this moment: a whole second lost could let a cookie
    issued just before a logout through."""
    engine = unmigrated_engine
    upgrade(engine, "0010")
    with engine.begin() as c:
        _add_tenant(c)
        c.execute(text("INSERT INTO users (tenant_id, username, name, role, password_hash, is_active, "
                       "failed_logins, created_at) VALUES (1, 'ana', 'Ana', 'admin', 'x', 1, 0, "
                       "'2026-01-01 00:00:00')"))
    upgrade(engine, "0011")
    ended = datetime(2026, 1, 2, 3, 4, 5, 678901)
    with engine.begin() as c:
        assert c.execute(text("SELECT sessions_ended_at FROM users")).scalar_one() is None
        c.execute(text("UPDATE users SET sessions_ended_at = :t"), {"t": ended})
    with engine.connect() as c:
        assert c.execute(select(User.sessions_ended_at)).scalar_one() == ended
    downgrade(engine, "0010")
    assert "sessions_ended_at" not in {c["name"] for c in inspect(engine).get_columns("users")}
    upgrade(engine)


def test_gamification_totals_start_as_the_ledger_and_go_again(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0008")
    with engine.begin() as c:
        _add_tenant(c)
        c.execute(text("INSERT INTO agents (id, tenant_id, name, team, skills, max_capacity, "
                       "availability, open_leads, version, created_at, updated_at) VALUES "
                       "(3, 1, 'Ana', '', 'sales', 5, 'available', 0, 1, '2026-01-01 00:00:00', "
                       "'2026-01-01 00:00:00'), (4, 1, 'Bo', '', 'sales', 5, 'available', 0, 1, "
                       "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        c.execute(text("INSERT INTO points_ledger (tenant_id, agent_id, points, reason, awarded_at) "
                       "VALUES (1, 3, 5, 'contacted', '2026-01-02 00:00:00'), "
                       "(1, 3, 100, 'converted', '2026-01-03 00:00:00')"))
    upgrade(engine, "0009")
    with engine.connect() as c:
        totals = c.execute(text("SELECT id, points_total FROM agents ORDER BY id")).all()
    assert [tuple(row) for row in totals] == [(3, 105), (4, 0)]
    columns = {c["name"] for c in inspect(engine).get_columns("leads")}
    assert {"first_contact_at", "lost_reason"} <= columns
    downgrade(engine, "0008")
    assert "points_total" not in {c["name"] for c in inspect(engine).get_columns("agents")}
    assert "lost_reason" not in {c["name"] for c in inspect(engine).get_columns("leads")}
    upgrade(engine)


def test_routing_tables_come_and_go_with_their_rows(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0013")
    with engine.begin() as c:
        _add_tenant(c)
        c.execute(text("INSERT INTO routing_rules (tenant_id, position, name, sources, categories, "
                       "score_min, score_max, teams, strategy, on_arrival, active, reroute_breached, "
                       "version, created_at, updated_at) VALUES (1, 1, 'Hot', '[\"website\"]', '[]', 0, "
                       "100, '[]', 'round_robin', 1, 1, 0, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        c.execute(text("INSERT INTO routing_pointers (rule_id, tenant_id, agent_id) VALUES (1, 1, 7)"))
        c.execute(text("INSERT INTO routing_runs (tenant_id, last_run_at, placed, leads_left) "
                       "VALUES (1, '2026-01-01 00:00:00', 3, 2)"))
    downgrade(engine, "0011")
    assert not {"routing_rules", "routing_pointers", "routing_runs"} & set(inspect(engine).get_table_names())
    upgrade(engine)


def test_agents_close_counters_start_as_their_closed_leads_and_go_again(unmigrated_engine):
    engine = unmigrated_engine
    upgrade(engine, "0011")
    with engine.begin() as c:
        _add_tenant(c)
        c.execute(text("INSERT INTO agents (id, tenant_id, name, team, skills, max_capacity, "
                       "availability, open_leads, version, created_at, updated_at) VALUES "
                       "(3, 1, 'Ana', '', 'sales', 5, 'available', 1, 1, '2026-01-01 00:00:00', "
                       "'2026-01-01 00:00:00'), (4, 1, 'Bo', '', 'sales', 5, 'available', 0, 1, "
                       "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        for status in ("converted", "lost", "lost", "assigned"):
            # The leads table is the same at 0011 as now: the model's defaults fill the rest.
            c.execute(insert(Lead).values(tenant_id=1, name="L", source="website", status=status,
                                          agent_id=3, created_at=datetime(2026, 1, 1),
                                          updated_at=datetime(2026, 1, 1)))
    upgrade(engine, "0015")
    with engine.connect() as c:
        counters = c.execute(text("SELECT id, closed_leads, converted_leads FROM agents ORDER BY id")).all()
    assert [tuple(row) for row in counters] == [(3, 3, 1), (4, 0, 0)]
    downgrade(engine, "0011")
    assert "closed_leads" not in {c["name"] for c in inspect(engine).get_columns("agents")}
    upgrade(engine)
