from dataclasses import replace
from datetime import datetime

from core.domain.audit import GENESIS_HASH, AuditEntry, chain_hash

AT = datetime(2026, 11, 22, 9, 0, 0, 123456)
ENTRY = AuditEntry(tenant_id=1, actor_user_id=2, actor_name="ana", action="lead.assigned",
                   entity_type="lead", entity_id="7", before={"agent_id": None},
                   after={"agent_id": 3}, reason="first call")


def test_hash_covers_every_field_and_the_previous_hash():
    base = chain_hash(prev_hash=GENESIS_HASH, seq=1, at=AT, entry=ENTRY)
    variants = [
        chain_hash(prev_hash="1" * 64, seq=1, at=AT, entry=ENTRY),
        chain_hash(prev_hash=GENESIS_HASH, seq=2, at=AT, entry=ENTRY),
        chain_hash(prev_hash=GENESIS_HASH, seq=1, at=AT.replace(microsecond=0), entry=ENTRY),
        chain_hash(prev_hash=GENESIS_HASH, seq=1, at=AT, entry=replace(ENTRY, after={"agent_id": 4})),
        chain_hash(prev_hash=GENESIS_HASH, seq=1, at=AT, entry=replace(ENTRY, reason="edited")),
        chain_hash(prev_hash=GENESIS_HASH, seq=1, at=AT, entry=replace(ENTRY, actor_name="bo")),
    ]
    assert len(set(variants + [base])) == len(variants) + 1


def test_hash_is_stable_for_equal_content():
    again = replace(ENTRY, after={"agent_id": 3})
    assert chain_hash(prev_hash=GENESIS_HASH, seq=1, at=AT, entry=ENTRY) == chain_hash(
        prev_hash=GENESIS_HASH, seq=1, at=AT, entry=again)
