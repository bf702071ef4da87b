"""Lead filters as text parameters: the page's URL (`?statuses=new&sources=website`) and a
saved search's JSON. Read from each field's type, so a field added to LeadFilters travels too.

Only fields that differ from a baseline are written (the page's starting filters, e.g. new
leads only), so an empty list that differs from it is written as one empty value
(`?statuses=`). Reading keeps every value that LeadFilters accepts and reports the others as
ignored, never as an error: a link may be old, hand-edited or cut short.
"""

import math
import types
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from datetime import date, datetime
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

from core.domain.errors import InvalidInput
from core.domain.leads import LeadFilters

Params = dict[str, list[str]]
EVERY_LEAD = LeadFilters()
_HINTS = get_type_hints(LeadFilters)


def _is_optional(hint: Any) -> tuple[bool, Any]:
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        return True, args[0]
    return False, hint


def _encode_one(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return value.name.lower()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if isinstance(value, date) else str(value)


def _encode(value: Any) -> list[str]:
    if isinstance(value, tuple):
        return [_encode_one(v) for v in value] or [""]
    return [_encode_one(value)]


def _decode_one(text: str, kind: Any) -> Any:
    """The value of a parameter for a field of this type; ValueError when it is none."""
    optional, kind = _is_optional(kind)
    if text == "" and optional:
        return None
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind[text.upper()]
        except KeyError:
            raise ValueError(text) from None
    if kind is bool:
        if text not in ("0", "1"):
            raise ValueError(text)
        return text == "1"
    if kind is float:
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(text)
        return number
    if kind is datetime:
        return datetime.fromisoformat(text)
    if kind is date:
        return date.fromisoformat(text)
    return kind(text)  # int, str


def to_params(filters: LeadFilters, baseline: LeadFilters = EVERY_LEAD) -> Params:
    """The fields that differ from the baseline, as text."""
    return {f.name: _encode(getattr(filters, f.name)) for f in fields(LeadFilters)
            if getattr(filters, f.name) != getattr(baseline, f.name)}


def _accepted(baseline: LeadFilters, name: str, value: Any) -> bool:
    try:
        replace(baseline, **{name: value}).validated()
    except (InvalidInput, TypeError, ValueError):
        return False
    return True


def _read_field(name: str, texts: Sequence[str], baseline: LeadFilters) -> tuple[Any, list[str]]:
    """The field's value from its parameter values (or the baseline's), and the values ignored."""
    kind = _HINTS[name]
    if get_origin(kind) is tuple:
        item_kind = get_args(kind)[0]
        kept, ignored = [], []
        for text in (t for t in texts if t != ""):
            try:
                item = _decode_one(text, item_kind)
            except (TypeError, ValueError):
                item = None
            if item is not None and _accepted(baseline, name, (item,)) and item not in kept:
                kept.append(item)
            else:
                ignored.append(text)
        return tuple(kept), ignored
    try:
        value = _decode_one(texts[-1] if texts else "", kind)
    except (TypeError, ValueError):
        return getattr(baseline, name), list(texts)
    if not _accepted(baseline, name, value):
        return getattr(baseline, name), list(texts)
    return value, []


def from_params(params: Mapping[str, Sequence[str]],
                baseline: LeadFilters = EVERY_LEAD) -> tuple[LeadFilters, list[str]]:
    """The filters the parameters describe over the baseline, and a note per ignored value
    ("statuses=bogus"). Parameters that name no field are not LeadFilters' and are left alone."""
    values: dict[str, Any] = {}
    ignored: list[str] = []
    for f in fields(LeadFilters):
        if f.name in params:
            values[f.name], bad = _read_field(f.name, list(params[f.name]), baseline)
            ignored += [f"{f.name}={text}" for text in bad]
    filters = replace(baseline, **values)
    try:
        return filters.validated(), ignored
    except InvalidInput as refused:  # fields fine alone but not together (a low end above the high)
        return baseline, [*ignored, refused.message]
