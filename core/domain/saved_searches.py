"""Saved searches (docs/design.md §2): lead filters a user keeps under a name. They belong to
one user in one tenant; nobody else lists, applies, renames or deletes them."""

from dataclasses import dataclass
from datetime import datetime

from core.domain.errors import InvalidInput

MAX_NAME_LENGTH = 60
MAX_SAVED_SEARCHES = 100  # per user: a list longer than this is no longer a shortcut


@dataclass(frozen=True)
class SavedSearch:
    id: int
    name: str
    filters_json: str  # core.domain.lead_filter_params, as JSON
    created_at: datetime
    updated_at: datetime


def valid_name(name: str) -> str:
    """The name as stored: trimmed, 1-60 printable characters."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("A saved search needs a name: type one, e.g. \"Hot website leads\".")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Saved search names are limited to {MAX_NAME_LENGTH} characters; shorten it.")
    if not name.isprintable():
        raise InvalidInput("A saved search name may not hold control characters.")
    return name


def name_taken(name: str, searches: list[SavedSearch], *, except_id: int | None = None) -> str | None:
    """Why the name cannot be used, when another of the user's searches has it (in any case:
    MySQL compares names so)."""
    if any(s.name.casefold() == name.casefold() and s.id != except_id for s in searches):
        return (f"You already have a saved search named \"{name}\": each of your saved searches "
                "needs its own name. Pick another name, or delete or rename that one first.")
    return None
