"""Login bookkeeping: one user read per login, lockout, one refusal for every failure, a
dummy hash of the same cost for a name that does not exist, and sessions (and login cookies)
that end everywhere at logout, deactivation or a new password.

streamlit-authenticator checks the password between `login_entry` and the `record_*` calls;
`attempt` below does what the page does, with bcrypt in the library's place."""

from datetime import datetime, timedelta

import bcrypt
import pytest

from core.accounts import login, user_admin
from core.accounts.passwords import BCRYPT_ROUNDS, DUMMY_HASH, hash_password, password_matches
from core.domain.errors import LoginRefused, PermissionDenied, SessionEnded
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


def attempt(uow, username, password, now=NOW) -> login.LoginSession:
    entry = login.login_entry(uow, username)
    if password_matches(password, entry.password_hash):
        return login.record_successful_login(uow, entry.username, checked_hash=entry.password_hash,
                                             now=now)
    login.record_failed_login(uow, entry.username, now)
    raise LoginRefused(login.LOGIN_REFUSED)  # what the page says, whatever was recorded


def refusal(uow, username, password) -> str:
    with pytest.raises(LoginRefused) as refused:
        attempt(uow, username, password)
    return refused.value.message


def test_the_login_reads_the_one_user_typed_with_what_the_check_needs():
    uow = FakeUnitOfWork(users=[user(), user("bo", id=2, role="admin", name="Bo")])
    assert login.login_entry(uow, " Bo ") == login.LoginEntry("bo", "Bo", "admin", FAST_HASH)


def test_an_unknown_name_gets_a_dummy_hash_of_the_production_cost_that_nothing_matches():
    entry = login.login_entry(FakeUnitOfWork(users=[user()]), "nobody")
    assert entry.password_hash == DUMMY_HASH
    assert DUMMY_HASH.startswith(f"$2b${BCRYPT_ROUNDS}$")  # what every stored hash costs
    assert bcrypt.checkpw(b"", DUMMY_HASH.encode()) is False
    assert not password_matches(PASSWORD, DUMMY_HASH)


def test_the_right_password_logs_in_with_the_users_session_generation():
    uow = FakeUnitOfWork(users=[user(failed_logins=3, session_generation=4)])
    session = attempt(uow, " Ana ", PASSWORD)
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
    refusal(uow, "ana", "wrong-password")  # audited, not counted: the lock does not grow
    assert uow.audit.entries[-1].action == "login.refused_locked"
    assert uow.users.rows["ana"].locked_until == NOW + timedelta(minutes=3)


def test_a_deactivated_account_is_refused_even_with_the_right_password():
    uow = FakeUnitOfWork(users=[user(is_active=False)])
    refusal(uow, "ana", PASSWORD)
    assert uow.audit.entries[-1].action == "login.refused_inactive"


def test_the_lock_expires():
    uow = FakeUnitOfWork(users=[user(failed_logins=3, locked_until=NOW - timedelta(seconds=1))])
    assert attempt(uow, "ana", PASSWORD).actor.username == "ana"


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
    with pytest.raises(LoginRefused):  # however it got there
        login.record_successful_login(uow, "nobody", checked_hash=DUMMY_HASH, now=NOW)
    assert uow.audit.entries == [] and uow.users.rows["ana"].failed_logins == 0


def test_each_step_is_its_own_short_transaction():
    """The bcrypt check (a quarter of a second) runs between them: on SQLite a write
    transaction holds the database's one write lock, so no login may hold one while it checks."""
    uow = FakeUnitOfWork(users=[user()])
    login.login_entry(uow, "ana")
    assert uow._last_commit == []  # the read is over before the library checks the hash
    login.record_successful_login(uow, "ana", checked_hash=FAST_HASH, now=NOW)
    assert uow._last_commit == [] and uow.committed == 1


def test_a_password_changed_during_the_check_is_not_accepted():
    uow = FakeUnitOfWork(users=[user()])
    entry = login.login_entry(uow, "ana")
    uow.users.rows["ana"].password_hash = hash_password("brand-new-one", rounds=4)  # an admin, meanwhile
    with pytest.raises(LoginRefused):
        login.record_successful_login(uow, "ana", checked_hash=entry.password_hash, now=NOW)
    assert uow.audit.entries[-1].action == "login.failed"


