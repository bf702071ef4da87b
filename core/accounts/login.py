"""Login bookkeeping with lockout, and the acting user (DESIGN.md §2, §7)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.domain.audit import AuditEntry
from core.domain.errors import AccountLocked, NotFound, PermissionDenied
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.users import UserRecord
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginEntry:
    """What the login form needs to check a password: never more than that."""

    username: str
    name: str
    email: str | None
    role: str
    password_hash: str


@retry_on_conflict
def login_directory(uow: UnitOfWork) -> list[LoginEntry]:
    with uow:
        return [
            LoginEntry(u.username, u.name, u.email, u.role, u.password_hash)
            for u in uow.users.list_active()
        ]


def _locked_message(user: UserRecord) -> str:
    until = user.locked_until.strftime("%H:%M UTC") if user.locked_until else "later"
    return (
        f"Account {user.username} is locked after {MAX_FAILED_LOGINS} failed logins. "
        f"Try again after {until}, or ask an admin to unlock it."
    )


def _is_locked(user: UserRecord, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _login_audit(user: UserRecord, action: str, after: dict[str, Any] | None = None) -> AuditEntry:
    return AuditEntry(
        tenant_id=user.tenant_id, actor_user_id=user.id, actor_name=user.username,
        action=action, entity_type="user", entity_id=str(user.id), after=after,
    )


@retry_on_conflict
def record_failed_login(uow: UnitOfWork, username: str, now: datetime) -> str | None:
    """Count a wrong password; lock the account on the fifth. Returns a lock message if locked."""
    with uow:
        user = uow.users.get_by_username(username, for_update=True)
        if user is None:
            return None  # unknown names belong to no tenant, so there is no chain to audit in
        if _is_locked(user, now):
            uow.audit.append(_login_audit(user, "login.refused_locked"))
            uow.commit()
            return _locked_message(user)
        failures = user.failed_logins + 1
        locked_until = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
        uow.users.set_login_state(
            user.id, failed_logins=0 if locked_until else failures, locked_until=locked_until
        )
        uow.audit.append(_login_audit(user, "login.failed", {"failed_logins": failures}))
        if locked_until:
            user.locked_until = locked_until
            uow.audit.append(_login_audit(user, "login.locked", {"locked_until": locked_until}))
        uow.commit()
        return _locked_message(user) if locked_until else None


@retry_on_conflict
def record_successful_login(uow: UnitOfWork, username: str, now: datetime) -> Actor:
    """The password matched: refuse a locked account, else reset its failure count."""
    with uow:
        user = uow.users.get_by_username(username, for_update=True)
        if user is None or not user.is_active:
            raise NotFound(f"User {username} does not exist or was deactivated. Ask an admin.")
        if _is_locked(user, now):
            uow.audit.append(_login_audit(user, "login.refused_locked"))
            uow.commit()
            raise AccountLocked(_locked_message(user))
        uow.users.set_login_state(user.id, failed_logins=0, locked_until=None, last_login_at=now)
        uow.audit.append(_login_audit(user, "login.succeeded"))
        uow.commit()
        return _actor(user)


@retry_on_conflict
def acting_user(uow: UnitOfWork, username: str) -> Actor:
    """The logged-in user as of now: a role change or deactivation applies on the next rerun."""
    with uow:
        user = uow.users.get_by_username(username)
    if user is None or not user.is_active:
        raise PermissionDenied(f"User {username} is no longer active. Log in again or ask an admin.")
    return _actor(user)


def _actor(user: UserRecord) -> Actor:
    return Actor(user.id, user.username, user.name, user.tenant_id, Role(user.role))
