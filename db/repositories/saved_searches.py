"""A user's saved searches; every statement names the tenant and the user."""

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.domain.errors import InvalidInput
from core.domain.saved_searches import SavedSearch
from db.models import SavedSearch as SavedSearchRow
from db.results import inserted_id

_COLUMNS = (SavedSearchRow.id, SavedSearchRow.name, SavedSearchRow.filters_json, SavedSearchRow.created_at,
            SavedSearchRow.updated_at)
_TAKEN = "You already have a saved search of that name: pick another name."


def _owned(tenant_id: int, user_id: int) -> tuple:
    return SavedSearchRow.tenant_id == tenant_id, SavedSearchRow.user_id == user_id


class SqlSavedSearchRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def of_user(self, tenant_id: int, user_id: int) -> list[SavedSearch]:
        rows = self.connection.execute(select(*_COLUMNS).where(*_owned(tenant_id, user_id))
                                       .order_by(SavedSearchRow.name))
        return [SavedSearch(*row) for row in rows]

    def get(self, tenant_id: int, user_id: int, search_id: int) -> SavedSearch | None:
        row = self.connection.execute(select(*_COLUMNS).where(
            *_owned(tenant_id, user_id), SavedSearchRow.id == search_id)).first()
        return SavedSearch(*row) if row else None

    def add(self, tenant_id: int, user_id: int, *, name: str, filters_json: str, now: datetime) -> int:
        try:
            with self.connection.begin_nested():
                return inserted_id(self.connection.execute(insert(SavedSearchRow).values(
                    tenant_id=tenant_id, user_id=user_id, name=name, filters_json=filters_json,
                    created_at=now, updated_at=now)))
        except IntegrityError as exc:  # the unique name, taken by a save that raced this one
            raise InvalidInput(_TAKEN) from exc

    def rename(self, tenant_id: int, user_id: int, search_id: int, *, name: str, now: datetime) -> None:
        try:
            with self.connection.begin_nested():
                self.connection.execute(update(SavedSearchRow).where(
                    *_owned(tenant_id, user_id), SavedSearchRow.id == search_id
                ).values(name=name, updated_at=now))
        except IntegrityError as exc:
            raise InvalidInput(_TAKEN) from exc

    def delete(self, tenant_id: int, user_id: int, search_id: int) -> None:
        self.connection.execute(delete(SavedSearchRow).where(*_owned(tenant_id, user_id),
                                                             SavedSearchRow.id == search_id))
