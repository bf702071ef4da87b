"""Logging in: failed logins lock the account, success resets the count, and who acts."""

from datetime import datetime, timedelta

import pytest

from core.accounts import login
from core.domain.errors import AccountLocked, PermissionDenied
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.users import UserRecord
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 22, 9, 0)


def user(username="ana", role="supervisor", **changes) -> UserRecord:
    values = dict(id=1, tenant_id=1, username=username, name="Ana Ruiz", email=None, role=role,
                  password_hash="x", failed_logins=0, locked_until=None, is_active=True)
    values.update(changes)
    return UserRecord(**values)


def test_fifth_failed_login_locks_for_fifteen_minutes_and_is_audited():
    uow = FakeUnitOfWork(users=[user()])
    messages = [login.record_failed_login(uow, "ana", NOW) for _ in range(5)]
    assert messages[:4] == [None] * 4
    assert "locked after 5 failed logins" in messages[4]
    assert uow.users.rows["ana"].locked_until == NOW + timedelta(minutes=15)
    actions = [e.action for e in uow.audit.entries]
    assert actions == ["login.failed"] * 5 + ["login.locked"]


def test_locked_account_is_refused_even_with_the_right_password():
    uow = FakeUnitOfWork(users=[user(locked_until=NOW + timedelta(minutes=3))])
    with pytest.raises(AccountLocked, match="Try again after 09:03 UTC"):
        login.record_successful_login(uow, "ana", NOW)
    assert uow.audit.entries[-1].action == "login.refused_locked"


def test_lock_expires_and_success_resets_the_count():
    uow = FakeUnitOfWork(users=[user(failed_logins=3, locked_until=NOW - timedelta(seconds=1))])
    actor = login.record_successful_login(uow, "ana", NOW)
    assert actor == Actor(1, "ana", "Ana Ruiz", 1, Role.SUPERVISOR)
    assert uow.users.rows["ana"].failed_logins == 0
    assert uow.audit.entries[-1].action == "login.succeeded"


def test_unknown_username_changes_nothing():
    uow = FakeUnitOfWork(users=[user()])
    assert login.record_failed_login(uow, "nobody", NOW) is None
    assert uow.audit.entries == []


def test_deactivated_user_is_no_longer_an_actor():
    uow = FakeUnitOfWork(users=[user(is_active=False)])
    with pytest.raises(PermissionDenied, match="no longer active"):
        login.acting_user(uow, "ana")
