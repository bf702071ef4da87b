"""The lead list: the actor's tenant only, filtered, sorted, paged and counted."""

from datetime import datetime

import pytest

from core.domain.errors import InvalidInput, PermissionDenied
from core.domain.identity import Actor
from core.domain.leads import LeadFilters, LeadSort
from core.domain.vocabulary import LeadStatus
from core.leads.search import search_leads
from tests.unit.builders import MANAGER, OTHER_TENANT, SUPERVISOR, agent, lead, scored
from tests.unit.fakes import FakeUnitOfWork


def leads_uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(
        agents=[agent(10, "Ana Ruiz")],
        leads=[lead(1, name="Pat Doe"), lead(2, status=LeadStatus.ASSIGNED, agent_id=10, name="Kim Lee"),
               lead(3, name="Lou Park"), lead(4, tenant_id=2, name="Pat Other")],
        lead_fields={1: scored(55, company="Acme", created_at=datetime(2026, 11, 3)),
                     2: scored(85, source="referral", created_at=datetime(2026, 11, 1)),
                     3: scored(55, email="lou@park.example", created_at=datetime(2026, 11, 2)),
                     4: scored(99)})


def ids(page):
    return [row.id for row in page.rows]


def test_the_list_shows_the_actors_tenant_best_score_first_equal_scores_by_id():
    page = search_leads(leads_uow(), MANAGER, LeadFilters())
    assert ids(page) == [2, 1, 3] and page.total == 3 and page.total_label == "3"
    assert (page.rows[0].agent_name, page.rows[0].category, page.rows[0].score) == ("Ana Ruiz", "hot", 85.0)


@pytest.mark.parametrize("sort, expected", [
    (LeadSort.SCORE_ASC, [3, 1, 2]),
    (LeadSort.NEWEST, [1, 3, 2]),
    (LeadSort.OLDEST, [2, 3, 1]),
])
def test_each_sort_orders_the_list(sort, expected):
    assert ids(search_leads(leads_uow(), SUPERVISOR, LeadFilters(sort=sort))) == expected


@pytest.mark.parametrize("filters, expected", [
    (LeadFilters(statuses=("assigned",)), [2]),
    (LeadFilters(categories=("warm", "nurture")), []),
    (LeadFilters(categories=("cold",)), [1, 3]),
    (LeadFilters(sources=("referral",)), [2]),
    (LeadFilters(agent_id=10), [2]),
    (LeadFilters(score_min=50, score_max=60), [1, 3]),
    (LeadFilters(text="acme"), [1]),
    (LeadFilters(text="PARK.example"), [3]),
    (LeadFilters(text="#3"), [3]),
    (LeadFilters(text="pat"), [1]),  # Pat Other belongs to another tenant
])
def test_each_filter_narrows_the_list_within_the_tenant(filters, expected):
    assert ids(search_leads(leads_uow(), SUPERVISOR, filters)) == expected


def test_pages_cut_the_list_and_the_pager_counts_them():
    uow = leads_uow()
    second = search_leads(uow, SUPERVISOR, LeadFilters(), page=2, page_size=2)
    assert ids(second) == [3] and second.total == 3 and second.pages == 2
    below_one = search_leads(uow, SUPERVISOR, LeadFilters(), page=0, page_size=2)
    assert (ids(below_one), below_one.page) == ([2, 1], 1)


def test_a_list_that_is_not_counted_says_so():
    page = search_leads(leads_uow(), SUPERVISOR, LeadFilters(), count=False)
    assert page.total is None and page.total_label == "uncounted" and ids(page) == [2, 1, 3]


def test_another_tenant_sees_only_its_own_leads():
    assert ids(search_leads(leads_uow(), OTHER_TENANT, LeadFilters())) == [4]


@pytest.mark.parametrize("filters, size, message", [
    (LeadFilters(statuses=("open",)), 50, "Unknown filter value"),
    (LeadFilters(required_skill="juggling"), 50, "Unknown skill"),
    (LeadFilters(score_min=70, score_max=60), 50, "low end first"),
    (LeadFilters(text="x" * 101), 50, "limited to 100 characters"),
    (LeadFilters(), 0, "Page size must be 1-200"),
    (LeadFilters(), 201, "Page size must be 1-200"),
])
def test_bad_filters_and_page_sizes_are_refused(filters, size, message):
    with pytest.raises(InvalidInput, match=message):
        search_leads(leads_uow(), SUPERVISOR, filters, page_size=size)


def test_a_role_without_the_dashboards_is_refused():
    with pytest.raises(PermissionDenied):
        search_leads(leads_uow(), Actor(9, "t", "T", 1, "intern"), LeadFilters())  # type: ignore[arg-type]
