"""Logging in and out, with lockout, and the acting user (DESIGN.md §2, §7).

A login reads one user, by the name typed, and checks one bcrypt hash whatever happens (a
dummy one for a name that does not exist), so neither the answer nor the time it takes tells
which usernames exist. A session carries the user's session generation: logging out or being
deactivated bumps it, which ends every session and login cookie of the user at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.accounts.passwords import DUMMY_HASH, password_matches
from core.domain.audit import AuditEntry
from core.domain.errors import InvalidInput, LoginRefused, PermissionDenied, SessionEnded
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.users import UserIdentity, UserRecord
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction, retry_on_conflict

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
LOGIN_REFUSED = (
    "Username or password is incorrect. "
    f"{MAX_FAILED_LOGINS} failed logins in a row lock an account for "
    f"{LOCKOUT.seconds // 60} minutes; an admin can unlock it sooner on the Users page."
)


@dataclass(frozen=True)
class LoginSession:
    actor: Actor
    generation: int  # the user's session generation when the session began


def missing_login_fields(username: str, password: str) -> str | None:
    missing = [name for name, value in (("username", username.strip()), ("password", password))
               if not value]
    return f"Enter your {' and '.join(missing)} to log in." if missing else None


def _login_audit(user: UserRecord, action: str, after: dict[str, Any] | None = None) -> AuditEntry:
    return AuditEntry(
        tenant_id=user.tenant_id, actor_user_id=user.id, actor_name=user.username,
        action=action, entity_type="user", entity_id=str(user.id), after=after,
    )


def _count_failure(uow: UnitOfWork, user: UserRecord, now: datetime) -> None:
    """A wrong password: counted, and the fifth in a row locks the account."""
    failures = user.failed_logins + 1
    locked_until = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
    uow.users.set_login_state(user.id, failed_logins=0 if locked_until else failures,
                              locked_until=locked_until)
    uow.audit.append(_login_audit(user, "login.failed", {"failed_logins": failures}))
    if locked_until:
        uow.audit.append(_login_audit(user, "login.locked", {"locked_until": locked_until}))


def log_in(new_uow: UnitOfWorkFactory, *, username: str, password: str,
           now: datetime) -> LoginSession:
    """The typed name and password, checked; every failure is refused with LOGIN_REFUSED.

    The bcrypt check (a quarter of a second) runs between two short transactions, never
    inside one: on SQLite a write transaction holds the database's only write lock."""
    missing = missing_login_fields(username, password)
    if missing:
        raise InvalidInput(missing)
    username = username.strip().lower()
    stored = in_transaction(new_uow, lambda uow: uow.users.get_by_username(username))
    checked_hash = stored.password_hash if stored else DUMMY_HASH
    matches = password_matches(password, checked_hash)
    if stored is None:
        raise LoginRefused(LOGIN_REFUSED)  # no tenant, so no chain to audit it in

    def record(uow: UnitOfWork) -> LoginSession | None:
        user = uow.users.get_by_username(username, for_update=True)
        if user is None:
            return None
        if not user.is_active:
            uow.audit.append(_login_audit(user, "login.refused_inactive"))
        elif user.locked_until is not None and user.locked_until > now:
            uow.audit.append(_login_audit(user, "login.refused_locked"))
        elif not matches or user.password_hash != checked_hash:  # changed while we checked
            _count_failure(uow, user, now)
        else:
            uow.users.set_login_state(user.id, failed_logins=0, locked_until=None, last_login_at=now)
            uow.audit.append(_login_audit(user, "login.succeeded"))
            return LoginSession(_actor(user), user.session_generation)
        return None

    session = in_transaction(new_uow, record)
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
    """The user of a session (or of a login cookie), as of now: a role change applies on the
    next rerun; a logout elsewhere, a deactivation or a new password ends the session."""
    with uow:
        user = uow.users.identity(username)
    if user is None or not user.is_active or user.session_generation != generation:
        raise SessionEnded("Your session has ended (you logged out, or an admin changed your "
                           "account). Log in again.")
    return _actor(user)


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
