"""Creating users: the password hashed, the input checked, only admins of the tenant."""

import pytest

from core.accounts import users
from core.accounts.passwords import password_matches
from core.domain.errors import LeadOpsError, PermissionDenied
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.users import UserRecord
from tests.unit.fakes import FakeUnitOfWork


def user(username="ana", role="supervisor", **changes) -> UserRecord:
    values = dict(id=1, tenant_id=1, username=username, name="Ana Ruiz", email=None, role=role,
                  password_hash="x", failed_logins=0, locked_until=None, is_active=True)
    values.update(changes)
    return UserRecord(**values)


def test_create_user_hashes_the_password_and_audits():
    uow = FakeUnitOfWork()
    users.create_user(uow, tenant_slug="acme", username="Bo.Lin", name="Bo Lin",
                      role="manager", password="long-enough", hash_rounds=4)
    stored = uow.users.rows["bo.lin"]
    assert password_matches("long-enough", stored.password_hash)
    assert uow.audit.entries[-1].action == "user.created"
    assert "long-enough" not in str(uow.audit.entries[-1])


@pytest.mark.parametrize("changes, message", [
    ({"username": "a b"}, "is not allowed"),
    ({"role": "owner"}, "Role 'owner' is unknown"),
    ({"password": "short"}, "at least 8 characters"),
    ({"tenant_slug": "nope"}, "Tenant 'nope' does not exist"),
    ({"username": "ana"}, "Username ana is taken"),
])
def test_create_user_refuses_bad_input_and_writes_nothing(changes, message):
    uow = FakeUnitOfWork(users=[user()])
    values = dict(tenant_slug="acme", username="new.user", name="New", role="manager",
                  password="long-enough", hash_rounds=4) | changes
    with pytest.raises(LeadOpsError, match=message):
        users.create_user(uow, **values)
    assert list(uow.users.rows) == ["ana"] and uow.audit.entries == []


def test_only_admins_create_users_and_only_in_their_tenant():
    supervisor = Actor(1, "ana", "Ana", 1, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        users.create_user(FakeUnitOfWork(), tenant_slug="acme", username="x.y", name="X",
                          role="manager", password="long-enough", created_by=supervisor,
                          hash_rounds=4)
    foreign_admin = Actor(9, "boss", "Boss", 2, Role.ADMIN)
    with pytest.raises(PermissionDenied, match="own tenant"):
        users.create_user(FakeUnitOfWork(), tenant_slug="acme", username="x.y", name="X",
                          role="manager", password="long-enough", created_by=foreign_admin,
                          hash_rounds=4)


@pytest.mark.parametrize("slug", ["acme", "no-such-tenant"])
def test_a_refusal_does_not_tell_which_tenants_exist(slug):
    """Whether a tenant slug exists is not given away to someone who may not create users
    there: the same refusal for a real tenant and a made-up one."""
    supervisor = Actor(1, "ana", "Ana", 1, Role.SUPERVISOR)
    foreign_admin = Actor(9, "boss", "Boss", 2, Role.ADMIN)
    for actor, refusal in ((supervisor, "may not"), (foreign_admin, "own tenant")):
        with pytest.raises(PermissionDenied, match=refusal):
            users.create_user(FakeUnitOfWork(), tenant_slug=slug, username="x.y", name="X",
                              role="manager", password="long-enough", created_by=actor,
                              hash_rounds=4)
