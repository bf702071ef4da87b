"""Who is acting: every use case receives an Actor and is scoped to its tenant."""

from dataclasses import dataclass

from core.domain.permissions import Permission, Role, require


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    name: str
    tenant_id: int
    role: Role

    def require(self, permission: Permission) -> None:
        require(self.role, permission)
