"""Loading many generated rows at once (the demo and the bench's million leads).

On MySQL/MariaDB, when the server allows it (`local_infile`), rows go in through `LOAD DATA
LOCAL INFILE` from a temporary tab-separated file: the server parses one file instead of
statements, and Python writes text instead of escaping every value for PyMySQL (a million
leads and their history: about 200 s through `executemany`, a fraction of that loaded). The
client side of LOCAL INFILE lets a server read a file the client names, so only the loader's
own engine enables it, for the length of one load, never the application's. Elsewhere, and
when the server refuses, rows go in as multi-row inserts through the driver.
"""

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, insert, text
from sqlalchemy.pool import NullPool

from db.models import Base

CHUNK = 5_000  # rows per executemany call where LOAD DATA is not used
LOAD_CHUNK = 200_000  # rows per file: bounded memory for the file's text
NULL = "\\N"  # LOAD DATA's NULL, with its default escape character
Values = dict[str, Any]


@contextmanager
def loading_connection(engine: Engine) -> Iterator[Connection]:
    """One transaction on a connection that may use LOAD DATA LOCAL INFILE where the server
    allows it; the engine's execution options (the audit key) carry over."""
    if engine.dialect.name != "mysql":
        with engine.begin() as connection:
            yield connection
        return
    loader = create_engine(engine.url, poolclass=NullPool, isolation_level="READ COMMITTED",
                           connect_args={"local_infile": True})
    try:
        with loader.execution_options(**engine.get_execution_options()).begin() as connection:
            yield connection
    finally:
        loader.dispose()


def _server_loads_files(connection: Connection) -> bool:
    return connection.dialect.name == "mysql" and bool(connection.scalar(text("SELECT @@local_infile")))


def insert_rows(connection: Connection, model: type[Base], rows: Sequence[Values]) -> None:
    """Insert `rows` (dicts with the same keys) into `model`'s table, fastest way available."""
    if not rows:
        return
    if _server_loads_files(connection):
        for start in range(0, len(rows), LOAD_CHUNK):
            _load_file(connection, model, rows[start:start + LOAD_CHUNK])
        return
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(model), list(rows[start:start + CHUNK]))


def _field(value: object) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    text_value = str(value)
    if any(c in text_value for c in "\\\t\n\r"):
        text_value = (text_value.replace("\\", "\\\\").replace("\t", "\\t")
                      .replace("\n", "\\n").replace("\r", "\\r"))
    return text_value


def _python_defaults(model: type[Base], given: Sequence[str]) -> dict[str, Any]:
    """The model's own defaults for the columns the rows leave out: an INSERT through
    SQLAlchemy applies them, LOAD DATA would store the column type's zero or empty value."""
    defaults = {}
    for column in model.__table__.columns:
        if column.key in given or column.default is None:
            continue
        if not column.default.is_scalar:
            raise ValueError(f"{model.__tablename__}.{column.key} has a computed default: give it "
                             "in every row to load")
        defaults[column.key] = column.default.arg
    return defaults


def _load_file(connection: Connection, model: type[Base], rows: Sequence[Values]) -> None:
    defaults = _python_defaults(model, list(rows[0]))
    rows = [{**row, **defaults} for row in rows] if defaults else rows
    columns = list(rows[0])
    table = model.__tablename__
    fd, path = tempfile.mkstemp(prefix="leadops-load-", suffix=".tsv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.writelines("\t".join([_field(row[c]) for c in columns]) + "\n" for row in rows)
        quoted = ", ".join(f"`{c}`" for c in columns)
        # The path is ours (mkstemp); only quotes and backslashes would need escaping in it.
        literal = path.replace("\\", "\\\\").replace("'", "\\'")
        connection.exec_driver_sql(
            f"LOAD DATA LOCAL INFILE '{literal}' INTO TABLE `{table}` CHARACTER SET utf8mb4 "
            f"FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({quoted})")
    finally:
        os.unlink(path)
