"""Login bookkeeping, lockout, sessions and the acting user (docs/design.md §2, §7).

streamlit-authenticator checks the password (pages/_shared/login.py); this module gives it the
one user it needs and keeps what must outlive a Streamlit session in the database: the
failure count and lockout, the audit trail, and when the user's sessions ended.

A login reads one user, by the name typed (`login_entry`), and the library checks one bcrypt
hash whatever happens (a dummy one for a name that does not exist), so neither the answer nor
the time it takes tells which usernames exist. The check runs between two short transactions
(this read, then `record_successful_login` or `record_failed_login` under the row's lock),
never inside one: on SQLite a write transaction holds the database's only write lock.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.accounts.passwords import DUMMY_HASH
from core.domain.audit import AuditEntry
from core.domain.errors import LoginRefused, PermissionDenied, SessionEnded
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.users import UserIdentity, UserRecord
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
LOGIN_REFUSED = (
    "Username or password is incorrect. "
    f"{MAX_FAILED_LOGINS} failed logins in a row lock an account for "
    f"{LOCKOUT.seconds // 60} minutes; an admin can unlock it sooner on the Users page."
)
SESSION_ENDED = ("Your session has ended (you logged out, or an admin changed your account). "
                 "Log in again.")


@dataclass(frozen=True)
class LoginEntry:
    """What the login form needs to check one password: never more than that."""

    username: str
    name: str
    role: str
    password_hash: str  # DUMMY_HASH for a name that does not exist


@dataclass(frozen=True)
class LoginSession:
    actor: Actor
    generation: int  # the user's session generation when the session began


def missing_login_fields(username: str, password: str) -> str | None:
    missing = [name for name, value in (("username", username.strip()), ("password", password))
               if not value]
    return f"Enter your {' and '.join(missing)} to log in." if missing else None


def normalized_username(username: str) -> str:
    return username.strip().lower()


@retry_on_conflict
def login_entry(uow: UnitOfWork, username: str) -> LoginEntry:
    """The one user whose name was typed, with the hash to check; for a name that does not
    exist, a dummy hash of the same cost (no password matches it), so both cost the same.
    Locked and deactivated users get their own hash too: they are refused after the check."""
    username = normalized_username(username)
    with uow:
        user = uow.users.get_by_username(username)
    if user is None:
        return LoginEntry(username, username, "", DUMMY_HASH)  # no role: it never logs in
    return LoginEntry(user.username, user.name, user.role, user.password_hash)


def _login_audit(user: UserRecord, action: str, after: dict[str, Any] | None = None) -> AuditEntry:
    return AuditEntry(
        tenant_id=user.tenant_id, actor_user_id=user.id, actor_name=user.username,
        action=action, entity_type="user", entity_id=str(user.id), after=after,
    )


def _refused_before_the_password(uow: UnitOfWork, user: UserRecord, now: datetime) -> bool:
    """A deactivated or locked account is refused whatever the password: audited, not counted."""
    if not user.is_active:
        uow.audit.append(_login_audit(user, "login.refused_inactive"))
    elif user.locked_until is not None and user.locked_until > now:
        uow.audit.append(_login_audit(user, "login.refused_locked"))
    else:
        return False
    return True


def _count_failure(uow: UnitOfWork, user: UserRecord, now: datetime) -> None:
    """A wrong password: counted, and the fifth in a row locks the account."""
    failures = user.failed_logins + 1
    locked_until = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
    uow.users.set_login_state(user.id, failed_logins=0 if locked_until else failures,
                              locked_until=locked_until)
    uow.audit.append(_login_audit(user, "login.failed", {"failed_logins": failures}))
    if locked_until:
        uow.audit.append(_login_audit(user, "login.locked", {"locked_until": locked_until}))


@retry_on_conflict
def record_failed_login(uow: UnitOfWork, username: str, now: datetime) -> None:
    """The password did not match: count it (the fifth in a row locks the account). The person
    is told LOGIN_REFUSED whatever happened here. An unknown name changes nothing: it belongs to
    no tenant, so there is no audit chain to write it in."""
    with uow:
        user = uow.users.get_by_username(normalized_username(username), for_update=True)
        if user is None:
            return
        if not _refused_before_the_password(uow, user, now):
            _count_failure(uow, user, now)
        uow.commit()


@retry_on_conflict
def record_successful_login(uow: UnitOfWork, username: str, *, checked_hash: str,
                            now: datetime) -> LoginSession:
    """The password matched `checked_hash`: the session, unless the account is deactivated or
    locked, or its hash changed while it was checked (then it counts as a wrong password).
    Every refusal is LoginRefused(LOGIN_REFUSED)."""
    with uow:
        user = uow.users.get_by_username(normalized_username(username), for_update=True)
        if user is None:
            raise LoginRefused(LOGIN_REFUSED)
        if _refused_before_the_password(uow, user, now):
            session = None
        elif user.password_hash != checked_hash:
            _count_failure(uow, user, now)
            session = None
        else:
            uow.users.set_login_state(user.id, failed_logins=0, locked_until=None, last_login_at=now)
            uow.audit.append(_login_audit(user, "login.succeeded"))
            session = LoginSession(_actor(user), user.session_generation)
        uow.commit()
    if session is None:
        raise LoginRefused(LOGIN_REFUSED)
    return session


@retry_on_conflict
def log_out(uow: UnitOfWork, username: str, generation: int) -> None:
    """End every session of the user, on every device, and their login cookies."""
    with uow:
        user = uow.users.get_by_username(username, for_update=True)
        if user is None or user.session_generation != generation:
            return  # that session had ended already
        uow.users.end_sessions(user.id)
        uow.audit.append(_login_audit(user, "logout"))
        uow.commit()


@retry_on_conflict
def session_user(uow: UnitOfWork, username: str, generation: int) -> Actor:
    """The user of a session, as of now: a role change applies on the next rerun; a logout
    elsewhere, a deactivation or a new password ends the session."""
    with uow:
        user = uow.users.identity(username)
    if user is None or not user.is_active or user.session_generation != generation:
        raise SessionEnded(SESSION_ENDED)
    return _actor(user)


@retry_on_conflict
def cookie_session(uow: UnitOfWork, username: str, *, issued_at: datetime) -> LoginSession:
    """The session a login cookie issued at `issued_at` restores: only if the user is active
    and their sessions have not ended (logout, deactivation, new password) since."""
    with uow:
        user = uow.users.identity(normalized_username(username))
    if (user is None or not user.is_active
            or (user.sessions_ended_at is not None and issued_at <= user.sessions_ended_at)):
        raise SessionEnded(SESSION_ENDED)
    return LoginSession(_actor(user), user.session_generation)


@retry_on_conflict
def acting_user(uow: UnitOfWork, username: str) -> Actor:
    """A named user for `cli.py --as USER`: the command line has no session to check."""
    with uow:
        user = uow.users.identity(username)
    if user is None or not user.is_active:
        raise PermissionDenied(f"User {username} is no longer active. Log in again or ask an admin.")
    return _actor(user)


def _actor(user: UserRecord | UserIdentity) -> Actor:
    return Actor(user.id, user.username, user.name, user.tenant_id, Role(user.role))
