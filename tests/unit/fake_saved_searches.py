"""Saved searches in memory, per tenant and user, as db/repositories/saved_searches.py keeps them."""

from dataclasses import replace
from datetime import datetime

from core.domain.errors import InvalidInput
from core.domain.saved_searches import SavedSearch
from tests.unit.fake_store import Store


class FakeSavedSearches:
    def __init__(self, store: Store) -> None:
        self._store = store

    def _of(self, tenant_id: int, user_id: int) -> list[SavedSearch]:
        return self._store.saved_searches.setdefault((tenant_id, user_id), [])

    def of_user(self, tenant_id: int, user_id: int) -> list[SavedSearch]:
        return sorted(self._of(tenant_id, user_id), key=lambda s: s.name)

    def get(self, tenant_id: int, user_id: int, search_id: int) -> SavedSearch | None:
        return next((s for s in self._of(tenant_id, user_id) if s.id == search_id), None)

    def add(self, tenant_id: int, user_id: int, *, name: str, filters_json: str, now: datetime) -> int:
        if any(s.name.casefold() == name.casefold() for s in self._of(tenant_id, user_id)):
            raise InvalidInput("You already have a saved search of that name: pick another name.")
        search_id = 1 + max((s.id for owned in self._store.saved_searches.values() for s in owned), default=0)
        self._of(tenant_id, user_id).append(SavedSearch(search_id, name, filters_json, now, now))
        return search_id

    def rename(self, tenant_id: int, user_id: int, search_id: int, *, name: str, now: datetime) -> None:
        owned = self._of(tenant_id, user_id)
        owned[:] = [replace(s, name=name, updated_at=now) if s.id == search_id else s for s in owned]

    def delete(self, tenant_id: int, user_id: int, search_id: int) -> None:
        owned = self._of(tenant_id, user_id)
        owned[:] = [s for s in owned if s.id != search_id]
