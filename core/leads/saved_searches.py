"""Saving, listing, applying, renaming and deleting a user's saved lead searches. Each use case
reads and writes the acting user's own searches only (tenant and user from the actor)."""

import json

from core.domain.clock import utcnow
from core.domain.errors import InvalidInput, NotFound
from core.domain.identity import Actor
from core.domain.lead_filter_params import from_params, to_params
from core.domain.leads import LeadFilters
from core.domain.permissions import Permission
from core.domain.saved_searches import MAX_SAVED_SEARCHES, SavedSearch, name_taken, valid_name
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


def _owner(actor: Actor) -> int:
    actor.require(Permission.VIEW_DASHBOARDS)
    if actor.user_id is None:
        raise InvalidInput("Saved searches belong to a user; the command line has none.")
    return actor.user_id


@retry_on_conflict
def list_searches(uow: UnitOfWork, actor: Actor) -> list[SavedSearch]:
    """The user's saved searches by name."""
    user_id = _owner(actor)
    with uow:
        return uow.saved_searches.of_user(actor.tenant_id, user_id)


@retry_on_conflict
def save_search(uow: UnitOfWork, actor: Actor, *, name: str, filters: LeadFilters) -> SavedSearch:
    user_id, name = _owner(actor), valid_name(name)
    filters_json = json.dumps(to_params(filters.validated()), sort_keys=True)
    with uow:
        searches = uow.saved_searches.of_user(actor.tenant_id, user_id)
        taken = name_taken(name, searches)
        if taken:
            raise InvalidInput(taken)
        if len(searches) >= MAX_SAVED_SEARCHES:
            raise InvalidInput(f"You have {MAX_SAVED_SEARCHES} saved searches, the most one user keeps. "
                               "Delete some you no longer use first.")
        now = utcnow()
        search_id = uow.saved_searches.add(actor.tenant_id, user_id, name=name, filters_json=filters_json,
                                           now=now)
        uow.commit()
    return SavedSearch(search_id, name, filters_json, now, now)


def _own(uow: UnitOfWork, actor: Actor, user_id: int, search_id: int) -> SavedSearch:
    search = uow.saved_searches.get(actor.tenant_id, user_id, search_id)
    if search is None:  # someone else's, or deleted meanwhile: the same answer
        raise NotFound(f"Saved search #{search_id} is not one of yours (it may have been deleted). "
                       "Pick one from your list.")
    return search


@retry_on_conflict
def load_search(uow: UnitOfWork, actor: Actor, search_id: int) -> tuple[LeadFilters, list[str]]:
    """The saved filters, and notes on values no longer accepted (left out)."""
    user_id = _owner(actor)
    with uow:
        search = _own(uow, actor, user_id, search_id)
    try:
        params = json.loads(search.filters_json)
    except ValueError:
        params = None
    if not isinstance(params, dict):
        return LeadFilters(), [f"Saved search \"{search.name}\" could not be read; showing every lead."]
    return from_params({k: v for k, v in params.items() if isinstance(v, list)})


@retry_on_conflict
def rename_search(uow: UnitOfWork, actor: Actor, search_id: int, *, name: str) -> None:
    user_id, name = _owner(actor), valid_name(name)
    with uow:
        _own(uow, actor, user_id, search_id)
        taken = name_taken(name, uow.saved_searches.of_user(actor.tenant_id, user_id), except_id=search_id)
        if taken:
            raise InvalidInput(taken)
        uow.saved_searches.rename(actor.tenant_id, user_id, search_id, name=name, now=utcnow())
        uow.commit()


@retry_on_conflict
def delete_search(uow: UnitOfWork, actor: Actor, search_id: int) -> None:
    user_id = _owner(actor)
    with uow:
        _own(uow, actor, user_id, search_id)
        uow.saved_searches.delete(actor.tenant_id, user_id, search_id)
        uow.commit()
