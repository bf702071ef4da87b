"""Types for rows and statement results of any shape (SQLAlchemy 2.1 types a row by its columns)."""

from typing import Any, TypeAlias

from sqlalchemy import CursorResult, Row, Select

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
Written: TypeAlias = CursorResult[*tuple[Any, ...]]


def inserted_id(result: Written) -> int:
    """The id a single-row INSERT gave its row."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("The INSERT returned no primary key.")
    return int(key[0])
