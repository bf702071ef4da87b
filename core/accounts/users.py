"""Creating users: an operator at the command line, or an admin (DESIGN.md §2)."""

import re

from core.accounts.passwords import hash_password
from core.domain.audit import AuditEntry
from core.domain.errors import InvalidInput, NotFound, PermissionDenied
from core.domain.identity import Actor
from core.domain.permissions import Permission, Role
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@retry_on_conflict
def create_user(
    uow: UnitOfWork, *, tenant_slug: str, username: str, name: str, role: str,
    password: str, email: str | None = None, created_by: Actor | None = None,
    hash_rounds: int = 12,
) -> int:
    """Add a user. `created_by=None` means an operator at the command line."""
    if created_by is not None:
        created_by.require(Permission.MANAGE_USERS)
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
        # Checked before "does not exist", so that a refusal never tells which tenants exist.
        if created_by is not None and created_by.tenant_id != tenant_id:
            raise PermissionDenied("You may only create users in your own tenant.")
        if tenant_id is None:
            raise NotFound(f"Tenant {tenant_slug!r} does not exist. Check the tenant slug.")
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
