"""Two imports of overlapping files at once: each lead is created once, whichever checks first.

Each import checks its rows against the tenant's leads before writing them; a second import
that writes in between must not slip the same email or phone past that check. The race is
played out in order: import A checks, import B checks and writes everything, then A writes.
"""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import core.bulk.lead_import as lead_import
from core.bulk.import_file import default_mapping, read_import_file
from core.domain.identity import Actor
from core.domain.permissions import Role
from db.models import AuditRow, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_tenant, make_user

FIRST = "name,email,phone,source\nAda,ada@example.com,,email\nBo,bo@example.com,+1 555 000 2222,event\n"
# Bo again under another email, same phone; Cy is new.
SECOND = "name,email,phone,source\nBo Two,bo2@example.com,+1 555 000 2222,event\nCy,cy@example.com,,email\n"


@pytest.fixture
def world(engine):
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    return dict(engine=engine, actor=actor)


def _import(world, text, *, all_or_nothing):
    file = read_import_file(text.encode("utf-8"))
    return lead_import.import_leads(lambda: SqlUnitOfWork(world["engine"]), world["actor"], file,
                                    default_mapping(file.columns), all_or_nothing=all_or_nothing)


def _with_other_import_after_the_check(monkeypatch, world, text):
    """The other import runs whole (checking as usual) right after this one's check."""
    check = lead_import._known_elsewhere
    other = []

    def check_then_let_the_other_in(*args, **kwargs):
        fresh = check(*args, **kwargs)
        monkeypatch.setattr(lead_import, "_known_elsewhere", check)
        other.append(_import(world, text, all_or_nothing=False))
        return fresh

    monkeypatch.setattr(lead_import, "_known_elsewhere", check_then_let_the_other_in)
    return other


def _leads_by_phone(engine, phone):
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Lead).where(Lead.phone_normalized == phone))


def test_rows_another_import_wrote_meanwhile_are_refused_as_duplicates(monkeypatch, world):
    other = _with_other_import_after_the_check(monkeypatch, world, FIRST)
    result = _import(world, SECOND, all_or_nothing=False)
    assert other[0].imported == 2
    assert _leads_by_phone(world["engine"], "15550002222") == 1  # Bo once, not twice
    assert result.imported == 1
    by_line = {line: (outcome, why) for line, outcome, why in result.report}
    assert by_line[2][0] == "refused" and "duplicate of lead #" in by_line[2][1]
    assert "meanwhile" in by_line[2][1]
    assert by_line[3][0] == "imported"
    with Session(world["engine"]) as s:  # audited for what it created only
        assert s.scalar(select(func.count()).select_from(AuditRow).where(
            AuditRow.batch_id == result.batch_id, AuditRow.action == "lead.imported")) == 1


def test_all_or_nothing_imports_nothing_when_another_import_wrote_a_duplicate_meanwhile(monkeypatch, world):
    _with_other_import_after_the_check(monkeypatch, world, FIRST)
    result = _import(world, SECOND, all_or_nothing=True)
    assert result.imported == 0 and result.batch_id is None
    assert _leads_by_phone(world["engine"], "15550002222") == 1
    with Session(world["engine"]) as s:
        assert s.scalar(select(func.count()).select_from(Lead).where(Lead.name == "Cy")) == 0
    refused = [(line, why) for line, outcome, why in result.report if outcome == "refused"]
    assert [line for line, _ in refused] == [2] and "meanwhile" in refused[0][1]
