"""An in-memory unit of work: the use cases run against it without a database."""

from dataclasses import replace
from datetime import datetime

from core.audit import AuditEntry
from core.capacity import AgentLoad
from core.ports import UserRecord


class FakeUsers:
    def __init__(self, users: list[UserRecord]) -> None:
        self.rows = {u.username: u for u in users}

    def get_by_username(self, username: str, *, for_update: bool = False) -> UserRecord | None:
        user = self.rows.get(username)
        return replace(user) if user else None

    def list_active(self) -> list[UserRecord]:
        return [replace(u) for u in self.rows.values() if u.is_active]

    def add(self, *, tenant_id, username, name, email, role, password_hash) -> int:
        user_id = len(self.rows) + 1
        self.rows[username] = UserRecord(user_id, tenant_id, username, name, email, role,
                                         password_hash, 0, None, True)
        return user_id

    def set_login_state(self, user_id: int, *, failed_logins: int,
                        locked_until: datetime | None, last_login_at=None) -> None:
        user = next(u for u in self.rows.values() if u.id == user_id)
        user.failed_logins, user.locked_until = failed_logins, locked_until


class FakeTenants:
    def __init__(self, slugs: dict[str, int]) -> None:
        self.slugs = slugs

    def id_for_slug(self, slug: str) -> int | None:
        return self.slugs.get(slug)

    def add(self, *, slug: str, name: str) -> int:
        self.slugs[slug] = len(self.slugs) + 1
        return self.slugs[slug]


class FakeAgents:
    def __init__(self, loads: dict[int, list[AgentLoad]]) -> None:
        self.by_tenant = loads

    def loads(self, tenant_id: int) -> list[AgentLoad]:
        return list(self.by_tenant.get(tenant_id, []))


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


class FakeUnitOfWork:
    """Changes made inside `with` are kept only if `commit()` was called."""

    def __init__(self, *, users=(), tenants=None, agents=None) -> None:
        self.users = FakeUsers(list(users))
        self.tenants = FakeTenants(tenants or {"acme": 1})
        self.agents = FakeAgents(agents or {})
        self.audit = FakeAudit()
        self.committed = 0
        self._snapshot = None

    def __enter__(self):
        self._snapshot = ({k: replace(v) for k, v in self.users.rows.items()},
                          list(self.audit.entries))
        return self

    def __exit__(self, *exc) -> None:
        if self._snapshot is not None:
            self.rollback()

    def commit(self) -> None:
        self.committed += 1
        self._snapshot = None

    def rollback(self) -> None:
        if self._snapshot is not None:
            self.users.rows, self.audit.entries = self._snapshot
            self._snapshot = None
