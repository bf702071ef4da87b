"""Reading an uploaded CSV: its text, then its rows, each with the line of the file it starts on.

People fix a refused file in an editor, so messages name the file's own lines: blank lines
count, and a row whose quoted cell spans lines is named by its first line.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from core.domain.errors import InvalidInput


@dataclass(frozen=True)
class CsvRow:
    line: int
    cells: dict[str, str]  # the header's column name (trimmed) -> this row's cell


def csv_text(data: bytes, *, max_bytes: int, what: str, expected: str) -> str:
    """An uploaded file as text, or a refusal naming the size limit, emptiness or encoding."""
    if len(data) > max_bytes:
        raise InvalidInput(f"The file is {len(data) / 1e6:.1f} MB; {what} may be at most "
                           f"{max_bytes // (1024 * 1024)} MB. Split it into smaller files.")
    if not data.strip():
        raise InvalidInput(f"The file is empty. Upload a CSV with {expected}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload again.") from None


def header_and_rows(text: str) -> tuple[list[str], Iterator[CsvRow]]:
    """The first row's column names (blank ones dropped) and the rows below it, read lazily."""
    records = _records(text)
    first = next(records, None)
    names = [name.strip() for name in first[1]] if first else []

    def rows() -> Iterator[CsvRow]:
        for line, record in records:
            yield CsvRow(line, {name: cell for name, cell in zip(names, record, strict=False) if name})

    return [name for name in names if name], rows()


def shown(cell: str, limit: int = 40) -> str:
    """A cell quoted for a message: control characters escaped, a long cell cut short."""
    return repr(cell if len(cell) <= limit else cell[:limit] + "…")


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Every record holding more than blanks, with its first line; an unreadable file is refused."""
    reader = csv.reader(io.StringIO(text, newline=""))  # newline="": a lone CR ends a line too
    line = 1
    while True:
        try:
            record = next(reader, None)
        except csv.Error as exc:
            raise InvalidInput(_unreadable(line, exc)) from None
        if record is None:
            return
        if any(cell.strip() for cell in record):
            yield line, record
        line = reader.line_num + 1


def _unreadable(line: int, exc: csv.Error) -> str:
    if "field limit" in str(exc):
        why = (f"holds a cell longer than {csv.field_size_limit():,} characters, far more than any "
               "lead field; usually a quote (\") that is never closed")
    else:
        why = f"is not valid CSV ({exc})"
    return f"Line {line} {why}. Nothing was read: fix the file and upload it again."
