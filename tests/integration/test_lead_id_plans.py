"""Leads read by id read them by primary key on SQLite too.

Without statistics SQLite preferred an index that starts with the tenant to the primary key
for `tenant_id = ? AND id IN (500 ids)`, reading the tenant's every index entry: 80-110 ms
per chunk of 500 at 1M leads against 0.5 ms, most of a bulk run on SQLite (docs/benchmarks.md).
"""

import pytest

from db.repositories.leads import SqlLeadRepository
from tests.support.sqlite_plans import plan_of_first

READS_BY_ID = {
    "lock_states": lambda leads: leads.lock_states(1, [3, 1, 2]),
    "claim_new": lambda leads: leads.claim_new(1, [3, 1, 2]),
    "versions": lambda leads: leads.versions(1, [3, 1, 2]),
    "candidates_by_id": lambda leads: leads.candidates_by_id(1, [3, 1, 2]),
    "lock_assignable": lambda leads: leads.lock_assignable(1, [3, 1, 2]),
    "version_sum": lambda leads: leads.version_sum(1, [3, 1, 2]),
}


@pytest.mark.parametrize("read", READS_BY_ID)
def test_a_read_by_id_uses_the_primary_key_on_sqlite(tmp_path, read):
    plan = plan_of_first(tmp_path, lambda connection: READS_BY_ID[read](SqlLeadRepository(connection)),
                         "FROM leads")
    assert "INTEGER PRIMARY KEY" in plan, plan
