"""One cell's value as every format writes it: text neutralized (a spreadsheet must never run
it as a formula), numbers kept as numbers, times as times."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal

from core.domain.exports import CellKind, Column
from core.exports.safe_csv import neutralize

Row = Sequence[object]
Chunks = Iterable[Sequence[Row]]


def safe_text(value: object) -> str:
    """Text as a spreadsheet shows it and never runs it: a leading = + - @ tab or CR gets an
    apostrophe (docs/exports.md, "Formulas")."""
    return str(neutralize(str(value)))


def typed(value: object, column: Column) -> object:
    """The value a typed format (Excel) stores: numbers and times as themselves, every string
    neutralized (a string is text even in a number column)."""
    if value is None:
        return None
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool | int | float | datetime):
        return value
    return safe_text(value)  # dates, enums, anything else: as the text it reads


def shown(value: object, column: Column) -> str:
    """The value as text (CSV, PDF): neutralized if it is text, numbers as they read."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if column.kind in (CellKind.DECIMAL, CellKind.PERCENT) and isinstance(value, int | float | Decimal):
        text = f"{float(value):.2f}" if column.kind == CellKind.DECIMAL else f"{float(value):.1f}"
        return text + ("%" if column.kind == CellKind.PERCENT else "")
    if isinstance(value, int | float | Decimal):
        return str(value)
    return safe_text(value)


def rows_of(chunks: Chunks) -> Iterator[Row]:
    """Each row of each chunk, one at a time: a writer holds one chunk at most."""
    for chunk in chunks:
        yield from chunk
