"""The audit trail's keyed chains on a real database: every kind of tampering is named, a
forgery needs a key the database never held, and writers spread over the chains."""

import pytest
from sqlalchemy import func, insert, select, text, update

from core.domain.audit import AuditEntry, to_json
from core.domain.audit_chain import CHAINS, KEYED, AuditKey, row_mac
from core.domain.clock import utcnow
from db import audit_verify
from db.audit_key import with_audit_key
from db.models import AuditHead, AuditRow
from db.repositories import audit_log
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_tenant


def entry(tenant_id: int, action: str) -> AuditEntry:
    return AuditEntry(tenant_id=tenant_id, actor_user_id=None, actor_name="test", action=action,
                      entity_type="tenant", entity_id=str(tenant_id))


def append(engine, tenant_id: int, *actions: str) -> None:
    """Each action in its own transaction, as separate use cases write them."""
    for action in actions:
        with SqlUnitOfWork(engine) as uow:
            uow.audit.append(entry(tenant_id, action))
            uow.commit()


@pytest.fixture
def chain_seven(monkeypatch):
    """Every writer picks chain 7, so the rows line up in one chain."""
    monkeypatch.setattr(audit_log.random, "randint", lambda low, high: 7)


def problems(engine) -> list[tuple[int, int, str]]:
    return [(b.broken.chain, b.broken.seq, b.broken.problem)
            for b in audit_verify.verify_audit_chains(engine)[1]]


def chain_rows(engine) -> list:
    with engine.connect() as c:
        return c.execute(select(AuditRow.id, AuditRow.seq, AuditRow.row_hash)
                         .where(AuditRow.chain == 7).order_by(AuditRow.seq)).all()


def test_a_new_tenant_has_every_chain_sealed(engine):
    tenant = make_tenant(engine)
    with engine.connect() as c:
        heads = c.execute(select(AuditHead.chain, AuditHead.head_mac)
                          .where(AuditHead.tenant_id == tenant)).all()
    assert sorted(chain for chain, _ in heads) == list(range(1, CHAINS + 1))
    assert all(mac for _, mac in heads)
    assert audit_verify.verify_audit_chains(engine) == (0, [])


def test_writers_spread_over_the_chains(engine):
    tenant = make_tenant(engine)
    append(engine, tenant, *(f"change {i}" for i in range(40)))
    with engine.connect() as c:
        chains = c.scalar(select(func.count(func.distinct(AuditRow.chain))))
    assert chains >= 30  # 40 random picks out of 1024 chains rarely meet
    assert audit_verify.verify_audit_chains(engine) == (40, [])


def test_one_transaction_keeps_its_rows_together_in_one_chain(engine):
    tenant = make_tenant(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.audit.append_many([entry(tenant, f"row {i}") for i in range(3)])
        uow.audit.append(entry(tenant, "row 3"))
        uow.commit()
    with engine.connect() as c:
        placed = c.execute(select(AuditRow.chain, AuditRow.seq).order_by(AuditRow.id)).all()
    assert len({chain for chain, _ in placed}) == 1 and [seq for _, seq in placed] == [1, 2, 3, 4]


def test_an_edited_row_is_named(engine, chain_seven):
    tenant = make_tenant(engine)
    append(engine, tenant, "one", "two", "three")
    second = chain_rows(engine)[1]
    with engine.begin() as c:
        c.execute(update(AuditRow).where(AuditRow.id == second.id).values(reason="edited later"))
    assert problems(engine) == [(7, 2, "its content was changed (or it was written with another key)")]


def test_a_removed_row_in_the_middle_is_named(engine, chain_seven):
    tenant = make_tenant(engine)
    append(engine, tenant, "one", "two", "three")
    second = chain_rows(engine)[1]
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": second.id})
    assert problems(engine) == [(7, 2, "row 2 is missing (the next row is 3)")]


def test_removing_the_newest_row_and_winding_the_head_back_is_named(engine, chain_seven):
    tenant = make_tenant(engine)
    append(engine, tenant, "one", "two")
    first, second = chain_rows(engine)
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": second.id})
        c.execute(update(AuditHead).where(AuditHead.tenant_id == tenant, AuditHead.chain == 7)
                  .values(seq=1, head_hash=first.row_hash))  # the head's own MAC cannot follow
    assert problems(engine) == [(7, 1, "the chain's head was changed (or sealed with another key)")]


def test_a_row_forged_without_the_key_is_named(engine, chain_seven):
    tenant = make_tenant(engine)
    append(engine, tenant, "one")
    (first,) = chain_rows(engine)
    forged_key = AuditKey(b"a guess at the key, which the database never held")
    fake = entry(tenant, "lead.assigned")
    at = utcnow()
    with engine.begin() as c:
        mac = row_mac(forged_key, chain=7, prev_hash=first.row_hash, seq=2, at=at, entry=fake)
        c.execute(insert(AuditRow).values(
            tenant_id=tenant, chain=7, seq=2, algorithm=KEYED, at=at, actor_user_id=None,
            actor_name=fake.actor_name, action=fake.action, entity_type=fake.entity_type,
            entity_id=fake.entity_id, before_json=None, after_json=to_json(fake.after), reason=None,
            batch_id=None, prev_hash=first.row_hash, row_hash=mac))
        c.execute(update(AuditHead).where(AuditHead.tenant_id == tenant, AuditHead.chain == 7)
                  .values(seq=2, head_hash=mac))
    assert problems(engine)[0][:2] == (7, 2)


def test_another_key_verifies_nothing(engine):
    tenant = make_tenant(engine)
    append(engine, tenant, "one")
    other = with_audit_key(engine, AuditKey(b"another deployment's key, 32 characters or more"))
    checked, breaks = audit_verify.verify_audit_chains(other)
    assert checked == 1 and len(breaks) == CHAINS  # every head, sealed with the real key, refuses it


def test_a_writer_never_extends_a_chain_whose_head_was_changed(engine, monkeypatch):
    tenant = make_tenant(engine)
    with engine.begin() as c:
        c.execute(update(AuditHead).where(AuditHead.tenant_id == tenant, AuditHead.chain == 7)
                  .values(seq=5))
    picks = iter([7, 9])
    monkeypatch.setattr(audit_log.random, "randint", lambda low, high: next(picks))
    append(engine, tenant, "after the tampering")
    with engine.connect() as c:
        assert c.execute(select(AuditRow.chain)).scalars().all() == [9]
    assert [chain for chain, _, _ in problems(engine)] == [7]  # left as found, for audit-verify
