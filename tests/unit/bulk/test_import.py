"""Importing leads from CSV (docs/design.md §4): each row checked, duplicates found within the file
and against the tenant's leads, best effort or all or nothing, and the new leads scored."""

from datetime import date

import pytest

from core.bulk.import_file import default_mapping, read_import_file
from core.bulk.lead_import import import_leads
from core.domain.batches import BatchItem, BatchKind
from core.domain.errors import InvalidInput, PermissionDenied, TransientConflict
from core.domain.vocabulary import LeadStatus
from core.retry import STAYED_BUSY
from tests.unit.builders import MANAGER, SUPERVISOR, lead
from tests.unit.fakes import FakeUnitOfWork, LeadFields
from tests.unit.faults import FOR_GOOD, fail

GOOD = """name,email,phone,company,source,required_skill,due_date
Pat Doe,pat@x.example,,Acme,referral,,2026-12-24
Kim Lee,,+1 (555) 010-2000,,event,spanish,
"""
BAD = """,nobody@x.example,,,website,,
Lou,lou@x,,,website,,
Max,,12345,,website,,
Ned,ned@x.example,,,carrier,,
Ola,ola@x.example,,,website,juggling,
Pia,pia@x.example,,,website,,soon
Quin,,,,website,,
Pat Again, PAT@X.example ,,,website,,
Kim Again,,15550102000,,website,,
Old Friend,old@friend.example,,,partner,,
"""
REFUSED = [
    (4, "refused", "name is empty"),
    (5, "refused", "email 'lou@x' is not an email address"),
    (6, "refused", "phone '12345' needs 7 to 15 digits"),
    (7, "refused", "source 'carrier' is unknown (use referral, partner, event, website, email, social, "
                   "other, cold_call)"),
    (8, "refused", "required_skill 'juggling' is unknown (use sales, support, enterprise, spanish)"),
    (9, "refused", "due_date 'soon' is not a date (use YYYY-MM-DD)"),
    (10, "refused", "needs an email or a phone"),
    (11, "refused", "duplicate of line 2 (same email)"),
    (12, "refused", "duplicate of line 3 (same phone)"),
    (13, "refused", "duplicate of lead #1 already in LeadOps"),
]


def tenant_with_one_lead() -> FakeUnitOfWork:
    """Lead 1 (ours) has old@friend.example; lead 2 of another tenant has pat@x.example."""
    return FakeUnitOfWork(leads=[lead(1), lead(2, tenant_id=2)],
                          lead_fields={1: LeadFields(email_normalized="old@friend.example"),
                                       2: LeadFields(email_normalized="pat@x.example")})


def run(uow, text, *, all_or_nothing=False, mapping=None):
    file = read_import_file(text.encode())
    return import_leads(lambda: uow, SUPERVISOR, file, mapping or default_mapping(file.columns),
                        all_or_nothing=all_or_nothing)


def test_best_effort_imports_the_good_rows_and_reports_every_other_row_with_why():
    uow = tenant_with_one_lead()
    result = run(uow, GOOD + BAD)
    assert result.imported == 2
    assert result.report == [(2, "imported", "lead #3"), (3, "imported", "lead #4")] + REFUSED
    pat, kim = uow.leads.rows[3], uow.leads.rows[4]
    assert (pat.name, pat.status, pat.agent_id, pat.tenant_id) == ("Pat Doe", LeadStatus.NEW, None, 1)
    assert (kim.required_skill, uow.leads.fields[4].phone_normalized) == ("spanish", "15550102000")
    assert (uow.leads.fields[3].company, uow.leads.fields[3].due_date) == ("Acme", date(2026, 12, 24))
    batch = uow.bulk.batch(1, result.batch_id)
    assert (batch.kind, batch.leads_changed, batch.leads_refused) == (BatchKind.IMPORT, 2, 10)
    assert [(e.action, e.entity_id, e.batch_id) for e in uow.audit.entries] == [
        ("lead.imported", "3", result.batch_id), ("lead.imported", "4", result.batch_id),
        ("bulk.imported", result.batch_id, result.batch_id)]
    assert uow.audit.entries[-1].after == {"imported": 2, "refused": 10}
    assert uow.bulk.items(result.batch_id) == [BatchItem(0, 3, lead_version=1),
                                               BatchItem(1, 4, lead_version=1)]
    assert result.note is None


