"""Export use cases: every list, the actor's tenant only, the role that may view it, all rows
that match (not a page), refused above the limit with nothing audited, and audited when done."""

import csv
import io
from datetime import datetime

import pytest

from core.domain.audit import AuditEntry, AuditFilters
from core.domain.batches import BatchItem, BatchKind
from core.domain.errors import InvalidInput, NotFound, PermissionDenied
from core.domain.exports import CHUNK_ROWS, PDF_MAX_ROWS, ExportFormat
from core.domain.leads import LeadFilters, LeadSort
from core.domain.permissions import ROLE_PERMISSIONS, Permission, Role
from core.domain.vocabulary import Availability, LeadStatus
from core.exports.export import (
    EXPORTED,
    export_agents,
    export_audit_log,
    export_batch,
    export_leaderboard,
    export_leads,
)
from tests.unit.builders import ADMIN, MANAGER, OTHER_TENANT, SUPERVISOR, agent, lead, scored
from tests.unit.fakes import FakeUnitOfWork

HOT = LeadFilters(categories=("hot",))


def tenants() -> FakeUnitOfWork:
    """Tenant 1: leads 1-4 (1 and 3 hot), agents Ana (full) and Bo; tenant 2: lead 9 (hot), agent Xe."""
    leads = [lead(1, name="Анна Петрова"), lead(2, status=LeadStatus.ASSIGNED, agent_id=10),
             lead(3, name="=HYPERLINK(\"http://evil.example\",\"x\")"), lead(4), lead(9, tenant_id=2)]
    fields = {1: scored(85), 2: scored(40), 3: scored(95), 4: scored(10), 9: scored(99)}
    agents = [agent(10, "Ana", open_leads=10, max_capacity=10),
              agent(11, "Bo", availability=Availability.AWAY), agent(20, "Xe", tenant_id=2)]
    return FakeUnitOfWork(tenants={"acme": 1, "other": 2}, leads=leads, lead_fields=fields, agents=agents)


def read_csv(file) -> list[list[str]]:
    return list(csv.reader(io.StringIO(file.data.decode("utf-8-sig"), newline="")))


def exports_audited(uow) -> list[AuditEntry]:
    return [e for e in uow.audit.entries if e.action == EXPORTED]


def test_a_lead_export_holds_the_filtered_leads_of_the_tenant_in_the_lists_order():
    uow = tenants()
    file = export_leads(uow, SUPERVISOR, HOT, ExportFormat.CSV)
    rows = read_csv(file)
    assert [r[:2] for r in rows[1:]] == [["3", "'=HYPERLINK(\"http://evil.example\",\"x\")"],
                                         ["1", "Анна Петрова"]]
    assert file.rows == 2 and file.file_name.startswith("leads-") and file.file_name.endswith(".csv")
    assert [r[0] for r in read_csv(export_leads(uow, OTHER_TENANT, HOT, ExportFormat.CSV))[1:]] == ["9"]


def test_every_matching_lead_is_exported_not_one_page_read_a_chunk_at_a_time():
    many = [lead(i) for i in range(1, CHUNK_ROWS + 502)]
    uow = FakeUnitOfWork(leads=many, lead_fields={i: scored(50) for i in range(1, CHUNK_ROWS + 502)})
    file = export_leads(uow, MANAGER, LeadFilters(sort=LeadSort.OLDEST), ExportFormat.CSV)
    ids = [int(r[0]) for r in read_csv(file)[1:]]
    assert ids == list(range(1, CHUNK_ROWS + 502)) and file.rows == CHUNK_ROWS + 501
    assert uow.exports.chunks_read == 2


def test_the_leaderboard_exports_the_best_score_first_whatever_the_sort():
    file = export_leaderboard(tenants(), MANAGER, LeadFilters(sort=LeadSort.NEWEST), ExportFormat.CSV)
    assert [r[0] for r in read_csv(file)[1:]] == ["3", "1", "2", "4"]


def test_the_agents_export_is_the_capacity_pages_agents_as_filtered():
    uow = tenants()
    everyone = read_csv(export_agents(uow, MANAGER, ExportFormat.CSV))
    assert everyone[0][:2] == ["Agent", "Team"] and [r[0] for r in everyone[1:]] == ["Ana", "Bo"]
    assert everyone[1][4:7] == ["10", "10", "100.0%"]
    away = read_csv(export_agents(uow, MANAGER, ExportFormat.CSV, availability={"away"}))
    assert [r[0] for r in away[1:]] == ["Bo"]
    assert exports_audited(uow)[-1].after["filters"] == "availability away"


def batched() -> FakeUnitOfWork:
    uow = tenants()
    uow.bulk.add_batch("batch-one-1234", tenant_id=1, kind=BatchKind.BULK_ASSIGN, strategy="least_loaded",
                       by_user_id=1, now=datetime(2026, 11, 30), plan="[]", planned=2)
    uow.bulk.add_items("batch-one-1234", [BatchItem(0, 1, agent_id=11, lead_version=2),
                                          BatchItem(1, 4, refused="Ana is full: 10 of 10 open leads")])
    return uow


def test_a_batch_exports_each_lead_with_its_outcome():
    uow = batched()
    rows = read_csv(export_batch(uow, SUPERVISOR, "batch-one-1234", ExportFormat.CSV))
    assert rows[1:] == [["1", "1", "Анна Петрова", "Bo", "applied", ""],
                        ["2", "4", "Lead 4", "", "refused", "Ana is full: 10 of 10 open leads"]]
    assert exports_audited(uow)[-1].after["batch"] == "batch-one-1234"


