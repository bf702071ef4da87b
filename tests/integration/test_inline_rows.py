"""Rows written as one INSERT text (db/inline_rows.py) read back as they were given, whatever
their text holds, and the audit rows written that way verify; the statement sends what it
sent when it was written one row at a time."""

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import create_engine, select

from core.domain.audit import AuditEntry
from db import audit_verify
from db.inline_rows import insert_rows
from db.models import AuditRow
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_tenant

AWKWARD = ("O'Brien \"x\" \\ %s %(name)s :name ? -- ; é 中文", "", "abc123", "12", "a b", "0x1F")


def test_many_audit_rows_keep_their_text_and_verify(engine):
    tenant = make_tenant(engine, "inline")
    entries = [AuditEntry(tenant_id=tenant, actor_user_id=None, actor_name=name or "nobody",
                          action="lead.assigned", entity_type="lead", entity_id=str(i),
                          before={"status": "new"}, after={"agent": name, "n": i}, reason=name,
                          batch_id=None)
               for i, name in enumerate(AWKWARD * 3)]
    with SqlUnitOfWork(engine) as uow:
        uow.audit.append_many(entries)
        uow.commit()
    with engine.connect() as connection:
        rows = connection.execute(select(AuditRow.actor_name, AuditRow.entity_id, AuditRow.reason,
                                         AuditRow.at).where(AuditRow.tenant_id == tenant,
                                                            AuditRow.action == "lead.assigned")
                                  .order_by(AuditRow.seq)).all()
    assert [(r.actor_name, r.entity_id, r.reason) for r in rows] == [
        (e.actor_name, e.entity_id, e.reason) for e in entries]
    assert all(isinstance(r.at, datetime) for r in rows)
    assert audit_verify.verify_audit_chains(engine)[1] == []


class RecordingConnection:
    """What insert_rows sends, kept instead of sent."""

    def __init__(self, dialect):
        self.dialect, self.sent = dialect, []

    def exec_driver_sql(self, sql, params):
        self.sent.append((sql, params))


def one_row_at_a_time(connection, table, rows):
    """insert_rows as it was first written, cell by cell: the reference for its statements."""
    dialect = connection.dialect
    mark = "%({})s" if dialect.paramstyle in ("pyformat", "format") else ":{}"
    columns, bound, params, rendered = list(rows[0]), {}, {}, []
    for row in rows:
        cells = []
        for column in columns:
            value = row[column]
            if type(value) is int:
                cells.append(str(value))
            elif value is None:
                cells.append("NULL")
            elif type(value) is str and value.isascii() and value.isalnum():
                cells.append(f"'{value}'")
            else:
                name = bound.get((column, value))
                if name is None:
                    name = bound[(column, value)] = f"p{len(bound)}"
                    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
                    params[name] = process(value) if process else value
                cells.append(mark.format(name))
        rendered.append("(" + ",".join(cells) + ")")
    quote = dialect.identifier_preparer
    names = ",".join(quote.quote(column) for column in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {quote.format_table(table)} ({names}) VALUES {','.join(rendered)}", params)


def resolved(sql, params):
    """The statement with each placeholder replaced by the value bound to it: equal for two
    statements that send the same values, however their parameters are numbered."""
    return re.sub(r"%\((p\d+)\)s|:(p\d+)", lambda m: f"<{params[m.group(1) or m.group(2)]!r}>", sql)


def awkward_rows():
    at, other_at = datetime(2026, 12, 2, 14, 0, 0, 5), datetime(2026, 12, 2, 14, 0)
    # Columns of one type, of several (1, True and 1.0 are equal keys), of one value, of plain
    # ids but one empty string, of text with quotes.
    return [dict(tenant_id=3 if i % 6 else True, chain=[7, True, 1, 1.0, None][i % 5], seq=i,
                 algorithm="hmac-sha256",
                 at=at if i % 3 else other_at, actor_user_id=None if i % 2 else i,
                 actor_name=AWKWARD[i % len(AWKWARD)], action="lead.assigned", entity_type="lead",
                 entity_id=str(i) if i % 4 else AWKWARD[i % len(AWKWARD)],
                 before_json='{"agent_id":null,"status":"new"}',
                 after_json=None if i % 7 == 0 else json.dumps({"agent": AWKWARD[i % 3], "n": i % 2}),
                 reason=AWKWARD[i % 2], batch_id="ab" * 16 if i != 5 else "", prev_hash=f"{i:064x}",
                 row_hash=f"{i:064x}" if i % 9 else "0x-not-plain")
            for i in range(40)]


@pytest.mark.parametrize("url", ["sqlite://", "mysql+pymysql://user:password@localhost/leadops"])
def test_the_statement_sends_what_one_row_at_a_time_sent_and_binds_every_text_not_plain(url):
    dialect, table, rows = create_engine(url).dialect, AuditRow.table(), awkward_rows()
    new, reference = RecordingConnection(dialect), RecordingConnection(dialect)
    insert_rows(new, table, rows)
    one_row_at_a_time(reference, table, rows)
    (sql, params), (reference_sql, reference_params) = new.sent[0], reference.sent[0]
    assert resolved(sql, params) == resolved(reference_sql, reference_params)
    assert len(params) == len(reference_params)
    for text in (AWKWARD[0], "hmac-sha256", "lead.assigned", "agent_id", "0x-not-plain"):
        assert text not in sql
