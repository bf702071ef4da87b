"""Creating users: an admin, or an operator at the command line (docs/design.md §2)."""

import re

from core.accounts.passwords import hash_password
from core.domain.audit import AuditEntry
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.permissions import Permission, Role
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@retry_on_conflict
def create_user(
    uow: UnitOfWork, actor: Actor, *, username: str, name: str, role: str, password: str,
    email: str | None = None, hash_rounds: int = 12,
) -> int:
    """Add a user to the actor's tenant: an admin on the Users page, or `Actor.operator` for
    the tenant an operator named at the command line."""
    actor.require(Permission.MANAGE_USERS)
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            f"Username {username!r} is not allowed: use 2-64 lower-case letters, digits, '.', '_' or '-'."
        )
    role = validated_role(role)
    if not name.strip():
        raise InvalidInput("A user needs a display name.")
    password_hash = hash_password(password, rounds=hash_rounds)
    with uow:
        if uow.users.get_by_username(username) is not None:
            raise InvalidInput(f"Username {username} is taken. Choose another.")
        user_id = uow.users.add(
            tenant_id=actor.tenant_id, username=username, name=name.strip(), email=email,
            role=role, password_hash=password_hash,
        )
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="user.created", entity_type="user", entity_id=str(user_id),
            after={"username": username, "name": name.strip(), "role": role, "email": email},
        ))
        uow.commit()
        return user_id


def validated_role(role: str) -> str:
    if role not in {r.value for r in Role}:
        raise InvalidInput(f"Role {role!r} is unknown: use one of {', '.join(r.value for r in Role)}.")
    return role
