"""The audit log page: a manager finds the supervisor's change and can export it."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.agents.capacity import set_agent_capacity
from core.domain.identity import Actor
from core.domain.permissions import Role
from db.models import Agent, User
from db.unit_of_work import SqlUnitOfWork
from tests.ui.conftest import logged_in_app, messages, page_run_directly, table_with

PAGE = "pages/audit_log.py"


def test_manager_finds_a_capacity_change_and_exports_it(demo_url, engine):
    with Session(engine) as s:
        user_id, tenant_id = s.execute(select(User.id, User.tenant_id)
                                       .where(User.username == "supervisor")).one()
        agent_id = s.scalar(select(Agent.id).where(Agent.tenant_id == tenant_id).limit(1))
    supervisor = Actor(user_id, "supervisor", "Sup", tenant_id, Role.SUPERVISOR)
    set_agent_capacity(SqlUnitOfWork(engine), supervisor, agent_id=agent_id, max_capacity=33,
                       availability="available")
    at = logged_in_app("manager", "manager")
    at.switch_page(PAGE).run()
    assert not at.exception
    at.text_input(key="au_action").input("agent.").run()
    table = table_with(at, "Action", "By", "Changes")
    assert table[["Action", "By"]].values.tolist() == [["agent.capacity_changed", "supervisor"]]
    assert table["Changes"].iloc[0].startswith("max capacity: ") and table["Changes"].iloc[0].endswith(
        " → 33") and "{" not in table["Changes"].iloc[0]
    assert "Before" not in table.columns and "After" not in table.columns
    at.button(key="au_export_prepare").click().run()
    assert not at.exception
    [download] = at.get("download_button")
    assert download.label.startswith("Download audit-log-") and download.label.endswith(".csv (1 rows)")


def test_supervisors_are_refused(demo_url):
    page = page_run_directly(PAGE, "supervisor")
    assert "Your role may not view the audit log" in messages(page)
    assert not page.dataframe
