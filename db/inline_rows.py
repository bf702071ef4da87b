"""A multi-row INSERT written out as SQL text: integers and plain ids inline, each other
distinct value one bind parameter however many rows hold it.

A bulk commit inserts three rows per placed lead (history, batch item, audit row). Sent as an
`executemany`, PyMySQL escapes every value of every row in Python, one at a time: most of a
chunk's Python time (docs/benchmarks.md, "Where the time goes"). Here an int costs a `str()`,
a string of ASCII letters and digits only (a hex digest, a lead id as text) is quoted as it
is, and any other value is bound once for all the rows that hold it (the chunk's tenant,
time and batch, an agent's name in JSON). Only values of type int, such strings (checked
here) and parameter names reach the text, as in db/int_case.py.
"""

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from operator import itemgetter
from types import NoneType
from typing import Any

from sqlalchemy import Connection, Dialect, Table


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT the rows (each with the same keys: column names) in one statement; what
    `connection.execute(insert(table), rows)` does. The statement goes to the driver as it
    is (SQLAlchemy would make one parameter object per placeholder), its bound values
    converted by their columns' types first."""
    if not rows:
        return
    dialect = connection.dialect
    columns = list(rows[0])
    params = _Parameters(table, dialect)
    # Column by column: most columns hold one type, often one value (the chunk's tenant, time,
    # batch), and are rendered as such; rows are put together from the columns' cells.
    cells = [_column_cells(list(map(itemgetter(column), rows)), partial(params.placeholder, column))
             for column in columns]
    rendered = ",".join(["(" + ",".join(row_cells) + ")" for row_cells in zip(*cells, strict=True)])
    quote = dialect.identifier_preparer
    names = ",".join(quote.quote(column) for column in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {quote.format_table(table)} ({names}) VALUES {rendered}", params.values)


class _Parameters:
    """A statement's bound values: each distinct value of a column bound once, however many
    rows hold it, converted by its column's type."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.table, self.dialect = table, dialect
        self.mark = "%({})s" if dialect.paramstyle in ("pyformat", "format") else ":{}"
        self.values: dict[str, Any] = {}
        self._names: dict[tuple[str, Any], str] = {}

    def placeholder(self, column: str, value: Any) -> str:
        name = self._names.get((column, value))
        if name is None:
            name = self._names[(column, value)] = f"p{len(self._names)}"
            process = self.table.c[column].type.dialect_impl(self.dialect).bind_processor(self.dialect)
            self.values[name] = process(value) if process else value
        return self.mark.format(name)


def _column_cells(values: list[Any], bind: Callable[[Any], str]) -> list[str]:
    """Each value's text: an int as it is, None as NULL, a string of ASCII letters and digits
    quoted, anything else the placeholder `bind` gives."""
    kinds = set(map(type, values))
    if len(kinds) == 1 and values.count(values[0]) == len(values):  # the chunk's tenant, time, batch
        return [_cell(values[0], bind)] * len(values)
    if kinds == {int}:
        return list(map(str, values))
    if kinds == {str} and all(values) and _plain("".join(values)):
        return ["'" + value + "'" for value in values]
    if len(kinds - {NoneType}) <= 1:
        # Of one type, equal values are alike (unlike 1 and True): each is rendered once.
        text = {value: _cell(value, bind) for value in dict.fromkeys(values)}
        return list(map(text.__getitem__, values))
    return [_cell(value, bind) for value in values]


def _cell(value: Any, bind: Callable[[Any], str]) -> str:
    kind = type(value)
    if kind is int:
        return str(value)
    if value is None:
        return "NULL"
    if kind is str and _plain(value):
        return f"'{value}'"
    return bind(value)


def _plain(text: str) -> bool:
    """ASCII letters and digits only, at least one: safe between quotes in any SQL dialect."""
    return text.isascii() and text.encode("ascii").isalnum()  # as str.isalnum() for ASCII, faster
