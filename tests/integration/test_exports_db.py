"""Exports on a real database: every matching lead in the list's order, streamed in chunks,
the tenant's rows only, and the export audited in the same transaction."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from core.audit.browse import audit_screen
from core.domain.audit import AuditFilters
from core.domain.exports import ExportFormat
from core.domain.identity import Actor
from core.domain.leads import LeadFilters, LeadSort
from core.domain.permissions import Role
from core.exports import export
from core.leads import assignment
from db.models import Lead
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user

WEBSITE_LEADS = 60  # more than a page of the lead list, and several chunks below
EVIL = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def world(engine, monkeypatch):
    monkeypatch.setattr(export, "CHUNK_ROWS", 7)
    acme, globex = make_tenant(engine, "acme"), make_tenant(engine, "globex")
    website = [make_lead(engine, acme, f"Web {i}") for i in range(WEBSITE_LEADS)]
    for i in range(5):
        make_lead(engine, acme, f"Ref {i}", source="referral")
        make_lead(engine, globex, f"Foreign {i}")
    with engine.begin() as connection:
        connection.execute(update(Lead).where(Lead.id == website[0]).values(
            company=EVIL, name="Анна Петрова"))
    manager = Actor(make_user(engine, acme, "man", "manager"), "man", "Mia Manager", acme, Role.MANAGER)
    sup = Actor(make_user(engine, acme, "sup", "supervisor"), "sup", "Sam Super", acme, Role.SUPERVISOR)
    return dict(engine=engine, manager=manager, sup=sup, website=website, acme=acme)


WEBSITE_OLDEST_FIRST = LeadFilters(sources=("website",), sort=LeadSort.OLDEST)


def exported(world, actor, fmt, filters=WEBSITE_OLDEST_FIRST):
    return export.export_leads(SqlUnitOfWork(world["engine"]), actor, filters, fmt)


def test_a_lead_export_holds_every_matching_lead_of_the_tenant_in_order(world):
    file = exported(world, world["manager"], ExportFormat.CSV)
    rows = list(csv.reader(io.StringIO(file.data.decode("utf-8-sig"), newline="")))
    assert [int(r[0]) for r in rows[1:]] == world["website"] and file.rows == WEBSITE_LEADS
    assert rows[1][1:3] == ["Анна Петрова", "'" + EVIL]
    assert not any(r[1].startswith(("Ref", "Foreign")) for r in rows[1:])


def test_an_excel_export_reads_back_typed_and_neutralized(world):
    sheet = load_workbook(io.BytesIO(exported(world, world["sup"], ExportFormat.EXCEL).data)).worksheets[0]
    assert sheet.max_row == WEBSITE_LEADS + 1
    assert (sheet["A2"].value, sheet["C2"].value) == (world["website"][0], "'" + EVIL)
    assert sheet["C2"].data_type == "s"
    assert sheet["J2"].is_date


def test_the_export_is_audited_and_the_audit_log_exports_too(world):
    exported(world, world["manager"], ExportFormat.PDF, LeadFilters(sources=("referral",)))
    log = audit_screen(SqlUnitOfWork(world["engine"], read_only=True), world["manager"],
                       AuditFilters(action="export.created"))
    [row] = log.rows
    assert (row.actor_name, row.entity_id) == ("man", "leads")
    assert '"format":"pdf"' in row.after_json and '"rows":5' in row.after_json
    assert "source referral" in row.after_json
    file = export.export_audit_log(SqlUnitOfWork(world["engine"]), world["manager"], AuditFilters(),
                                   ExportFormat.CSV)
    assert file.rows == 1 and "export.created" in file.data.decode("utf-8-sig")


def test_an_export_above_the_limit_is_refused_and_not_audited(world):
    with pytest.raises(Exception, match="More than 10 rows match"):
        export.export_leads(SqlUnitOfWork(world["engine"]), world["sup"], LeadFilters(), ExportFormat.CSV,
                            max_rows=10)
    assert audit_screen(SqlUnitOfWork(world["engine"], read_only=True), world["manager"],
                        AuditFilters(action="export.created")).rows == []


def test_the_audit_log_export_holds_every_matching_row(world):
    ana = make_agent(world["engine"], world["acme"], "Ana", max_capacity=20)
    for lead_id in world["website"][:9]:
        assignment.assign_lead(SqlUnitOfWork(world["engine"]), world["sup"], lead_id=lead_id, agent_id=ana,
                               note="go")
    file = export.export_audit_log(SqlUnitOfWork(world["engine"]), world["manager"],
                                   AuditFilters(action="lead.assigned"), ExportFormat.CSV)
    rows = list(csv.reader(io.StringIO(file.data.decode("utf-8-sig"), newline="")))
    assert file.rows == 9 and {r[7] for r in rows[1:]} == {"go"}


def test_others_change_data_while_an_export_is_being_written(world, monkeypatch):
    """Building a large file takes seconds: on SQLite a writer's transaction holds the write
    lock from its start, so the export reads on a read-only connection and its own transaction
    begins only with the audit row. A change made meanwhile must not wait for the export."""
    ana = make_agent(world["engine"], world["acme"], "Ana", max_capacity=5)
    done = []

    def write_while_exporting(*args, **kwargs):
        assignment.assign_lead(SqlUnitOfWork(world["engine"]), world["sup"], lead_id=world["website"][1],
                               agent_id=ana, note="meanwhile")
        done.append(True)
        return real_write(*args, **kwargs)

    real_write = export.write_file
    monkeypatch.setattr(export, "write_file", write_while_exporting)
    monkeypatch.setattr("db.engine.SQLITE_BUSY_TIMEOUT_MS", 1_000)  # fail fast rather than wait 15 s
    file = exported(world, world["sup"], ExportFormat.CSV, LeadFilters(agent_id=ana))
    assert done and file.rows <= 1  # (whether it sees the change depends on the isolation level)
