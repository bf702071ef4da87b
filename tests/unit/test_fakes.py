"""The fake unit of work keeps the promises of the real one that the use cases lean on."""

from datetime import date

import pytest

from core.domain.audit import AuditEntry
from core.domain.audit_chain import GENESIS_HASH, row_mac
from core.domain.errors import RuleViolation
from tests.unit.builders import agent, lead
from tests.unit.fake_audit import FAKE_CHAIN, FAKE_KEY
from tests.unit.fakes import FakeUnitOfWork, LeadFields


def entry(tenant_id: int, action: str) -> AuditEntry:
    return AuditEntry(tenant_id=tenant_id, actor_user_id=1, actor_name="sup", action=action,
                      entity_type="lead", entity_id="1")


def test_changes_inside_with_are_kept_only_after_commit():
    uow = FakeUnitOfWork(agents=[agent(10)])
    with uow:
        uow.agents.add_open_lead(10)
    assert uow.agents.rows[10].open_leads == 0
    with uow:
        uow.agents.add_open_lead(10)
        uow.commit()
        uow.agents.add_open_lead(10)  # after the commit: rolled back on leaving
    assert uow.agents.rows[10].open_leads == 1


def test_a_commit_in_a_nested_block_outlives_the_outer_block():
    uow = FakeUnitOfWork(agents=[agent(10)])
    with uow:  # as rescoring holds one transaction open while its chunks commit
        with uow:
            uow.agents.add_open_lead(10)
            uow.commit()
    assert uow.agents.rows[10].open_leads == 1


def test_adding_open_leads_refuses_to_overfill_anyone_and_changes_nobody():
    uow = FakeUnitOfWork(agents=[agent(10, open_leads=1, max_capacity=3), agent(11, max_capacity=1)])
    with pytest.raises(RuleViolation, match="1 agent"):
        uow.agents.add_open_leads({10: 2, 11: 2})
    assert [a.open_leads for a in uow.agents.rows.values()] == [1, 0]
    uow.agents.add_open_leads({10: 2, 11: 1})
    assert [a.open_leads for a in uow.agents.rows.values()] == [3, 1]


def test_audit_rows_are_chained_per_tenant():
    uow = FakeUnitOfWork()
    uow.audit.append_many([entry(1, "a"), entry(2, "b"), entry(1, "c")])
    first, other, second = uow.audit.rows
    assert (first.seq, other.seq, second.seq) == (1, 1, 2)
    assert first.prev_hash == other.prev_hash == GENESIS_HASH and second.prev_hash == first.row_hash
    assert second.row_hash == row_mac(FAKE_KEY, chain=FAKE_CHAIN, prev_hash=first.row_hash, seq=2,
                                      at=second.at, entry=second.entry)


def test_a_leads_state_carries_its_source_and_due_date_as_the_sql_reads_them():
    fields = LeadFields(source="event", due_date=date(2026, 12, 24))
    uow = FakeUnitOfWork(leads=[lead(1)], lead_fields={1: fields})
    [locked] = uow.leads.lock_states(1, [1])
    assert (locked.source, locked.due_date) == ("event", date(2026, 12, 24))
    assert uow.leads.get(1, 1) == locked and uow.leads.candidates_by_id(1, [1])[0].lead == locked
