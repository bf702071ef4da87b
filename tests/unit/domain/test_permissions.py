import pytest

from core.domain.errors import PermissionDenied
from core.domain.permissions import Permission, Role, allows, require

# docs/design.md §2, row by row.
EXPECTED = {
    Permission.VIEW_DASHBOARDS: {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN},
    Permission.ASSIGN_LEADS: {Role.SUPERVISOR, Role.ADMIN},
    Permission.BULK_OPERATIONS: {Role.SUPERVISOR, Role.ADMIN},
    Permission.EDIT_AGENT_CAPACITY: {Role.SUPERVISOR, Role.ADMIN},
    Permission.RESCORE_LEADS: {Role.SUPERVISOR, Role.ADMIN},
    Permission.EXPORT_LEADS: {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN},
    Permission.VIEW_AUDIT_LOG: {Role.MANAGER, Role.ADMIN},
    Permission.EDIT_SCORING: {Role.ADMIN},
    Permission.MANAGE_USERS: {Role.ADMIN},
    Permission.EDIT_ROUTING: {Role.ADMIN},
}


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_matches_design(role, permission):
    assert allows(role, permission) == (role in EXPECTED[permission])


def test_refusal_names_the_role_and_the_action():
    with pytest.raises(PermissionDenied, match=r"manager.*change scoring weights"):
        require(Role.MANAGER, Permission.EDIT_SCORING)


def test_unknown_role_is_allowed_nothing():
    assert not any(allows("intern", p) for p in Permission)
