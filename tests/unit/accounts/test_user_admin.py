"""Managing users (docs/design.md §2): only admins, only in their tenant, every change audited."""

from datetime import datetime, timedelta

import pytest

from core.accounts import user_admin
from core.accounts.passwords import password_matches
from core.domain.errors import InvalidInput, LeadOpsError, NotFound, PermissionDenied
from core.domain.identity import Actor
from core.domain.users import UserRecord
from tests.unit.builders import ADMIN, MANAGER, OTHER_TENANT, SUPERVISOR, user_of
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 22, 9, 0)


def staff() -> FakeUnitOfWork:
    """Tenant 1: the admin, Bo (supervisor, locked after five failures); tenant 2: Xavier."""
    bo = UserRecord(7, 1, "bo", "Bo Lin", None, "supervisor", "x", 0, NOW + timedelta(minutes=9), True)
    return FakeUnitOfWork(users=[user_of(ADMIN), bo, user_of(OTHER_TENANT)])


def test_an_admin_lists_the_users_of_their_tenant_without_password_hashes():
    listed = user_admin.list_users(staff(), ADMIN, now=NOW)
    assert [(u.username, u.role, u.is_active, u.is_locked) for u in listed] == [
        ("adm", "admin", True, False), ("bo", "supervisor", True, True)]
    assert not hasattr(listed[0], "password_hash")


def test_changing_a_role_is_stored_and_audited_with_before_and_after():
    uow = staff()
    user_admin.change_role(uow, ADMIN, username="bo", role="manager")
    assert uow.users.rows["bo"].role == "manager"
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.entity_id, entry.before, entry.after, entry.actor_name) == (
        "user.role_changed", "7", {"role": "supervisor"}, {"username": "bo", "role": "manager"}, "adm")


def test_deactivating_ends_the_users_sessions_and_reactivating_lets_them_back():
    uow = staff()
    user_admin.set_active(uow, ADMIN, username="bo", active=False)
    bo = uow.users.rows["bo"]
    assert not bo.is_active and bo.session_generation == 1
    user_admin.set_active(uow, ADMIN, username="bo", active=True)
    assert uow.users.rows["bo"].is_active and uow.users.rows["bo"].session_generation == 1
    assert [e.action for e in uow.audit.entries] == ["user.deactivated", "user.reactivated"]


def test_unlocking_clears_the_lock_and_the_failure_count():
    uow = staff()
    uow.users.rows["bo"].failed_logins = 3
    user_admin.unlock_user(uow, ADMIN, username="bo")
    bo = uow.users.rows["bo"]
    assert (bo.locked_until, bo.failed_logins) == (None, 0)
    assert uow.audit.entries[-1].action == "user.unlocked"


def test_a_new_password_is_hashed_ends_old_sessions_and_is_not_audited_in_clear():
    uow = staff()
    user_admin.set_password(uow, ADMIN, username="bo", password="a-new-secret", hash_rounds=4)
    bo = uow.users.rows["bo"]
    assert password_matches("a-new-secret", bo.password_hash) and bo.session_generation == 1
    entry = uow.audit.entries[-1]
    assert entry.action == "user.password_set" and "a-new-secret" not in str(entry)


def test_the_command_line_unlocks_as_an_operator():
    uow = staff()
    user_admin.unlock_user(uow, Actor.operator(tenant_id=1), username="bo")
    assert uow.users.rows["bo"].locked_until is None
    assert (uow.audit.entries[-1].actor_user_id, uow.audit.entries[-1].actor_name) == (None, "cli")


CHANGES = {
    "list": lambda uow, actor: user_admin.list_users(uow, actor, now=NOW),
    "role": lambda uow, actor: user_admin.change_role(uow, actor, username="bo", role="manager"),
    "deactivate": lambda uow, actor: user_admin.set_active(uow, actor, username="bo", active=False),
    "unlock": lambda uow, actor: user_admin.unlock_user(uow, actor, username="bo"),
    "password": lambda uow, actor: user_admin.set_password(uow, actor, username="bo",
                                                           password="a-new-secret", hash_rounds=4),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("actor", [SUPERVISOR, MANAGER], ids=["supervisor", "manager"])
def test_other_roles_are_refused_and_nothing_changes(change, actor):
    uow = staff()
    before = {name: repr(u) for name, u in uow.users.rows.items()}
    with pytest.raises(PermissionDenied, match="may not manage users"):
        CHANGES[change](uow, actor)
    assert {name: repr(u) for name, u in uow.users.rows.items()} == before
    assert uow.audit.entries == []


@pytest.mark.parametrize("change", sorted(set(CHANGES) - {"list"}))
def test_an_admin_of_another_tenant_is_told_the_user_does_not_exist(change):
    uow = staff()
    before = repr(uow.users.rows["bo"])
    with pytest.raises(NotFound, match="User bo does not exist in your tenant"):
        CHANGES[change](uow, OTHER_TENANT)
    assert repr(uow.users.rows["bo"]) == before and uow.audit.entries == []


def test_another_tenants_users_are_not_listed():
    assert [u.username for u in user_admin.list_users(staff(), OTHER_TENANT, now=NOW)] == ["x"]


@pytest.mark.parametrize("call, message", [
    (lambda uow: user_admin.change_role(uow, ADMIN, username="adm", role="manager"), "your own"),
    (lambda uow: user_admin.set_active(uow, ADMIN, username="adm", active=False), "your own"),
    (lambda uow: user_admin.change_role(uow, ADMIN, username="bo", role="owner"), "Role 'owner'"),
    (lambda uow: user_admin.change_role(uow, ADMIN, username="bo", role="supervisor"), "already"),
    (lambda uow: user_admin.set_password(uow, ADMIN, username="bo", password="short",
                                         hash_rounds=4), "at least 8"),
    (lambda uow: user_admin.unlock_user(uow, ADMIN, username="nobody"), "does not exist"),
])
def test_refusals_name_the_rule_and_change_nothing(call, message):
    uow = staff()
    with pytest.raises(LeadOpsError, match=message):
        call(uow)
    assert uow.audit.entries == []
    assert uow.users.rows["adm"].role == "admin" and uow.users.rows["adm"].is_active


def test_an_admin_cannot_lock_themselves_out():
    with pytest.raises(InvalidInput, match="ask another admin"):
        user_admin.set_active(staff(), ADMIN, username="adm", active=False)
