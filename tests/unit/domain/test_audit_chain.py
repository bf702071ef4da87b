"""The keyed audit chains (core.domain.audit_chain): what a MAC covers, and what a walk of a
chain names when a row or its head was changed."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from core.domain.audit import AuditEntry, to_json
from core.domain.audit_chain import (
    GENESIS_HASH,
    KEYED,
    LEGACY,
    LEGACY_CHAIN,
    AuditKey,
    ChainedRow,
    ChainHead,
    ChainWalk,
    RowSealer,
    head_mac,
    legacy_hash,
    row_mac,
)
from core.domain.batches import BatchKind

AT = datetime(2026, 11, 22, 9, 0, 0, 123456)
KEY = AuditKey(b"a key of the unit tests, 32 bytes or more")
ENTRY = AuditEntry(tenant_id=1, actor_user_id=2, actor_name="ana", action="lead.assigned",
                   entity_type="lead", entity_id="7", before={"agent_id": None},
                   after={"agent_id": 3}, reason="first call")


def mac(**changes: object) -> str:
    values: dict = dict(chain=5, prev_hash=GENESIS_HASH, seq=1, at=AT, entry=ENTRY) | changes
    key = values.pop("key", KEY)
    return row_mac(key, **values)


def test_a_rows_mac_covers_every_field_its_place_its_predecessor_and_the_key():
    variants = [
        mac(prev_hash="1" * 64), mac(seq=2), mac(chain=6), mac(at=AT.replace(microsecond=0)),
        mac(entry=replace(ENTRY, after={"agent_id": 4})), mac(entry=replace(ENTRY, reason="edited")),
        mac(entry=replace(ENTRY, actor_name="bo")), mac(key=AuditKey(b"another key entirely")),
    ]
    assert len(set(variants + [mac()])) == len(variants) + 1


def test_a_mac_is_stable_for_equal_content():
    assert mac(entry=replace(ENTRY, after={"agent_id": 3})) == mac()


def test_the_key_is_never_printed():
    assert "key of the unit tests" not in repr(KEY)


AWKWARD_TEXT = ["O'Brien \"Bo\"", "back\\slash \\\" end\\", "Zoë Ünal", "中文 名字", "emoji 😀 \ud800x",
                 "tab\tline\nbreak\r\x00\x1f\x7f", "</script> %s %(x)s :name ? -- ;", "", " ", "abc123"]
AWKWARD_VALUES = [None, True, False, 0, -7, 2**70, 1.5, -0.0, float("nan"), float("inf"),
                  BatchKind.BULK_ASSIGN, Decimal("1.10"), date(2026, 1, 2), AT, [1, "x", None],
                  {"nested": {"b": 1, "a": ["é", None]}}]


def awkward_entries() -> list[AuditEntry]:
    """Entries with every field written in ways json.dumps escapes or types it dispatches on."""
    entries = []
    for i, text in enumerate(AWKWARD_TEXT):
        value = AWKWARD_VALUES[i % len(AWKWARD_VALUES)]
        entries += [
            AuditEntry(tenant_id=i, actor_user_id=None if i % 2 else i, actor_name=text, action=text,
                       entity_type=text, entity_id=None if i % 3 == 0 else text,
                       before=None if i % 4 == 0 else {"status": "new", "agent_id": None, text: value},
                       after={"agent": text, "agent_id": i, "status": "assigned"},
                       reason=None if i % 5 == 0 else text, batch_id=None if i % 2 else text),
            AuditEntry(tenant_id=1, actor_user_id=2, actor_name="ana", action="lead.updated",
                       entity_type="lead", entity_id=str(i), before={"v": value},
                       after={text: AWKWARD_VALUES[-1 - i % len(AWKWARD_VALUES)]}, reason=text),
        ]
    # Fields of other types than declared (those json.dumps takes) get json.dumps's text: true, not True.
    entries += [AuditEntry(tenant_id=value, actor_user_id=value, actor_name=value, action=value,  # type: ignore[arg-type]
                           entity_type="lead", entity_id=value, reason=value, batch_id=value)
                for value in AWKWARD_VALUES if not isinstance(value, Decimal | date)]
    return entries


@pytest.mark.parametrize("at", [datetime(2026, 12, 2, 14, 0, 0, 5), datetime(2026, 12, 2, 14, 0)])
def test_a_sealer_gives_row_macs_mac_and_to_jsons_text_on_awkward_entries(at):
    sealer = RowSealer(KEY, chain=7, at=at)
    prev = "prev-hash \"of\" any text"
    for seq, entry in enumerate(awkward_entries(), start=1):
        sealed = sealer.row_mac(prev_hash=prev, seq=seq, entry=entry)
        assert sealed == row_mac(KEY, chain=7, prev_hash=prev, seq=seq, at=at, entry=entry)
        assert sealer.json_of(entry.before) == to_json(entry.before)
        assert sealer.json_of(entry.after) == to_json(entry.after)
        prev = sealed


def test_a_sealer_serialises_a_dict_shared_by_many_entries_once_and_each_dict_as_it_is():
    shared, sealer = {"agent": "Bo"}, RowSealer(KEY, chain=7, at=AT)
    entries = [replace(ENTRY, after=shared), replace(ENTRY, after={"agent": "Cy"}),
               replace(ENTRY, after=shared)]
    macs = [sealer.row_mac(prev_hash=GENESIS_HASH, seq=1, entry=e) for e in entries]
    assert macs == [row_mac(KEY, chain=7, prev_hash=GENESIS_HASH, seq=1, at=AT, entry=e) for e in entries]
    assert macs[0] == macs[2] != macs[1]


def chain(length: int, *, number: int = 5) -> list[ChainedRow]:
    rows, prev = [], GENESIS_HASH
    for seq in range(1, length + 1):
        entry = replace(ENTRY, reason=f"row {seq}")
        row_hash = row_mac(KEY, chain=number, prev_hash=prev, seq=seq, at=AT, entry=entry)
        rows.append(ChainedRow(seq * 10, number, seq, AT, KEYED, prev, row_hash, entry))
        prev = row_hash
    return rows


def sealed_head(rows: list[ChainedRow], number: int = 5) -> ChainHead:
    seq, last = (rows[-1].seq, rows[-1].row_hash) if rows else (0, GENESIS_HASH)
    return ChainHead(1, number, seq, last, head_mac(KEY, tenant_id=1, chain=number, seq=seq, head_hash=last))


def walk(rows: list[ChainedRow], head: ChainHead | None, number: int = 5):
    walker = ChainWalk(KEY, number)
    for row in rows:
        walker.feed(row)
    return walker.finish(head)


def test_an_intact_chain_and_an_unused_one_verify():
    rows = chain(3)
    assert walk(rows, sealed_head(rows)) is None
    assert walk([], sealed_head([])) is None


def test_an_edited_row_is_named_by_its_seq():
    rows = chain(3)
    rows[1] = replace(rows[1], entry=replace(rows[1].entry, reason="edited"))
    broken = walk(rows, sealed_head(chain(3)))
    assert (broken.seq, broken.row_id) == (2, 20) and broken.problem.startswith("its content was changed")


def test_a_missing_row_is_named():
    rows = chain(3)
    broken = walk([rows[0], rows[2]], sealed_head(rows))
    assert (broken.seq, broken.problem) == (2, "row 2 is missing (the next row is 3)")


def test_a_row_moved_between_chains_breaks_its_link():
    rows = chain(2)
    moved = replace(rows[1], prev_hash=chain(1, number=6)[0].row_hash)
    assert walk([rows[0], moved], sealed_head(rows)).problem == "its link to the row before does not match"


def test_cutting_off_the_newest_rows_is_named_by_the_head():
    rows = chain(3)
    assert walk(rows[:2], sealed_head(rows)).problem == "row 3 and later were removed (the head names row 3)"


def test_a_head_wound_back_without_the_key_is_named():
    rows = chain(3)
    unsealed = replace(sealed_head(rows[:2]), mac="f" * 64)
    assert walk(rows[:2], unsealed).problem == "the chain's head was changed (or sealed with another key)"


@pytest.mark.parametrize("head, problem", [
    (None, "the chain's head row is missing"),
    (ChainHead(1, 5, 0, GENESIS_HASH, None),
     "the chain's head is not sealed yet: run `python cli.py init-db`"),
])
def test_a_missing_or_unsealed_head_is_named(head, problem):
    assert walk([], head).problem == problem


def test_legacy_rows_keep_their_unkeyed_hash_and_nothing_else_passes_as_legacy():
    entry = replace(ENTRY, tenant_id=1)
    legacy = legacy_hash(prev_hash=GENESIS_HASH, seq=1, at=AT, entry=entry)
    row = ChainedRow(1, LEGACY_CHAIN, 1, AT, LEGACY, GENESIS_HASH, legacy, entry)
    head = ChainHead(1, LEGACY_CHAIN, 1, legacy,
                     head_mac(KEY, tenant_id=1, chain=LEGACY_CHAIN, seq=1, head_hash=legacy))
    assert walk([row], head, number=LEGACY_CHAIN) is None
    keyed_row_in_a_keyed_chain_labelled_legacy = replace(chain(1)[0], algorithm=LEGACY)
    assert walk([keyed_row_in_a_keyed_chain_labelled_legacy], sealed_head(chain(1))).problem == (
        "hashed as sha256, where this chain uses hmac-sha256")
