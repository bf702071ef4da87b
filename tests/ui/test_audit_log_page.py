"""The audit log page: a manager finds the supervisor's change and can export it."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.agents.capacity import set_agent_capacity
from core.domain.audit import AuditEntry
from core.domain.batches import BatchKind
from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.domain.permissions import Role
from db.models import Agent, User
from db.repositories.audit_log import SqlAuditRepository
from db.repositories.bulk import SqlBulkRepository
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
    at.selectbox(key="au_action").select("agent.capacity_changed").run()
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


def add_rows(engine, count, *, batch_id=None):
    """`count` rows of the demo tenant in one transaction (so at one time), as a bulk run writes them."""
    with engine.begin() as connection:
        tenant_id = connection.scalar(select(User.tenant_id).where(User.username == "manager"))
        if batch_id:
            SqlBulkRepository(connection).add_batch(batch_id, tenant_id=tenant_id, kind=BatchKind.BULK_ASSIGN,
                                                    strategy="manual", by_user_id=None, now=utcnow(),
                                                    plan="[]", planned=0)
        SqlAuditRepository(connection).append_many([AuditEntry(
            tenant_id=tenant_id, actor_user_id=None, actor_name="supervisor", action="lead.assigned",
            entity_type="lead", entity_id=str(i), reason="bulk", batch_id=batch_id) for i in range(count)])


def test_older_and_newer_screens_keep_their_rows(demo_url, engine, monkeypatch):
    monkeypatch.setattr("pages._shared.audit_screens.SCREEN_ROWS", 5)
    add_rows(engine, 12)
    at = logged_in_app("manager", "manager")
    at.switch_page(PAGE).run()
    first = table_with(at, "Row", "Batch")["Row"].tolist()
    assert len(first) == 5 and at.button(key="au_newer").disabled and not at.button(key="au_older").disabled
    at.button(key="au_older").click().run()
    second = table_with(at, "Row", "Batch")["Row"].tolist()
    assert len(second) == 5 and max(second) < min(first) and not at.button(key="au_newer").disabled
    at.button(key="au_newer").click().run()
    assert table_with(at, "Row", "Batch")["Row"].tolist() == first
    at.text_input(key="au_batch").input("0").run()  # a filter change starts from the newest again
    assert at.button(key="au_newer").disabled and not at.exception


def test_a_batch_id_in_a_row_opens_the_whole_batch(demo_url, engine):
    batch_id = str(uuid.uuid4())
    add_rows(engine, 3, batch_id=batch_id)
    add_rows(engine, 4)  # newer rows of no batch
    at = logged_in_app("manager", "manager")
    at.switch_page(PAGE).run()
    assert any("Select a row of a batch" in c.value for c in at.caption)
    at.session_state["au_table"] = {"selection": {"rows": [4], "columns": []}}
    at.run()
    at.button(key="au_open_batch").click().run()
    assert at.text_input(key="au_batch").value == batch_id[:8]
    rows = table_with(at, "Row", "Batch")
    assert rows["Batch"].tolist() == [batch_id[:8]] * 3 and not at.exception
