"""Importing leads from CSV: mapping, validation, duplicates, both modes, bad files."""

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.bulk.import_file import default_mapping, read_import_file
from core.bulk.lead_import import import_leads
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.permissions import Role
from db.models import AuditRow, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_lead, make_tenant, make_user

GOOD = ("name,email,phone,company,source,required_skill,due_date\n"
        "Pat Doe,pat@example.com,,'; DROP TABLE leads; --,referral,spanish,2026-12-01\n"
        "=HYPERLINK(\"x\"),eve@example.com,+1 555 000 1111,<b>Bold</b>,website,,\n")


@pytest.fixture
def world(engine):
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    return dict(engine=engine, actor=actor, tenant=tenant)


def run(world, text, *, all_or_nothing=False, mapping=None):
    file = read_import_file(text.encode("utf-8"))
    return import_leads(lambda: SqlUnitOfWork(world["engine"]), world["actor"], file,
                        mapping or default_mapping(file.columns), all_or_nothing=all_or_nothing)


def leads(engine):
    with Session(engine) as s:
        return s.execute(select(Lead.name, Lead.company, Lead.status, Lead.email_normalized,
                                Lead.phone_normalized, Lead.score_category).order_by(Lead.id)).all()


def test_import_stores_text_as_typed_scores_and_audits(world):
    result = run(world, GOOD)
    assert result.imported == 2 and [r[1] for r in result.report] == ["imported", "imported"]
    rows = leads(world["engine"])
    assert rows[1][:5] == ("=HYPERLINK(\"x\")", "<b>Bold</b>", "new", "eve@example.com", "15550001111")
    assert rows[0][1] == "'; DROP TABLE leads; --"  # stored as typed, never executed
    assert all(r.score_category for r in rows)
    with Session(world["engine"]) as s:
        assert s.scalar(select(func.count()).select_from(AuditRow).where(
            AuditRow.action == "lead.imported", AuditRow.batch_id == result.batch_id)) == 2


def test_duplicates_within_the_file_and_against_the_database(world):
    existing = make_lead(world["engine"], world["tenant"], "Old")
    with world["engine"].begin() as c:
        c.execute(Lead.__table__.update().where(Lead.id == existing)
                  .values(email_normalized="old@example.com"))
    text = ("name,email,phone,source\n"
            "A,a@example.com,,email\n"
            "B,A@Example.com ,,email\n"
            "C,old@example.com,,email\n"
            "D,,555-123-4567,event\n"
            "E,,(555) 1234567,event\n")
    result = run(world, text)
    reasons = {line: reason for line, outcome, reason in result.report if outcome == "refused"}
    assert reasons == {3: "duplicate of line 2 (same email)",
                       4: f"duplicate of lead #{existing} already in LeadOps",
                       6: "duplicate of line 5 (same phone)"}
    assert result.imported == 2


@pytest.mark.parametrize("row, reason", [
    (",x@example.com,,email", "name is empty"),
    ("N,,,email", "needs an email or a phone"),
    ("N,not-an-email,,email", "is not an email address"),
    ("N,n@example.com,,fax", "source 'fax' is unknown"),
    ("N,n@example.com,12,email", "needs 7 to 15 digits"),
    ("N" * 121 + ",n@example.com,,email", "name is longer than 120 characters"),
])
def test_each_invalid_row_is_reported_with_its_reason(world, row, reason):
    result = run(world, "name,email,phone,source\n" + row + "\nOk,ok@example.com,,email\n")
    assert [(line, outcome) for line, outcome, _ in result.report] == [(2, "refused"), (3, "imported")]
    assert reason in result.report[0][2]


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(world):
    result = run(world, GOOD + "Bad,,,email\n", all_or_nothing=True)
    assert result.imported == 0 and result.batch_id is None
    assert leads(world["engine"]) == []


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty"),
    ("name\nx\n".encode("utf-16"), "not UTF-8"),
    (b"name,source\n", "no rows"),
    (b"x" * (10 * 1024 * 1024 + 1), "at most 10 MB"),
    (b"name,email,source\n" + b"a,a@b.co,email\n" * 20_001, "more than 20,000 rows"),
])
def test_bad_files_are_refused(data, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        read_import_file(data)


def test_missing_columns_and_mapping(world):
    with pytest.raises(InvalidInput, match="Map a column to source"):
        run(world, "name,email\nA,a@example.com\n")
    result = run(world, "Full name,Mail,Origin\nA,a@example.com,partner\n",
                 mapping={"name": "Full name", "email": "Mail", "source": "Origin"})
    assert result.imported == 1


def test_a_large_import_is_written_in_chunks_and_fully_scored(world, monkeypatch):
    monkeypatch.setattr("core.bulk.lead_import.CHUNK", 7)
    text = "name,email,source\n" + "".join(f"P{i},p{i}@example.com,event\n" for i in range(30))
    result = run(world, text)
    assert result.imported == 30
    with Session(world["engine"]) as s:
        assert s.scalar(select(func.count()).select_from(Lead).where(Lead.last_calculated.is_(None))) == 0
        assert s.scalar(select(func.count()).select_from(AuditRow).where(
            AuditRow.batch_id == result.batch_id, AuditRow.action == "lead.imported")) == 30
        assert s.scalar(select(func.count()).select_from(AuditRow).where(
            AuditRow.batch_id == result.batch_id, AuditRow.action == "bulk.imported")) == 1
