"""Creating users: the password hashed, the input checked, only admins of the tenant."""

import pytest

from core.accounts import users
from core.accounts.passwords import password_matches
from core.domain.errors import LeadOpsError, PermissionDenied
from core.domain.identity import Actor
from core.domain.users import UserRecord
from tests.unit.builders import ADMIN, MANAGER, OTHER_TENANT, SUPERVISOR
from tests.unit.fakes import FakeUnitOfWork

OPERATOR = Actor.operator(tenant_id=1)  # cli.py, for tenant acme


def user(username="ana", role="supervisor", **changes) -> UserRecord:
    values = dict(id=1, tenant_id=1, username=username, name="Ana Ruiz", email=None, role=role,
                  password_hash="x", failed_logins=0, locked_until=None, is_active=True)
    values.update(changes)
    return UserRecord(**values)


def test_create_user_hashes_the_password_and_audits():
    uow = FakeUnitOfWork()
    users.create_user(uow, ADMIN, username="Bo.Lin", name="Bo Lin", role="manager",
                      password="long-enough", hash_rounds=4)
    stored = uow.users.rows["bo.lin"]
    assert password_matches("long-enough", stored.password_hash) and stored.tenant_id == 1
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.actor_user_id, entry.actor_name) == ("user.created", 3, "adm")
    assert "long-enough" not in str(entry)


def test_the_command_line_creates_users_as_an_explicit_operator():
    uow = FakeUnitOfWork()
    users.create_user(uow, Actor.operator(tenant_id=2), username="boss", name="Boss", role="admin",
                      password="long-enough", hash_rounds=4)
    assert uow.users.rows["boss"].tenant_id == 2
    entry = uow.audit.entries[-1]
    assert (entry.tenant_id, entry.actor_user_id, entry.actor_name) == (2, None, "cli")


def test_no_caller_skips_the_role_check_by_passing_no_actor():
    uow = FakeUnitOfWork()
    with pytest.raises(TypeError):  # the actor has no default
        users.create_user(uow, username="x.y", name="X", role="manager",
                          password="long-enough", hash_rounds=4)
    with pytest.raises(AttributeError):  # and None is no actor: nothing is written
        users.create_user(uow, None, username="x.y", name="X", role="manager",
                          password="long-enough", hash_rounds=4)
    assert uow.users.rows == {} and uow.audit.entries == []


@pytest.mark.parametrize("changes, message", [
    ({"username": "a b"}, "is not allowed"),
    ({"role": "owner"}, "Role 'owner' is unknown"),
    ({"password": "short"}, "at least 8 characters"),
    ({"username": "ana"}, "Username ana is taken"),
])
def test_create_user_refuses_bad_input_and_writes_nothing(changes, message):
    uow = FakeUnitOfWork(users=[user()])
    values = dict(username="new.user", name="New", role="manager", password="long-enough",
                  hash_rounds=4) | changes
    with pytest.raises(LeadOpsError, match=message):
        users.create_user(uow, OPERATOR, **values)
    assert list(uow.users.rows) == ["ana"] and uow.audit.entries == []


@pytest.mark.parametrize("actor", [SUPERVISOR, MANAGER])
def test_only_admins_create_users(actor):
    uow = FakeUnitOfWork()
    with pytest.raises(PermissionDenied, match="may not manage users"):
        users.create_user(uow, actor, username="x.y", name="X", role="manager",
                          password="long-enough", hash_rounds=4)
    assert uow.users.rows == {}


def test_an_admin_creates_users_only_in_their_own_tenant():
    uow = FakeUnitOfWork()
    users.create_user(uow, OTHER_TENANT, username="x.y", name="X", role="manager",
                      password="long-enough", hash_rounds=4)
    assert uow.users.rows["x.y"].tenant_id == OTHER_TENANT.tenant_id