def test_another_tenants_batch_is_not_found():
    with pytest.raises(NotFound, match="Batch batch-on does not exist in your tenant"):
        export_batch(batched(), OTHER_TENANT, "batch-one-1234", ExportFormat.CSV)


def logged() -> FakeUnitOfWork:
    uow = tenants()
    for tenant_id, action in ((1, "lead.assigned"), (1, "agent.capacity_changed"), (1, "lead.status_changed"),
                              (2, "lead.assigned")):
        uow.audit.append(AuditEntry(tenant_id=tenant_id, actor_user_id=1, actor_name="sup", action=action,
                                    entity_type=action.split(".")[0], entity_id="1",
                                    after={"status": "=1+1"}))
    return uow


def test_the_audit_log_export_is_the_tenants_filtered_rows_newest_first():
    rows = read_csv(export_audit_log(logged(), MANAGER, AuditFilters(entity_type="lead"), ExportFormat.CSV))
    assert [r[2] for r in rows[1:]] == ["lead.status_changed", "lead.assigned"]
    assert rows[1][6] == '{"status":"=1+1"}'  # JSON text starts with "{": nothing to neutralize


def test_an_export_is_audited_with_who_which_list_format_rows_and_filters():
    uow = tenants()
    filters = LeadFilters(categories=("hot",), statuses=("new",), agent_id=11)
    export_leads(uow, MANAGER, filters, ExportFormat.EXCEL)
    [entry] = exports_audited(uow)
    assert (entry.tenant_id, entry.actor_name, entry.entity_type) == (1, "man", "export")
    assert entry.entity_id == "leads"
    assert entry.after == {"list": "leads", "format": "xlsx", "rows": 0,
                           "filters": "status new; category hot; agent Bo (sorted: score, highest first)"}
    assert uow.committed == 1


def test_supervisors_may_not_export_the_audit_log_they_may_not_view():
    uow = logged()
    with pytest.raises(PermissionDenied, match="view the audit log"):
        export_audit_log(uow, SUPERVISOR, AuditFilters(), ExportFormat.CSV)
    assert exports_audited(uow) == []


EVERY_EXPORT = {
    "leads": lambda uow, actor: export_leads(uow, actor, LeadFilters(), ExportFormat.CSV),
    "leaderboard": lambda uow, actor: export_leaderboard(uow, actor, LeadFilters(), ExportFormat.CSV),
    "agents": lambda uow, actor: export_agents(uow, actor, ExportFormat.CSV),
    "batch": lambda uow, actor: export_batch(uow, actor, "batch-one-1234", ExportFormat.CSV),
    "audit log": lambda uow, actor: export_audit_log(uow, actor, AuditFilters(), ExportFormat.CSV),
}


@pytest.mark.parametrize("which", list(EVERY_EXPORT))
def test_every_export_needs_the_right_to_export(which, monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.MANAGER,
                        frozenset({Permission.VIEW_DASHBOARDS, Permission.VIEW_AUDIT_LOG}))
    uow = batched()
    with pytest.raises(PermissionDenied, match="may not export lead lists"):
        EVERY_EXPORT[which](uow, MANAGER)
    assert exports_audited(uow) == []
    EVERY_EXPORT[which](uow, ADMIN)
    assert len(exports_audited(uow)) == 1


@pytest.mark.parametrize("which", ["leads", "leaderboard", "agents", "audit log"])
def test_no_export_holds_another_tenants_rows(which):
    uow = logged()
    file = EVERY_EXPORT[which](uow, OTHER_TENANT)
    text = file.data.decode("utf-8-sig")
    assert file.rows == 1 and "Анна" not in text and "Ana" not in text and "status_changed" not in text


def test_an_export_above_the_limit_is_refused_naming_the_rule_and_nothing_is_audited():
    uow = tenants()
    rule = (r"More than 3 rows match: an export holds at most 3 rows \(the export limit, setting "
            r"LEADOPS_EXPORT_MAX_ROWS\)\. Narrow the filters")
    with pytest.raises(InvalidInput, match=rule):
        export_leads(uow, SUPERVISOR, LeadFilters(), ExportFormat.EXCEL, max_rows=3)
    with pytest.raises(InvalidInput, match="More than 1 rows match"):
        export_agents(uow, SUPERVISOR, ExportFormat.CSV, max_rows=1)
    assert exports_audited(uow) == [] and uow.committed == 0
    assert export_leads(uow, SUPERVISOR, LeadFilters(), ExportFormat.CSV, max_rows=4).rows == 4


def test_a_pdf_holds_fewer_rows_and_says_so(monkeypatch):
    many = [lead(i) for i in range(1, PDF_MAX_ROWS + 2)]
    uow = FakeUnitOfWork(leads=many, lead_fields={i: scored(50) for i in range(1, PDF_MAX_ROWS + 2)})
    rule = (f"a PDF export holds at most {PDF_MAX_ROWS:,} rows .* export to CSV "
            r"or Excel \(up to 100,000 rows\)")
    with pytest.raises(InvalidInput, match=rule):
        export_leads(uow, MANAGER, LeadFilters(), ExportFormat.PDF)
    assert exports_audited(uow) == []
    assert export_leads(uow, MANAGER, LeadFilters(), ExportFormat.CSV).rows == PDF_MAX_ROWS + 1


def test_bad_filters_are_refused_before_anything_is_read():
    with pytest.raises(InvalidInput, match="score range"):
        export_leads(tenants(), MANAGER, LeadFilters(score_min=90, score_max=10), ExportFormat.CSV)
