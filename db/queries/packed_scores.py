"""The weights preview's input read from MySQL/MariaDB packed: a few long strings, not a row
per lead.

PyMySQL reads every row in Python: a row per lead for the 370,909 open leads of a million
took about 3.5 s of the weights page's first open, even with a single column per row (the
server's scan takes about 0.6 s). Here the server packs each lead's numbers (id, the four
components and the score in hundredths, the category's code, the lengths of name and source)
into fixed-width hex, and concatenates them, and the names and sources, by blocks of
BLOCK leads; numpy unpacks the numbers at once and the lengths cut the names and sources
apart. Scores are DECIMAL(5,2) from 0 to 100, so hundredths fit two bytes, and hundredths /
100 is the same float as the DECIMAL read as a float.

The server's work is per lead and function call: the numbers go as three hex words (the id;
the four components shifted into one 64-bit integer; the score, category and both lengths
into 56 bits), three LPAD(HEX()) where there were nine, and the blocks concatenate in the
order the rows are read, not sorted again: the three concatenations of a block take the rows
in the same order, and the frame is put in id order after unpacking (at 1M, 1.33 s of server
time before, 0.87 s after; docs/benchmarks.md).
"""

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import ColumnElement, Connection, String, func, literal_column, select, text, type_coerce
from sqlalchemy.orm import InstrumentedAttribute

from core.domain.vocabulary import ScoreCategory
from db.models import Lead

BLOCK = 8192  # leads per packed row: a block is about 500 KB, far below max_allowed_packet
# Enough for one block's names (up to BLOCK x 200 characters of utf8mb4), per session.
CONCAT_LIMIT = 64 * 1024 * 1024
CATEGORIES = [c.value for c in ScoreCategory]
SCORES = ("source_quality_score", "engagement_score", "conversion_probability", "urgency_score",
          "overall_score")
PACKED = np.dtype([("id", ">u8"), *((name, ">u2") for name in SCORES), ("category", "u1"),
                   ("name_length", ">u2"), ("source_length", ">u2")])


def _hex(value: ColumnElement[Any] | InstrumentedAttribute[Any], digits: int) -> ColumnElement[Any]:
    return func.lpad(func.hex(value), digits, "0")


def _joined(connection: Connection,
            value: ColumnElement[Any] | InstrumentedAttribute[Any]) -> ColumnElement[Any]:
    """GROUP_CONCAT(value SEPARATOR ''): SQLAlchemy has no MySQL spelling for the separator,
    so the value (built here, of constants and columns) is rendered in place."""
    rendered = value.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    return type_coerce(func.group_concat(literal_column(f"{rendered} SEPARATOR ''")), String)


def _hundredths(name: str) -> ColumnElement[Any]:
    return func.round(getattr(Lead, name) * literal_column("100"))


def _bits(*parts: tuple[ColumnElement[Any], int]) -> ColumnElement[Any]:
    """(value << shift) | … : the fields side by side in one unsigned 64-bit integer, the first
    highest, which is how their big-endian bytes follow each other in PACKED."""
    word: ColumnElement[Any] | None = None
    for value, shift in parts:
        shifted = value.op("<<")(literal_column(str(shift))) if shift else value
        word = shifted if word is None else word.op("|")(shifted)
    assert word is not None
    return word


def _cut(joined: str, lengths: npt.NDArray[np.uint16]) -> list[str]:
    ends = np.cumsum(lengths, dtype=np.int64).tolist()
    starts = [0, *ends[:-1]]
    return [joined[start:end] for start, end in zip(starts, ends, strict=True)]


def components_frame(connection: Connection, tenant_id: int,
                     rescored: ColumnElement[bool]) -> pd.DataFrame:
    """The same frame as the portable read (db.repositories.scoring), from packed blocks."""
    # FIELD() is 1-based, 0 for a value not listed (none: categories are validated on write).
    components = _bits(*((_hundredths(name), 48 - 16 * i) for i, name in enumerate(SCORES[:4])))
    rest = _bits((_hundredths("overall_score"), 40), (func.field(Lead.score_category, *CATEGORIES), 32),
                 (func.char_length(Lead.name), 16), (func.char_length(Lead.source), 0))
    packed = func.concat(_hex(Lead.id, 16), _hex(components, 16), _hex(rest, 14))
    connection.execute(text(f"SET SESSION group_concat_max_len = {CONCAT_LIMIT}"))
    blocks = connection.execute(
        select(_joined(connection, packed), _joined(connection, Lead.name),
               _joined(connection, Lead.source))
        .where(Lead.tenant_id == tenant_id, rescored)
        .group_by(Lead.id.op("DIV")(BLOCK)).order_by(Lead.id.op("DIV")(BLOCK))).all()
    values = np.frombuffer(bytes.fromhex("".join(block[0] for block in blocks)), dtype=PACKED)
    names = _cut("".join(block[1] for block in blocks), values["name_length"])
    sources = _cut("".join(block[2] for block in blocks), values["source_length"])
    ids = values["id"].astype(np.int64)
    if np.any(ids[1:] < ids[:-1]):  # rows come in the order read: the frame is in id order
        order = np.argsort(ids, kind="stable")
        values, ids = values[order], ids[order]
        names, sources = [names[i] for i in order], [sources[i] for i in order]
    frame = pd.DataFrame({"id": ids, "name": pd.array(names, dtype="string"),
                          "source": pd.Categorical(sources)})
    for name in SCORES:
        frame[name] = values[name] / 100
    frame["score_category"] = pd.Categorical.from_codes(values["category"].astype(np.int64) - 1,
                                                        categories=pd.Index(CATEGORIES))
    return frame
