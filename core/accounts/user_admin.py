"""Managing a tenant's users (docs/design.md §2 "manage users"): list, role, deactivate and
reactivate, unlock, set a new password. Admins of the tenant only, or an operator at the
command line; every change is audited in its own transaction."""

from dataclasses import replace
from datetime import datetime
from typing import Any

from core.accounts.passwords import hash_password
from core.accounts.users import validated_role
from core.domain.audit import AuditEntry
from core.domain.errors import InvalidInput, NotFound
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.users import UserRecord, UserSummary
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


@retry_on_conflict
def list_users(uow: UnitOfWork, actor: Actor, *, now: datetime) -> list[UserSummary]:
    actor.require(Permission.MANAGE_USERS)
    with uow:
        users = uow.users.in_tenant(actor.tenant_id)
    return [replace(u, is_locked=u.locked_until is not None and u.locked_until > now) for u in users]


def _target(uow: UnitOfWork, actor: Actor, username: str) -> UserRecord:
    """The user, locked for the change; another tenant's user reads as unknown."""
    user = uow.users.get_by_username(username.strip().lower(), for_update=True)
    if user is None or user.tenant_id != actor.tenant_id:
        raise NotFound(f"User {username} does not exist in your tenant. Check the username.")
    return user


def _not_yourself(actor: Actor, user: UserRecord, what: str) -> None:
    # An admin who demoted or deactivated themselves could leave the tenant with no admin.
    if user.id == actor.user_id:
        raise InvalidInput(f"You cannot {what} your own account: ask another admin.")


def _audit(uow: UnitOfWork, actor: Actor, user: UserRecord, action: str, *,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    uow.audit.append(AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action=action, entity_type="user", entity_id=str(user.id), before=before,
        after={"username": user.username} | (after or {}),
    ))


@retry_on_conflict
def change_role(uow: UnitOfWork, actor: Actor, *, username: str, role: str) -> None:
    actor.require(Permission.MANAGE_USERS)
    role = validated_role(role)
    with uow:
        user = _target(uow, actor, username)
        _not_yourself(actor, user, "change the role of")
        if user.role == role:
            raise InvalidInput(f"{user.username} is already a {role}. Nothing changed.")
        uow.users.set_role(user.id, role)
        _audit(uow, actor, user, "user.role_changed", before={"role": user.role}, after={"role": role})
        uow.commit()


@retry_on_conflict
def set_active(uow: UnitOfWork, actor: Actor, *, username: str, active: bool) -> None:
    """Deactivating ends the user's sessions on every device at their next click."""
    actor.require(Permission.MANAGE_USERS)
    with uow:
        user = _target(uow, actor, username)
        _not_yourself(actor, user, "deactivate" if not active else "reactivate")
        if user.is_active == active:
            state = "active" if active else "deactivated"
            raise InvalidInput(f"{user.username} is already {state}. Nothing changed.")
        uow.users.set_active(user.id, active)
        if not active:
            uow.users.end_sessions(user.id)
        _audit(uow, actor, user, "user.reactivated" if active else "user.deactivated")
        uow.commit()


@retry_on_conflict
def unlock_user(uow: UnitOfWork, actor: Actor, *, username: str) -> None:
    """Lift a lockout after failed logins, and start the count afresh."""
    actor.require(Permission.MANAGE_USERS)
    with uow:
        user = _target(uow, actor, username)
        uow.users.set_login_state(user.id, failed_logins=0, locked_until=None)
        _audit(uow, actor, user, "user.unlocked",
               before={"failed_logins": user.failed_logins, "locked_until": user.locked_until})
        uow.commit()


@retry_on_conflict
def set_password(uow: UnitOfWork, actor: Actor, *, username: str, password: str,
                 hash_rounds: int = 12) -> None:
    """A new password, e.g. for someone who forgot theirs. Sessions opened with the old one end."""
    actor.require(Permission.MANAGE_USERS)
    password_hash = hash_password(password, rounds=hash_rounds)
    with uow:
        user = _target(uow, actor, username)
        uow.users.set_password_hash(user.id, password_hash)
        uow.users.end_sessions(user.id)
        _audit(uow, actor, user, "user.password_set")
        uow.commit()
