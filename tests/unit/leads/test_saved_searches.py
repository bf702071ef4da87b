"""Saved searches: a user saves the current filters under a name, lists, applies, renames and
deletes them; nobody else (another user, another tenant) sees or changes them."""

import json

import pytest

from core.domain.errors import InvalidInput, NotFound, PermissionDenied
from core.domain.identity import Actor
from core.domain.leads import LeadFilters, LeadSort
from core.domain.permissions import Role
from core.leads.saved_searches import delete_search, list_searches, load_search, rename_search, save_search
from tests.unit.builders import ADMIN, MANAGER, OTHER_TENANT, SUPERVISOR
from tests.unit.fakes import FakeUnitOfWork

HOT_WEBSITE = LeadFilters(statuses=("new",), categories=("hot",), sources=("website",), sort=LeadSort.NEWEST)


def names(uow, actor):
    return [s.name for s in list_searches(uow, actor)]


def test_a_saved_search_round_trips_and_lists_by_name():
    uow = FakeUnitOfWork()
    saved = save_search(uow, SUPERVISOR, name="  Hot   website leads ", filters=HOT_WEBSITE)
    save_search(uow, SUPERVISOR, name="All open", filters=LeadFilters(statuses=("assigned",)))
    assert saved.name == "Hot website leads" and names(uow, SUPERVISOR) == ["All open", "Hot website leads"]
    assert load_search(uow, SUPERVISOR, saved.id) == (HOT_WEBSITE, [])


def test_searches_are_the_users_own_in_their_tenant():
    uow = FakeUnitOfWork()
    saved = save_search(uow, SUPERVISOR, name="Mine", filters=HOT_WEBSITE)
    colleague = Actor(9, "sup2", "Sue Two", SUPERVISOR.tenant_id, Role.SUPERVISOR)
    for other in (MANAGER, ADMIN, colleague, OTHER_TENANT):
        assert names(uow, other) == []
        for act in (lambda a: load_search(uow, a, saved.id), lambda a: delete_search(uow, a, saved.id),
                    lambda a: rename_search(uow, a, saved.id, name="Stolen")):
            with pytest.raises(NotFound, match="is not one of yours"):
                act(other)
    assert names(uow, SUPERVISOR) == ["Mine"]
    save_search(uow, colleague, name="Mine", filters=LeadFilters())  # names are unique per user only
    assert names(uow, colleague) == ["Mine"]


def test_rename_and_delete():
    uow = FakeUnitOfWork()
    saved = save_search(uow, MANAGER, name="Hot", filters=HOT_WEBSITE)
    rename_search(uow, MANAGER, saved.id, name="Hot website")
    assert names(uow, MANAGER) == ["Hot website"]
    rename_search(uow, MANAGER, saved.id, name="HOT WEBSITE")  # its own name, in another case
    delete_search(uow, MANAGER, saved.id)
    assert names(uow, MANAGER) == []


@pytest.mark.parametrize("name, message", [
    ("", "needs a name"), ("   ", "needs a name"), ("x" * 61, "limited to 60 characters"),
    ("tab\x07bell", "control characters"),
])
def test_bad_names_are_refused(name, message):
    with pytest.raises(InvalidInput, match=message):
        save_search(FakeUnitOfWork(), SUPERVISOR, name=name, filters=LeadFilters())


def test_a_name_is_used_once_per_user_whatever_its_case():
    uow = FakeUnitOfWork()
    save_search(uow, SUPERVISOR, name="Hot leads", filters=HOT_WEBSITE)
    other = save_search(uow, SUPERVISOR, name="Cold leads", filters=LeadFilters())
    rule = "each of your saved searches needs its own name"
    with pytest.raises(InvalidInput, match=rule):
        save_search(uow, SUPERVISOR, name="hot LEADS", filters=LeadFilters())
    with pytest.raises(InvalidInput, match=rule):
        rename_search(uow, SUPERVISOR, other.id, name="Hot leads")
    assert names(uow, SUPERVISOR) == ["Cold leads", "Hot leads"]


def test_values_no_longer_accepted_are_left_out_with_a_note():
    uow = FakeUnitOfWork()
    saved = save_search(uow, SUPERVISOR, name="Old", filters=HOT_WEBSITE)
    owned = uow.store.saved_searches[(SUPERVISOR.tenant_id, SUPERVISOR.user_id)]
    params = json.loads(owned[0].filters_json) | {"sources": ["website", "fax"]}
    owned[0] = owned[0].__class__(saved.id, "Old", json.dumps(params), saved.created_at, saved.updated_at)
    filters, notes = load_search(uow, SUPERVISOR, saved.id)
    assert filters.sources == ("website",) and notes == ["sources=fax"]


def test_the_command_line_operator_has_no_saved_searches():
    with pytest.raises(InvalidInput, match="belong to a user"):
        list_searches(FakeUnitOfWork(), Actor.operator(tenant_id=1))
    with pytest.raises(PermissionDenied):
        save_search(FakeUnitOfWork(), Actor(1, "x", "X", 1, "nobody"), name="x", filters=LeadFilters())