def test_imported_leads_are_scored_and_the_leads_already_there_are_left_alone():
    uow = tenant_with_one_lead()
    run(uow, GOOD)
    pat = uow.leads.fields[3]
    assert (pat.source_quality_score, pat.conversion_probability) == (90, 10)  # referral; the prior
    assert pat.overall_score > 0 and pat.calculation_method == "weighted"
    assert uow.leads.fields[1].last_calculated is None


def test_all_or_nothing_imports_nothing_when_one_row_is_refused():
    uow = tenant_with_one_lead()
    before = uow.store.snapshot()
    result = run(uow, GOOD + "Quin,,,,website,,\n", all_or_nothing=True)
    assert (result.batch_id, result.imported, result.report) == (None, 0, [(4, "refused",
                                                                            "needs an email or a phone")])
    assert uow.store == before


def test_all_or_nothing_imports_every_row_when_all_are_good():
    uow = tenant_with_one_lead()
    assert run(uow, GOOD, all_or_nothing=True).imported == 2 and set(uow.leads.rows) == {1, 2, 3, 4}


def test_a_file_whose_every_row_is_refused_opens_no_batch():
    uow = tenant_with_one_lead()
    header, *rows = (GOOD + BAD).splitlines()
    result = run(uow, "\n".join([header, *rows[2:9], rows[-1]]))  # without Pat and Kim
    assert len(result.report) == 8
    assert (result.batch_id, result.imported) == (None, 0) and uow.bulk.batches == {}


def test_columns_may_be_mapped_from_other_names():
    uow = tenant_with_one_lead()
    mapping = {"name": "Full Name", "email": "Mail", "source": "Origin"}
    result = run(uow, "Full Name,Mail,Origin\nPat Doe,pat@x.example,referral\n", mapping=mapping)
    assert result.imported == 1 and uow.leads.fields[3].email == "pat@x.example"


@pytest.mark.parametrize("mapping, message", [
    ({"email": "Mail", "source": "Origin"}, "Map a column to name"),
    ({"name": "Full Name", "source": "Origin"}, "Map a column to email or phone"),
    ({"name": "Full Name", "email": "E-mail", "source": "Origin"}, r"Column\(s\) E-mail are not in the file"),
])
def test_a_mapping_without_the_required_columns_is_refused(mapping, message):
    file = "Full Name,Mail,Origin\nPat Doe,pat@x.example,referral\n"
    with pytest.raises(InvalidInput, match=message):
        run(tenant_with_one_lead(), file, mapping=mapping)


@pytest.mark.parametrize("data, message", [
    (b"  \n", "The file is empty"),
    (b"name,email\n", "has a header but no rows"),
])
def test_a_file_without_rows_is_refused(data, message):
    with pytest.raises(InvalidInput, match=message):
        read_import_file(data)


def test_managers_may_not_import():
    file = read_import_file(GOOD.encode())
    with pytest.raises(PermissionDenied):
        import_leads(lambda: FakeUnitOfWork(), MANAGER, file, default_mapping(file.columns),
                     all_or_nothing=False)


def test_an_empty_source_is_reported_in_words_a_person_reads():
    [(line, result, why)] = run(tenant_with_one_lead(), "name,email,source\nPat,pat@x.example,\n").report
    assert (line, result) == (2, "refused") and why.startswith("source") and "None" not in why


def test_an_all_or_nothing_import_cut_short_by_a_conflict_is_run_again_whole(pauses):
    uow = tenant_with_one_lead()
    insert = fail(uow, "leads", "insert_new", times=1)
    result = run(uow, GOOD, all_or_nothing=True)
    assert (insert.calls, result.imported) == (2, 2)
    assert set(uow.leads.rows) == {1, 2, 3, 4} and list(uow.bulk.batches) == [result.batch_id]
    assert [e.action for e in uow.audit.entries] == ["lead.imported", "lead.imported", "bulk.imported"]


def test_an_all_or_nothing_import_that_keeps_conflicting_keeps_none_of_its_leads(pauses):
    uow = tenant_with_one_lead()
    fail(uow, "leads", "insert_new", times=FOR_GOOD)
    before = uow.store.snapshot()
    with pytest.raises(TransientConflict) as stopped:
        run(uow, GOOD, all_or_nothing=True)
    assert stopped.value.message == STAYED_BUSY
    assert uow.store == before  # no lead, no batch, no audit row
