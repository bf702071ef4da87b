"""A user as storage keeps it: the login bookkeeping reads and updates this."""

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
