from datetime import datetime, timedelta

import pytest

from core import accounts
from core.errors import AccountLocked, LeadOpsError, PermissionDenied
from core.identity import Actor
from core.passwords import hash_password, password_matches
from core.permissions import Role
from core.ports import UserRecord
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 22, 9, 0)


def user(username="ana", role="supervisor", **changes) -> UserRecord:
    values = dict(id=1, tenant_id=1, username=username, name="Ana Ruiz", email=None, role=role,
                  password_hash="x", failed_logins=0, locked_until=None, is_active=True)
    values.update(changes)
    return UserRecord(**values)


def test_fifth_failed_login_locks_for_fifteen_minutes_and_is_audited():
    uow = FakeUnitOfWork(users=[user()])
    messages = [accounts.record_failed_login(uow, "ana", NOW) for _ in range(5)]
    assert messages[:4] == [None] * 4
    assert "locked after 5 failed logins" in messages[4]
    assert uow.users.rows["ana"].locked_until == NOW + timedelta(minutes=15)
    actions = [e.action for e in uow.audit.entries]
    assert actions == ["login.failed"] * 5 + ["login.locked"]


def test_locked_account_is_refused_even_with_the_right_password():
    uow = FakeUnitOfWork(users=[user(locked_until=NOW + timedelta(minutes=3))])
    with pytest.raises(AccountLocked, match="Try again after 09:03 UTC"):
        accounts.record_successful_login(uow, "ana", NOW)
    assert uow.audit.entries[-1].action == "login.refused_locked"


def test_lock_expires_and_success_resets_the_count():
    uow = FakeUnitOfWork(users=[user(failed_logins=3, locked_until=NOW - timedelta(seconds=1))])
    actor = accounts.record_successful_login(uow, "ana", NOW)
    assert actor == Actor(1, "ana", "Ana Ruiz", 1, Role.SUPERVISOR)
    assert uow.users.rows["ana"].failed_logins == 0
    assert uow.audit.entries[-1].action == "login.succeeded"


def test_unknown_username_changes_nothing():
    uow = FakeUnitOfWork(users=[user()])
    assert accounts.record_failed_login(uow, "nobody", NOW) is None
    assert uow.audit.entries == []


def test_deactivated_user_is_no_longer_an_actor():
    uow = FakeUnitOfWork(users=[user(is_active=False)])
    with pytest.raises(PermissionDenied, match="no longer active"):
        accounts.acting_user(uow, "ana")


def test_create_user_hashes_the_password_and_audits():
    uow = FakeUnitOfWork()
    accounts.create_user(uow, tenant_slug="acme", username="Bo.Lin", name="Bo Lin",
                         role="manager", password="long-enough", hash_rounds=4)
    stored = uow.users.rows["bo.lin"]
    assert password_matches("long-enough", stored.password_hash)
    assert uow.audit.entries[-1].action == "user.created"
    assert "long-enough" not in str(uow.audit.entries[-1])


@pytest.mark.parametrize("changes, message", [
    ({"username": "a b"}, "is not allowed"),
    ({"role": "owner"}, "Role 'owner' is unknown"),
    ({"password": "short"}, "at least 8 characters"),
    ({"tenant_slug": "nope"}, "Tenant 'nope' does not exist"),
    ({"username": "ana"}, "Username ana is taken"),
])
def test_create_user_refuses_bad_input_and_writes_nothing(changes, message):
    uow = FakeUnitOfWork(users=[user()])
    values = dict(tenant_slug="acme", username="new.user", name="New", role="manager",
                  password="long-enough", hash_rounds=4) | changes
    with pytest.raises(LeadOpsError, match=message):
        accounts.create_user(uow, **values)
    assert list(uow.users.rows) == ["ana"] and uow.audit.entries == []


def test_only_admins_create_users_and_only_in_their_tenant():
    supervisor = Actor(1, "ana", "Ana", 1, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        accounts.create_user(FakeUnitOfWork(), tenant_slug="acme", username="x.y", name="X",
                             role="manager", password="long-enough", created_by=supervisor,
                             hash_rounds=4)
    foreign_admin = Actor(9, "boss", "Boss", 2, Role.ADMIN)
    with pytest.raises(PermissionDenied, match="own tenant"):
        accounts.create_user(FakeUnitOfWork(), tenant_slug="acme", username="x.y", name="X",
                             role="manager", password="long-enough", created_by=foreign_admin,
                             hash_rounds=4)


def test_password_hash_is_bcrypt_and_verifies():
    hashed = hash_password("correct-horse", rounds=4)
    assert hashed.startswith("$2b$04$")
    assert password_matches("correct-horse", hashed) and not password_matches("wrong", hashed)
