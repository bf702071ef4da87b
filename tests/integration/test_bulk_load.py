"""Generated rows loaded in bulk (db/bulk_load.py) read back exactly as given: on MySQL through
LOAD DATA LOCAL INFILE's tab-separated text, elsewhere through multi-row inserts."""

from datetime import date, datetime

from sqlalchemy import select, text

from db import bulk_load
from db.models import Lead, Tenant
from tests.factories import make_tenant

AWKWARD = ("tab\there", "new\nline", "back\\slash", "\\N", "carriage\rreturn", "Zoë 🚀", "")


def test_loaded_rows_keep_every_character_null_and_moment(engine):
    tenant_id = make_tenant(engine, "acme")
    at = datetime(2026, 3, 4, 5, 6, 7, 890123)
    rows = [{"tenant_id": tenant_id, "name": name, "email": None if i % 2 else f"x{i}@example.com",
             "source": "website", "status": "new", "due_date": date(2026, 4, 1) if i % 2 else None,
             "created_at": at, "updated_at": at, "version": 1}
            for i, name in enumerate(AWKWARD)]
    with bulk_load.loading_connection(engine) as connection:
        bulk_load.insert_rows(connection, Lead, rows)
        loads_files = bulk_load._server_loads_files(connection)
    with engine.connect() as connection:
        stored = connection.execute(select(Lead.name, Lead.email, Lead.due_date, Lead.created_at,
                                           Lead.overall_score, Lead.score_category)
                                    .order_by(Lead.id)).all()
        assert connection.scalar(select(Tenant.slug)) == "acme"
        if engine.dialect.name == "mysql":  # the test server allows it, so the file path ran
            assert loads_files and connection.scalar(text("SELECT @@local_infile")) == 1
    assert [tuple(row[:4]) for row in stored] == [
        (r["name"], r["email"], r["due_date"], at) for r in rows]
    # Columns not given take the model's defaults, as an INSERT through SQLAlchemy gives them.
    assert all((row.overall_score, row.score_category) == (0, "nurture") for row in stored)
