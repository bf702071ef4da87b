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

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT the rows (each with the same keys: column names) in one statement; what
    `connection.execute(insert(table), rows)` does. The statement goes to the driver as it
    is (SQLAlchemy would make one parameter object per placeholder), its bound values
    converted by their columns' types first."""
    if not rows:
        return
    dialect = connection.dialect
    mark = "%({})s" if dialect.paramstyle in ("pyformat", "format") else ":{}"
    columns = list(rows[0])
    bound: dict[tuple[str, Any], str] = {}
    params: dict[str, Any] = {}
    rendered = []
    for row in rows:
        cells = []
        for column in columns:
            value = row[column]
            kind = type(value)
            if kind is int:
                cell = str(value)
            elif value is None:
                cell = "NULL"
            elif kind is str and value.isascii() and value.isalnum():
                cell = f"'{value}'"
            else:
                name = bound.get((column, value))
                if name is None:
                    name = bound[(column, value)] = f"p{len(bound)}"
                    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
                    params[name] = process(value) if process else value
                cell = mark.format(name)
            cells.append(cell)
        rendered.append("(" + ",".join(cells) + ")")
    quote = dialect.identifier_preparer
    names = ",".join(quote.quote(column) for column in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {quote.format_table(table)} ({names}) VALUES {','.join(rendered)}", params)
