"""Users as storage keeps them: the login bookkeeping reads and updates a UserRecord; the
Users page lists UserSummary rows, which carry no password hash."""

from dataclasses import dataclass
from datetime import datetime


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
    # Bumped to end every session of the user (logout, deactivation, a new password): a
    # session or login cookie carrying an older generation is no longer accepted.
    session_generation: int = 0
    # When that last happened: a login cookie issued before it no longer logs anyone in.
    sessions_ended_at: datetime | None = None


@dataclass(frozen=True)
class UserIdentity:
    """Who a session's user is, read on every run: never the password hash."""

    id: int
    tenant_id: int
    username: str
    name: str
    role: str
    is_active: bool
    session_generation: int
    sessions_ended_at: datetime | None = None


@dataclass(frozen=True)
class UserSummary:
    username: str
    name: str
    email: str | None
    role: str
    is_active: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    is_locked: bool = False  # as of the moment the list was read
