"""Types for rows and statement results of any shape (SQLAlchemy 2.1 types a row by its columns)."""

from typing import Any, TypeAlias, cast

from sqlalchemy import CursorResult, Result, Row, Select

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
Written: TypeAlias = CursorResult[*tuple[Any, ...]]


def written(result: Result[*tuple[Any, ...]]) -> Written:
    """An INSERT's or UPDATE's result, with its rowcount and inserted keys: Session.execute
    returns it typed as a plain Result."""
    return cast(Written, result)


def inserted_id(result: Result[*tuple[Any, ...]]) -> int:
    """The id a single-row INSERT gave its row."""
    key = written(result).inserted_primary_key
    if key is None:
        raise RuntimeError("The INSERT returned no primary key.")
    return int(key[0])
