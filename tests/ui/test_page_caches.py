"""Pages keep slow whole-tenant reads in st.cache_data; a cached answer never skips core's
permission check for a role that has not passed it."""

import pytest

from core.accounts import login
from core.domain.errors import PermissionDenied
from db.unit_of_work import SqlUnitOfWork
from pages._shared import context


def test_a_cache_warmed_by_an_admin_does_not_serve_a_supervisor(demo_url, engine):
    admin = login.acting_user(SqlUnitOfWork(engine, read_only=True), "admin")
    supervisor = login.acting_user(SqlUnitOfWork(engine, read_only=True), "supervisor")
    context._scored_leads.clear()  # an earlier test may have used the same database URL
    frame = context.cached_scored_leads(admin, weights_version=1)
    assert len(frame) > 0
    with pytest.raises(PermissionDenied):
        context.cached_scored_leads(supervisor, weights_version=1)
