"""Roles and what each may do (docs/design.md §2). Every use case calls `require`."""

from enum import StrEnum

from core.domain.errors import PermissionDenied


class Role(StrEnum):
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


class Permission(StrEnum):
    VIEW_DASHBOARDS = "view agent capacity, leads and leaderboards"
    ASSIGN_LEADS = "assign, reassign, unassign or change lead status"
    BULK_OPERATIONS = "run bulk operations, undo batches and import leads"
    EDIT_AGENT_CAPACITY = "set agent capacity and availability"
    EXPORT_LEADS = "export lead lists"
    VIEW_AUDIT_LOG = "view the audit log"
    RESCORE_LEADS = "recalculate lead scores"
    EDIT_SCORING = "change scoring weights and thresholds"
    MANAGE_USERS = "manage users"
    EDIT_ROUTING = "change routing rules, SLAs and working hours"


_EVERYONE = {Permission.VIEW_DASHBOARDS, Permission.EXPORT_LEADS}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SUPERVISOR: frozenset(
        _EVERYONE
        | {Permission.ASSIGN_LEADS, Permission.BULK_OPERATIONS, Permission.EDIT_AGENT_CAPACITY,
           Permission.RESCORE_LEADS}
    ),
    Role.MANAGER: frozenset(_EVERYONE | {Permission.VIEW_AUDIT_LOG}),
    Role.ADMIN: frozenset(Permission),
}


def allows(role: Role | str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


def require(role: Role | str, permission: Permission) -> None:
    if not allows(role, permission):
        raise PermissionDenied(
            f"Your role ({role}) may not {permission.value}. "
            "Ask an admin if you need this access."
        )