@pytest.mark.parametrize("username, password, missing", [
    ("", "", "Enter your username and password to log in."),
    ("  ", "secret", "Enter your username to log in."),
    ("ana", "", "Enter your password to log in."),
])
def test_an_empty_form_says_what_is_missing(username, password, missing):
    assert login.missing_login_fields(username, password) == missing


def test_a_filled_form_misses_nothing():
    assert login.missing_login_fields("ana", "x") is None


def test_a_session_holds_until_the_user_logs_out_on_any_device():
    uow = FakeUnitOfWork(users=[user()])
    laptop = attempt(uow, "ana", PASSWORD)
    phone = attempt(uow, "ana", PASSWORD)
    assert login.session_user(uow, "ana", phone.generation).username == "ana"
    login.log_out(uow, "ana", laptop.generation)
    for session in (laptop, phone):
        with pytest.raises(SessionEnded, match="Log in again"):
            login.session_user(uow, "ana", session.generation)
    assert uow.audit.entries[-1].action == "logout"
    assert attempt(uow, "ana", PASSWORD).generation == 1


def test_logging_out_a_session_that_already_ended_changes_nothing():
    uow = FakeUnitOfWork(users=[user(session_generation=2)])
    login.log_out(uow, "ana", 1)
    assert uow.users.rows["ana"].session_generation == 2 and uow.audit.entries == []


def test_deactivation_ends_the_session():
    uow = FakeUnitOfWork(users=[user(is_active=False)])
    with pytest.raises(SessionEnded):
        login.session_user(uow, "ana", 0)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_login_cookie_logs_in_until_the_users_sessions_end():
    clock = Clock(NOW)
    uow = FakeUnitOfWork(users=[user(session_generation=3)], clock=clock)
    issued = NOW - timedelta(hours=2)
    restored = login.cookie_session(uow, "ana", issued_at=issued)
    assert restored.actor.username == "ana" and restored.generation == 3
    clock.now = NOW + timedelta(minutes=1)
    login.log_out(uow, "ana", 3)  # on any device
    with pytest.raises(SessionEnded, match="Log in again"):
        login.cookie_session(uow, "ana", issued_at=issued)
    later = NOW + timedelta(minutes=1, microseconds=1)  # a login after the logout
    assert login.cookie_session(uow, "ana", issued_at=later).generation == 4


@pytest.mark.parametrize("ends_sessions", [
    lambda uow: user_admin.set_active(uow, Actor.operator(tenant_id=1), username="ana", active=False),
    lambda uow: user_admin.set_password(uow, Actor.operator(tenant_id=1), username="ana",
                                        password="a-new-secret", hash_rounds=4),
])
def test_deactivation_and_a_new_password_end_the_login_cookies_too(ends_sessions):
    clock = Clock(NOW)
    uow = FakeUnitOfWork(users=[user()], clock=clock)
    ends_sessions(uow)
    if not uow.users.rows["ana"].is_active:
        uow.users.rows["ana"].is_active = True  # reactivated: the old cookie still does not work
    with pytest.raises(SessionEnded):
        login.cookie_session(uow, "ana", issued_at=NOW - timedelta(seconds=1))
    assert login.cookie_session(uow, "ana", issued_at=NOW + timedelta(seconds=1)).actor.username == "ana"


def test_a_cookie_for_a_deactivated_or_unknown_user_logs_no_one_in():
    uow = FakeUnitOfWork(users=[user(is_active=False)])
    for name in ("ana", "nobody"):
        with pytest.raises(SessionEnded):
            login.cookie_session(uow, name, issued_at=NOW)


def test_the_command_line_acts_as_a_named_active_user():
    assert login.acting_user(FakeUnitOfWork(users=[user()]), "ana").role == Role.SUPERVISOR
    with pytest.raises(PermissionDenied, match="no longer active"):
        login.acting_user(FakeUnitOfWork(users=[user(is_active=False)]), "ana")
