"""The Users page (admin): the tenant's accounts, and each change an admin makes there."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.domain.clock import utcnow
from db.models import AuditRow, User
from tests.ui.conftest import log_in, logged_in_app, messages, new_app, page_run_directly, table_with


def users_page():
    at = logged_in_app("admin", "admin")
    at.switch_page("pages/users.py").run()
    assert not at.exception
    return at


def stored(engine, username):
    with Session(engine) as s:
        return s.scalars(select(User).where(User.username == username)).one()


def choose(at, username):
    at.selectbox(key="us_user").select(username).run()
    return at


def test_an_admin_sees_the_users_of_their_tenant_only(demo_url):
    at = users_page()
    shown = table_with(at, "Username", "Role", "Active", "Locked")
    assert {"admin", "manager", "supervisor"} <= set(shown["Username"])
    assert "globex.admin" not in set(shown["Username"])
    assert "Password" not in " ".join(shown.columns)


def test_an_admin_adds_a_user_who_can_then_log_in(demo_url, engine):
    at = users_page()
    at.text_input(key="us_new_username").input("Bo.Lin")
    at.text_input(key="us_new_name").input("Bo Lin")
    at.selectbox(key="us_new_role").select("manager")
    at.text_input(key="us_new_password").input("bo-secret-1")
    at.button(key="FormSubmitter:us_add-Add user").click().run()
    assert not at.exception and "Added bo.lin as a manager." in messages(at)
    assert stored(engine, "bo.lin").role == "manager"
    bo = log_in(new_app().run(), "bo.lin", "bo-secret-1")
    assert bo.session_state["authentication_status"] is True


def test_an_admin_changes_a_role_and_deactivates_and_reactivates(demo_url, engine):
    at = choose(users_page(), "manager")
    at.selectbox(key="us_role").select("supervisor")
    at.button(key="us_change_role").click().run()
    assert "manager is now a supervisor." in messages(at)
    assert stored(engine, "manager").role == "supervisor"
    at = choose(at, "manager")
    at.button(key="us_active").click().run()
    assert "manager is deactivated." in messages(at) and not stored(engine, "manager").is_active
    assert log_in(new_app().run(), "manager", "demo-manager").session_state[
        "authentication_status"] is not True
    at = choose(at, "manager")
    at.button(key="us_active").click().run()
    assert stored(engine, "manager").is_active
    with Session(engine) as s:
        actions = s.scalars(select(AuditRow.action).where(AuditRow.action.like("user.%"))
                            .order_by(AuditRow.id)).all()
    assert actions == ["user.role_changed", "user.deactivated", "user.reactivated"]


def test_an_admin_unlocks_a_locked_account(demo_url, engine):
    with engine.begin() as c:
        c.execute(update(User).where(User.username == "supervisor")
                  .values(locked_until=utcnow() + timedelta(minutes=10)))
    at = choose(users_page(), "supervisor")
    at.button(key="us_unlock").click().run()
    assert "supervisor is unlocked" in messages(at)
    assert stored(engine, "supervisor").locked_until is None
    assert log_in(new_app().run(), "supervisor", "demo-supervisor").session_state[
        "authentication_status"] is True


def test_a_new_password_works_and_logs_the_user_out_elsewhere(demo_url, engine):
    supervisor = log_in(new_app().run(), "supervisor", "demo-supervisor")
    at = choose(users_page(), "supervisor")
    at.text_input(key="us_password").input("fresh-password-1")
    at.button(key="us_set_password").click().run()
    assert "supervisor has a new password" in messages(at)
    supervisor.run()
    assert "Your session has ended" in messages(supervisor)
    assert log_in(new_app().run(), "supervisor", "fresh-password-1").session_state[
        "authentication_status"] is True


def test_a_refusal_is_shown_and_changes_nothing(demo_url, engine):
    at = choose(users_page(), "admin")
    at.button(key="us_active").click().run()
    assert not at.exception and "You cannot deactivate your own account" in messages(at)
    assert stored(engine, "admin").is_active


@pytest.mark.parametrize("username", ["supervisor", "manager"])
def test_other_roles_cannot_open_the_page_even_directly(demo_url, username):
    at = page_run_directly("pages/users.py", username)
    assert not at.exception
    assert "Only admins manage users" in messages(at)
    assert not at.dataframe
