"""Login bookkeeping and the audit chain, on a real database."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from core.accounts import login, users
from core.accounts.passwords import password_matches
from core.domain.clock import utcnow
from core.domain.errors import LoginRefused, SessionEnded
from core.domain.identity import Actor
from db.audit_verify import verify_audit_chains
from db.models import AuditRow, User
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_tenant, make_user

NOW = datetime(2026, 11, 22, 9, 0)


@pytest.fixture
def tenant(engine):
    tenant_id = make_tenant(engine, "acme")
    make_user(engine, tenant_id, "ana", "supervisor")
    return tenant_id


def log_in(engine, username, password, now=NOW) -> login.LoginSession:
    """What the login page does, with bcrypt in streamlit-authenticator's place."""
    entry = login.login_entry(SqlUnitOfWork(engine, read_only=True), username)
    if password_matches(password, entry.password_hash):
        return login.record_successful_login(SqlUnitOfWork(engine), entry.username,
                                             checked_hash=entry.password_hash, now=now)
    login.record_failed_login(SqlUnitOfWork(engine), entry.username, now)
    raise LoginRefused(login.LOGIN_REFUSED)


def fail_login(engine, now=NOW):
    with pytest.raises(LoginRefused):
        log_in(engine, "ana", "wrong-password", now=now)


def test_lockout_is_stored_and_audited(engine, tenant):
    for _ in range(5):
        fail_login(engine)
    with Session(engine) as s:
        locked_until = s.scalar(select(User.locked_until).where(User.username == "ana"))
        assert locked_until == NOW + timedelta(minutes=15)
        actions = s.scalars(select(AuditRow.action).order_by(AuditRow.id)).all()
    assert actions == ["login.failed"] * 5 + ["login.locked"]
    with pytest.raises(LoginRefused):
        log_in(engine, "ana", "correct-horse", now=NOW + timedelta(minutes=14))
    session = log_in(engine, "ana", "correct-horse", now=NOW + timedelta(minutes=16))
    assert session.actor.username == "ana" and session.actor.tenant_id == tenant


def test_logging_out_ends_the_users_sessions_on_the_database(engine, tenant):
    session = log_in(engine, "ana", "correct-horse")
    assert login.session_user(SqlUnitOfWork(engine), "ana", session.generation).username == "ana"
    before = utcnow()
    assert login.cookie_session(SqlUnitOfWork(engine), "ana", issued_at=before).actor.username == "ana"
    login.log_out(SqlUnitOfWork(engine), "ana", session.generation)
    with pytest.raises(SessionEnded):
        login.session_user(SqlUnitOfWork(engine), "ana", session.generation)
    with pytest.raises(SessionEnded):  # a login cookie issued before the logout
        login.cookie_session(SqlUnitOfWork(engine), "ana", issued_at=before)
    assert login.cookie_session(SqlUnitOfWork(engine), "ana", issued_at=utcnow()).generation == 1


def test_audit_chain_verifies_and_names_a_tampered_row(engine, tenant):
    for _ in range(3):
        fail_login(engine)
    assert verify_audit_chains(engine) == (3, [])
    with engine.begin() as c:
        second, chain, seq = c.execute(select(AuditRow.id, AuditRow.chain, AuditRow.seq)
                                       .order_by(AuditRow.id).offset(1).limit(1)).one()
        c.execute(update(AuditRow).where(AuditRow.id == second).values(reason="edited later"))
    checked, breaks = verify_audit_chains(engine)
    assert [(b.tenant_slug, b.broken.chain, b.broken.seq, b.broken.row_id) for b in breaks] == [
        ("acme", chain, seq, second)]
    assert breaks[0].broken.problem.startswith("its content was changed")


def test_audit_verify_notices_a_deleted_newest_row(engine, tenant):
    for _ in range(2):
        fail_login(engine)
    with engine.begin() as c:
        newest, chain, seq = c.execute(select(AuditRow.id, AuditRow.chain, AuditRow.seq)
                                       .order_by(AuditRow.id.desc()).limit(1)).one()
        c.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": newest})
    _, breaks = verify_audit_chains(engine)
    assert [(b.broken.chain, b.broken.problem.split(" (")[0]) for b in breaks] == [
        (chain, f"row {seq} and later were removed")]


def test_create_user_persists_a_bcrypt_login(engine, tenant):
    users.create_user(SqlUnitOfWork(engine), Actor.operator(tenant_id=tenant), username="bo",
                      name="Bo Lin", role="manager", password="long-enough", hash_rounds=4)
    session = log_in(engine, "bo", "long-enough")
    assert session.actor.role == "manager"


def test_an_admin_manages_users_on_the_database(engine, tenant):
    from core.accounts import user_admin

    admin = Actor.operator(tenant_id=tenant)
    fail_login(engine)
    user_admin.change_role(SqlUnitOfWork(engine), admin, username="ana", role="manager")
    user_admin.unlock_user(SqlUnitOfWork(engine), admin, username="ana")
    user_admin.set_password(SqlUnitOfWork(engine), admin, username="ana", password="new-secret-1",
                            hash_rounds=4)
    user_admin.set_active(SqlUnitOfWork(engine), admin, username="ana", active=False)
    with Session(engine) as s:
        ana = s.scalars(select(User).where(User.username == "ana")).one()
        assert (ana.role, ana.failed_logins, ana.is_active, ana.session_generation) == (
            "manager", 0, False, 2)  # the new password and the deactivation each ended sessions
        assert s.scalars(select(AuditRow.action).order_by(AuditRow.id)).all() == [
            "login.failed", "user.role_changed", "user.unlocked", "user.password_set",
            "user.deactivated"]
    [listed] = user_admin.list_users(SqlUnitOfWork(engine, read_only=True), admin, now=NOW)
    assert (listed.username, listed.role, listed.is_active, listed.is_locked) == (
        "ana", "manager", False, False)
    assert verify_audit_chains(engine)[1] == []
