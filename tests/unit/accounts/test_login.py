"""Logging in and out: lockout, one refusal for every failure, the same cost for a name that
does not exist, and sessions that end everywhere at logout or deactivation."""

import time
from datetime import datetime, timedelta

import pytest

from core.accounts import login
from core.accounts.passwords import BCRYPT_ROUNDS, hash_password
from core.domain.errors import InvalidInput, LoginRefused, PermissionDenied, SessionEnded
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.users import UserRecord
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 22, 9, 0)
PASSWORD = "correct-horse"
FAST_HASH = hash_password(PASSWORD, rounds=4)


def user(username="ana", role="supervisor", **changes) -> UserRecord:
    values = dict(id=1, tenant_id=1, username=username, name="Ana Ruiz", email=None, role=role,
                  password_hash=FAST_HASH, failed_logins=0, locked_until=None, is_active=True)
    values.update(changes)
    return UserRecord(**values)


def refusal(uow, username, password) -> str:
    with pytest.raises(LoginRefused) as refused:
        login.log_in(lambda: uow, username=username, password=password, now=NOW)
    return refused.value.message


def test_the_right_password_logs_in_with_the_users_session_generation():
    uow = FakeUnitOfWork(users=[user(failed_logins=3, session_generation=4)])
    session = login.log_in(lambda: uow, username=" Ana ", password=PASSWORD, now=NOW)
    assert session.actor == Actor(1, "ana", "Ana Ruiz", 1, Role.SUPERVISOR)
    assert session.generation == 4
    assert uow.users.rows["ana"].failed_logins == 0
    assert uow.audit.entries[-1].action == "login.succeeded"


def test_fifth_failed_login_locks_for_fifteen_minutes_and_is_audited():
    uow = FakeUnitOfWork(users=[user()])
    for _ in range(5):
        refusal(uow, "ana", "wrong-password")
    assert uow.users.rows["ana"].locked_until == NOW + timedelta(minutes=15)
    actions = [e.action for e in uow.audit.entries]
    assert actions == ["login.failed"] * 5 + ["login.locked"]


def test_a_locked_account_is_refused_even_with_the_right_password():
    uow = FakeUnitOfWork(users=[user(locked_until=NOW + timedelta(minutes=3))])
    refusal(uow, "ana", PASSWORD)
    assert uow.audit.entries[-1].action == "login.refused_locked"


def test_the_lock_expires():
    uow = FakeUnitOfWork(users=[user(failed_logins=3, locked_until=NOW - timedelta(seconds=1))])
    assert login.log_in(lambda: uow, username="ana", password=PASSWORD, now=NOW).actor.username == "ana"


def test_every_refusal_reads_the_same_so_it_tells_no_one_which_usernames_exist():
    uow = FakeUnitOfWork(users=[user(), user("bo", id=2, locked_until=NOW + timedelta(minutes=5)),
                                user("cy", id=3, is_active=False)])
    messages = {refusal(uow, "nobody", PASSWORD), refusal(uow, "ana", "wrong-password"),
                refusal(uow, "bo", PASSWORD), refusal(uow, "bo", "wrong"), refusal(uow, "cy", PASSWORD)}
    for _ in range(4):  # ana's fifth failure locks her account: still the same sentence
        messages.add(refusal(uow, "ana", "wrong-password"))
    assert uow.users.rows["ana"].locked_until is not None
    assert messages == {login.LOGIN_REFUSED}
    assert "an admin" in login.LOGIN_REFUSED and "Users page" in login.LOGIN_REFUSED


def test_an_unknown_name_changes_nothing_and_writes_no_audit_row():
    uow = FakeUnitOfWork(users=[user()])
    refusal(uow, "nobody", PASSWORD)
    assert uow.audit.entries == [] and uow.users.rows["ana"].failed_logins == 0


def _slowest_of_fastest(attempt) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        attempt()
        times.append(time.perf_counter() - started)
    return min(times)


