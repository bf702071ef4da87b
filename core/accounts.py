"""Use cases for users: login bookkeeping with lockout, the acting user, user creation."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.audit import AuditEntry
from core.errors import AccountLocked, InvalidInput, NotFound, PermissionDenied
from core.identity import Actor
from core.passwords import hash_password
from core.permissions import Permission, Role
from core.ports import UnitOfWork, UserRecord

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@dataclass(frozen=True)
class LoginEntry:
    """What the login form needs to check a password: never more than that."""

    username: str
    name: str
    email: str | None
    role: str
    password_hash: str


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


def _login_audit(user: UserRecord, action: str, after: dict | None = None) -> AuditEntry:
    return AuditEntry(
        tenant_id=user.tenant_id, actor_user_id=user.id, actor_name=user.username,
        action=action, entity_type="user", entity_id=str(user.id), after=after,
    )


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


def acting_user(uow: UnitOfWork, username: str) -> Actor:
    """The logged-in user as of now: a role change or deactivation applies on the next rerun."""
    with uow:
        user = uow.users.get_by_username(username)
    if user is None or not user.is_active:
        raise PermissionDenied(f"User {username} is no longer active. Log in again or ask an admin.")
    return _actor(user)


def _actor(user: UserRecord) -> Actor:
    return Actor(user.id, user.username, user.name, user.tenant_id, Role(user.role))


def create_user(
    uow: UnitOfWork, *, tenant_slug: str, username: str, name: str, role: str,
    password: str, email: str | None = None, created_by: Actor | None = None,
    hash_rounds: int = 12,
) -> int:
    """Add a user. `created_by=None` means an operator at the command line."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            f"Username {username!r} is not allowed: use 2-64 lower-case letters, digits, '.', '_' or '-'."
        )
    if role not in {r.value for r in Role}:
        raise InvalidInput(f"Role {role!r} is unknown: use one of {', '.join(r.value for r in Role)}.")
    if not name.strip():
        raise InvalidInput("A user needs a display name.")
    password_hash = hash_password(password, rounds=hash_rounds)
    with uow:
        tenant_id = uow.tenants.id_for_slug(tenant_slug)
        if tenant_id is None:
            raise NotFound(f"Tenant {tenant_slug!r} does not exist. Check the tenant slug.")
        if created_by is not None:
            created_by.require(Permission.MANAGE_USERS)
            if created_by.tenant_id != tenant_id:
                raise PermissionDenied("You may only create users in your own tenant.")
        if uow.users.get_by_username(username) is not None:
            raise InvalidInput(f"Username {username} is taken. Choose another.")
        user_id = uow.users.add(
            tenant_id=tenant_id, username=username, name=name.strip(), email=email,
            role=role, password_hash=password_hash,
        )
        uow.audit.append(AuditEntry(
            tenant_id=tenant_id,
            actor_user_id=created_by.user_id if created_by else None,
            actor_name=created_by.username if created_by else "cli",
            action="user.created", entity_type="user", entity_id=str(user_id),
            after={"username": username, "name": name.strip(), "role": role, "email": email},
        ))
        uow.commit()
        return user_id
