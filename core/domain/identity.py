"""Who is acting: every use case receives an Actor and is scoped to its tenant."""

from dataclasses import dataclass

from core.domain.permissions import Permission, Role, require

OPERATOR_NAME = "cli"  # how the audit trail names an operator at the command line


@dataclass(frozen=True)
class Actor:
    user_id: int | None  # None only for the operator: no user row stands behind the command line
    username: str
    name: str
    tenant_id: int
    role: Role

    @classmethod
    def operator(cls, *, tenant_id: int) -> "Actor":
        """Someone at `cli.py` with access to the server, acting in one named tenant. Use cases
        check this actor like any other (it holds the admin's permissions), so no caller can
        skip a check by passing no actor."""
        return cls(None, OPERATOR_NAME, "Operator (command line)", tenant_id, Role.ADMIN)

    def require(self, permission: Permission) -> None:
        require(self.role, permission)
