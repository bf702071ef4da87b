"""Readings of a MySQL server's own state that the bench waits on."""

from sqlalchemy import Engine, text

_READINGS = (  # MariaDB; MySQL 8, which has no such status variable
    "SHOW GLOBAL STATUS LIKE 'Innodb_history_list_length'",
    "SELECT NAME, COUNT FROM information_schema.INNODB_METRICS WHERE NAME = 'trx_rseg_history_len'",
)


def history_length(engine: Engine) -> int | None:
    """Undo logs of committed transactions that InnoDB has not purged yet (its "history list
    length"), or None where the server does not say (or on SQLite)."""
    if engine.dialect.name != "mysql":
        return None
    with engine.connect() as connection:
        for reading in _READINGS:
            row = connection.execute(text(reading)).first()
            if row is not None:
                return int(row[1])
    return None
