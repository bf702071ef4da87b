"""Saved searches in the database: a round trip, names unique per user (any case, as MySQL
compares them), and each user's searches their own."""

from datetime import datetime

import pytest

from core.domain.errors import InvalidInput, NotFound
from core.domain.identity import Actor
from core.domain.leads import LeadFilters, LeadSort
from core.domain.permissions import Role
from core.leads.saved_searches import delete_search, list_searches, load_search, rename_search, save_search
from db.repositories.saved_searches import SqlSavedSearchRepository
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_tenant, make_user

HOT = LeadFilters(statuses=("new",), categories=("hot",), sources=("website",), score_min=60,
                  text="Ünïcode & Co", sort=LeadSort.NEWEST)


@pytest.fixture
def people(engine):
    acme, globex = make_tenant(engine, "acme"), make_tenant(engine, "globex")
    sup = Actor(make_user(engine, acme, "sup"), "sup", "Sup", acme, Role.SUPERVISOR)
    other = Actor(make_user(engine, acme, "sup2"), "sup2", "Sup2", acme, Role.SUPERVISOR)
    foreign = Actor(make_user(engine, globex, "gx"), "gx", "Gx", globex, Role.ADMIN)
    return engine, sup, other, foreign


def test_save_apply_rename_delete_and_scope(people):
    engine, sup, other, foreign = people
    uow = lambda: SqlUnitOfWork(engine)  # noqa: E731
    saved = save_search(uow(), sup, name="Hot website leads", filters=HOT)
    assert load_search(uow(), sup, saved.id) == (HOT, [])
    for stranger in (other, foreign):
        assert list_searches(uow(), stranger) == []
        with pytest.raises(NotFound):
            load_search(uow(), stranger, saved.id)
        with pytest.raises(NotFound):
            delete_search(uow(), stranger, saved.id)
    with pytest.raises(InvalidInput, match="needs its own name"):
        save_search(uow(), sup, name="HOT website LEADS", filters=LeadFilters())
    rename_search(uow(), sup, saved.id, name="Hot web")
    assert [s.name for s in list_searches(uow(), sup)] == ["Hot web"]
    delete_search(uow(), sup, saved.id)
    assert list_searches(uow(), sup) == []


def test_the_unique_name_holds_in_the_database_too(people):
    engine, sup, _, _ = people
    save_search(SqlUnitOfWork(engine), sup, name="Hot", filters=HOT)
    with engine.connect() as connection, pytest.raises(InvalidInput, match="already have a saved search"):
        SqlSavedSearchRepository(connection).add(sup.tenant_id, sup.user_id, name="Hot", filters_json="{}",
                                                 now=datetime(2026, 1, 1))
