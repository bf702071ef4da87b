from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from core.domain.clock import utcnow
from core.domain.users import UserIdentity, UserRecord, UserSummary
from db.models import User
from db.results import AnyRow, inserted_id


def _record(user: AnyRow) -> UserRecord:
    return UserRecord(
        id=user.id, tenant_id=user.tenant_id, username=user.username, name=user.name,
        email=user.email, role=user.role, password_hash=user.password_hash,
        failed_logins=user.failed_logins, locked_until=user.locked_until, is_active=user.is_active,
        session_generation=user.session_generation, sessions_ended_at=user.sessions_ended_at,
    )


class SqlUserRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def get_by_username(self, username: str, *, for_update: bool = False) -> UserRecord | None:
        query = select(User.table()).where(User.username == username)
        if for_update:
            query = query.with_for_update()
        user = self.connection.execute(query).one_or_none()
        return _record(user) if user else None

    def identity(self, username: str) -> UserIdentity | None:
        user = self.connection.execute(
            select(User.id, User.tenant_id, User.username, User.name, User.role, User.is_active,
                   User.session_generation, User.sessions_ended_at)
            .where(User.username == username)).one_or_none()
        return UserIdentity(*user) if user else None

    def in_tenant(self, tenant_id: int) -> list[UserSummary]:
        users = self.connection.execute(
            select(User.username, User.name, User.email, User.role, User.is_active, User.locked_until,
                   User.last_login_at)
            .where(User.tenant_id == tenant_id).order_by(User.username))
        return [UserSummary(*user) for user in users]

    def add(
        self, *, tenant_id: int, username: str, name: str, email: str | None, role: str,
        password_hash: str,
    ) -> int:
        result = self.connection.execute(
            insert(User).values(
                tenant_id=tenant_id, username=username, name=name, email=email, role=role,
                password_hash=password_hash, is_active=True, failed_logins=0, created_at=utcnow(),
            )
        )
        return inserted_id(result)

    def set_login_state(
        self, user_id: int, *, failed_logins: int, locked_until: datetime | None,
        last_login_at: datetime | None = None,
    ) -> None:
        values: dict = {"failed_logins": failed_logins, "locked_until": locked_until}
        if last_login_at is not None:
            values["last_login_at"] = last_login_at
        self.connection.execute(update(User).where(User.id == user_id).values(**values))

    def set_role(self, user_id: int, role: str) -> None:
        self._update(user_id, role=role)

    def set_active(self, user_id: int, active: bool) -> None:
        self._update(user_id, is_active=active)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._update(user_id, password_hash=password_hash)

    def end_sessions(self, user_id: int) -> None:
        self._update(user_id, session_generation=User.session_generation + 1,
                     sessions_ended_at=utcnow())

    def _update(self, user_id: int, **values: object) -> None:
        self.connection.execute(update(User).where(User.id == user_id).values(**values))
