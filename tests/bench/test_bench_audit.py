"""The bench's audit step at a small size: the rows it seeds are what LeadOps writes (chained,
verified, shown by the audit page's use cases), and it reports each screen against its floor."""

from sqlalchemy import select

from bench import audit
from bench.target import prepare
from core.audit.browse import audit_screen
from core.domain.audit import AuditFilters
from db.audit_verify import verify_audit_chains
from db.models import AuditRow
from db.unit_of_work import SqlUnitOfWork


def test_seeded_rows_verify_and_both_screens_are_timed_against_their_floor(engine):
    bench = prepare(engine, leads=50, agents=3, progress=lambda line: None)
    result = audit.run(engine, bench.admin, bench.lead_ids, rows=12_345, progress=lambda line: None)
    checked, breaks = verify_audit_chains(engine)
    assert breaks == [] and checked >= 12_345
    for key in audit.KEYS:
        assert 0 < result[key] < 5 and 0 < result["audit"]["floor"][key] and result["audit"]["ratio"][key] > 0
    assert result["audit"]["filtered_rows"] == audit.SCREEN
    screen = audit_screen(SqlUnitOfWork(engine), bench.admin, AuditFilters(actor_name=audit.FILTERED_BY))
    assert {r.actor_name for r in screen.rows} == {"bench.sup07"}
    with engine.connect() as connection:
        batch = connection.scalar(select(AuditRow.batch_id).where(AuditRow.batch_id.is_not(None)).limit(1))
    in_batch = audit_screen(SqlUnitOfWork(engine), bench.admin, AuditFilters(batch_id=batch[:8]), size=200)
    assert len(in_batch.rows) == 100 and not in_batch.has_older