def test_a_wrong_password_and_an_unknown_name_cost_the_same():
    """Both check a bcrypt hash of the production cost: the unknown name a dummy one."""
    real = hash_password(PASSWORD, rounds=BCRYPT_ROUNDS)
    uow = FakeUnitOfWork(users=[user(password_hash=real)])
    wrong = _slowest_of_fastest(lambda: refusal(uow, "ana", "wrong-password"))
    unknown = _slowest_of_fastest(lambda: refusal(uow, "nobody", "wrong-password"))
    assert 0.6 < unknown / wrong < 1.6, (unknown, wrong)


def test_the_password_is_checked_outside_any_transaction(monkeypatch):
    """A bcrypt check takes a quarter of a second: on SQLite a write transaction holds the
    database's one write lock, so no login may hold one while it checks."""
    uow = FakeUnitOfWork(users=[user()])
    open_during_check = []
    real_check = login.password_matches

    def check(password, hashed):
        open_during_check.append(len(uow._last_commit))
        return real_check(password, hashed)

    monkeypatch.setattr(login, "password_matches", check)
    login.log_in(lambda: uow, username="ana", password=PASSWORD, now=NOW)
    refusal(uow, "nobody", PASSWORD)
    assert open_during_check == [0, 0]


def test_a_password_changed_during_the_check_is_not_accepted(monkeypatch):
    uow = FakeUnitOfWork(users=[user()])
    real_check = login.password_matches

    def check_while_an_admin_sets_a_new_one(password, hashed):
        uow.users.rows["ana"].password_hash = hash_password("brand-new-one", rounds=4)
        return real_check(password, hashed)

    monkeypatch.setattr(login, "password_matches", check_while_an_admin_sets_a_new_one)
    refusal(uow, "ana", PASSWORD)


@pytest.mark.parametrize("username, password, missing", [
    ("", "", "Enter your username and password"),
    ("  ", "secret", "Enter your username"),
    ("ana", "", "Enter your password"),
])
def test_an_empty_form_says_what_is_missing(username, password, missing):
    uow = FakeUnitOfWork(users=[user()])
    with pytest.raises(InvalidInput, match=missing):
        login.log_in(lambda: uow, username=username, password=password, now=NOW)
    assert uow.audit.entries == [] and uow.users.rows["ana"].failed_logins == 0


def test_a_session_holds_until_the_user_logs_out_on_any_device():
    uow = FakeUnitOfWork(users=[user()])
    laptop = login.log_in(lambda: uow, username="ana", password=PASSWORD, now=NOW)
    phone = login.log_in(lambda: uow, username="ana", password=PASSWORD, now=NOW)
    assert login.session_user(uow, "ana", phone.generation).username == "ana"
    login.log_out(uow, "ana", laptop.generation)
    for session in (laptop, phone):
        with pytest.raises(SessionEnded, match="Log in again"):
            login.session_user(uow, "ana", session.generation)
    assert uow.audit.entries[-1].action == "logout"
    assert login.log_in(lambda: uow, username="ana", password=PASSWORD, now=NOW).generation == 1


def test_logging_out_a_session_that_already_ended_changes_nothing():
    uow = FakeUnitOfWork(users=[user(session_generation=2)])
    login.log_out(uow, "ana", 1)
    assert uow.users.rows["ana"].session_generation == 2 and uow.audit.entries == []


def test_deactivation_ends_the_session():
    uow = FakeUnitOfWork(users=[user(is_active=False)])
    with pytest.raises(SessionEnded):
        login.session_user(uow, "ana", 0)


def test_the_command_line_acts_as_a_named_active_user():
    assert login.acting_user(FakeUnitOfWork(users=[user()]), "ana").role == Role.SUPERVISOR
    with pytest.raises(PermissionDenied, match="no longer active"):
        login.acting_user(FakeUnitOfWork(users=[user(is_active=False)]), "ana")
