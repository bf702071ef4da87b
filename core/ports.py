"""What the use cases need from storage. `db` implements these; unit tests fake them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from core.audit import AuditEntry
from core.capacity import AgentLoad


@dataclass
class UserRecord:
    id: int
    tenant_id: int
    username: str
    name: str
    email: str | None
    role: str
    password_hash: str
    failed_logins: int
    locked_until: datetime | None
    is_active: bool


class UserRepository(Protocol):
    def get_by_username(self, username: str, *, for_update: bool = False) -> UserRecord | None: ...

    def list_active(self) -> list[UserRecord]: ...

    def add(
        self, *, tenant_id: int, username: str, name: str, email: str | None, role: str,
        password_hash: str,
    ) -> int: ...

    def set_login_state(
        self, user_id: int, *, failed_logins: int, locked_until: datetime | None,
        last_login_at: datetime | None = None,
    ) -> None: ...


class TenantRepository(Protocol):
    def id_for_slug(self, slug: str) -> int | None: ...

    def add(self, *, slug: str, name: str) -> int:
        """A new tenant with the default scoring weights as its version 1."""
        ...


class AgentRepository(Protocol):
    def loads(self, tenant_id: int) -> list[AgentLoad]: ...


class AuditRepository(Protocol):
    def append(self, entry: AuditEntry) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    users: UserRepository
    tenants: TenantRepository
    agents: AgentRepository
    audit: AuditRepository

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
