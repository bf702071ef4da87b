"""Whole-number arithmetic in SQL for the scoring formula, identical on SQLite and MySQL."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

Column = InstrumentedAttribute[Any] | ColumnElement[Any]  # a score column, or an expression of one


class int_div(FunctionElement[int]):  # noqa: N801 - reads like the SQL function it stands for
    """Integer division that floors non-negative operands (MySQL DIV, SQLite integer /)."""

    type = Integer()
    inherit_cache = True


@compiles(int_div)
def _int_div_default(element: int_div, compiler: SQLCompiler, **kw: Any) -> str:
    numerator, denominator = list(element.clauses)
    return f"(({compiler.process(numerator, **kw)}) / ({compiler.process(denominator, **kw)}))"


@compiles(int_div, "mysql")
def _int_div_mysql(element: int_div, compiler: SQLCompiler, **kw: Any) -> str:
    numerator, denominator = list(element.clauses)
    return f"(({compiler.process(numerator, **kw)}) DIV ({compiler.process(denominator, **kw)}))"


def cents(column: Column) -> ColumnElement[int]:
    """A two-decimal column as whole hundredths (REAL on SQLite, DECIMAL on MySQL)."""
    return cast(func.round(column * 100), Integer)


def overall_cents_sql(component_columns: Sequence[Column],
                      weight_units: tuple[int, int, int, int]) -> int_div:
    """round_half_up(Σ wᵢ·cᵢ / Σ wᵢ) in hundredths: the same integers as core.scoring."""
    numerator = sum(w * cents(c) for w, c in zip(weight_units, component_columns, strict=True))
    denominator = sum(weight_units)
    return int_div(2 * numerator + denominator, 2 * denominator)
