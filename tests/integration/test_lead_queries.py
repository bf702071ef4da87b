"""The lead list (filtered and paginated in SQL), a lead's detail, and agents ranked for it."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, update

from core.domain.errors import InvalidInput, NotFound
from core.domain.identity import Actor
from core.domain.leads import DETAIL_ROWS, DetailList, LeadFilters, LeadSort
from core.domain.performance import Performance
from core.domain.permissions import Role
from core.gamification.standings import agent_performance
from core.leads import assignment, lifecycle
from core.leads.ranking import rank_agents_for_lead
from core.leads.search import lead_detail, search_leads
from db.models import Lead, LeadActivity, ScoreHistory
from db.unit_of_work import SqlUnitOfWork
from pages._shared.tables import score_history
from tests.factories import make_agent, make_lead, make_tenant, make_user


@pytest.fixture
def world(engine):
    acme, globex = make_tenant(engine, "acme"), make_tenant(engine, "globex")
    user = make_user(engine, acme, "sup", "supervisor")
    actor = Actor(user, "sup", "Sup", acme, Role.SUPERVISOR)
    start = datetime(2026, 11, 1)
    leads = [make_lead(engine, acme, f"Lead {i:02d}", source="referral" if i % 2 else "website",
                       created_at=start + timedelta(hours=i)) for i in range(30)]
    with engine.begin() as c:
        for i, lead_id in enumerate(leads):
            c.execute(update(Lead).where(Lead.id == lead_id).values(
                overall_score=i * 3, score_category="hot" if i * 3 >= 80 else "cold",
                company="100% Widgets_Co" if i == 7 else None, email=f"lead{i}@example.com"))
    make_lead(engine, globex, "Foreign lead")
    return dict(engine=engine, actor=actor, leads=leads, acme=acme)


def reader(world):
    return SqlUnitOfWork(world["engine"], read_only=True)


def test_pages_through_the_tenants_leads_best_score_first(world):
    first = search_leads(reader(world), world["actor"], LeadFilters(), page=1, page_size=10)
    assert (first.total, first.pages, len(first.rows)) == (30, 3, 10)
    assert [r.name for r in first.rows][:2] == ["Lead 29", "Lead 28"]
    third = search_leads(reader(world), world["actor"], LeadFilters(), page=3, page_size=10)
    assert [r.name for r in third.rows][-1] == "Lead 00"
    oldest = search_leads(reader(world), world["actor"], LeadFilters(sort=LeadSort.OLDEST), page_size=1)
    assert [r.name for r in oldest.rows] == ["Lead 00"]


def test_counting_stops_past_the_limit_and_says_so(world, monkeypatch):
    # The use case counts up to the limit; the page it returns reads the same limit.
    monkeypatch.setattr("core.leads.search.COUNT_LIMIT", 12)
    monkeypatch.setattr("core.domain.leads.COUNT_LIMIT", 12)
    capped = search_leads(reader(world), world["actor"], LeadFilters(), page=1, page_size=5)
    assert (capped.total, capped.total_is_exact, capped.total_label) == (13, False, "more than 12")
    assert capped.pages == 3  # pages within the counted matches
    exact = search_leads(reader(world), world["actor"], LeadFilters(categories=("hot",)))
    assert (exact.total, exact.total_is_exact, exact.total_label) == (3, True, "3")
    top = search_leads(reader(world), world["actor"], LeadFilters(), page_size=5, count=False)
    assert top.total is None and top.rows[0].name == "Lead 29"


def test_filters_combine_in_sql(world):
    found = search_leads(reader(world), world["actor"], LeadFilters(
        sources=("referral",), categories=("hot",), score_min=80, score_max=90))
    assert sorted(r.name for r in found.rows) == ["Lead 27", "Lead 29"]
    assert found.total == 2


def test_free_text_matches_literally_even_with_like_wildcards(world):
    found = search_leads(reader(world), world["actor"], LeadFilters(text="100% widgets_"))
    assert [r.name for r in found.rows] == ["Lead 07"]
    # unescaped, "%" would match all thirty
    assert search_leads(reader(world), world["actor"], LeadFilters(text="%")).total == 1
    by_email = search_leads(reader(world), world["actor"], LeadFilters(text="lead12@"))
    assert [r.name for r in by_email.rows] == ["Lead 12"]
    by_id = search_leads(reader(world), world["actor"], LeadFilters(text=f"#{world['leads'][5]}"))
    assert [r.name for r in by_id.rows] == ["Lead 05"]


def test_bad_filters_are_refused(world):
    with pytest.raises(InvalidInput, match="Unknown filter value"):
        search_leads(reader(world), world["actor"], LeadFilters(statuses=("archived",)))
    with pytest.raises(InvalidInput, match="score range"):
        search_leads(reader(world), world["actor"], LeadFilters(score_min=90, score_max=10))


def test_detail_holds_history_activities_and_audit_trail(world):
    e, actor, lead = world["engine"], world["actor"], world["leads"][3]
    ana = make_agent(e, world["acme"], "Ana Ruiz")
    bo = make_agent(e, world["acme"], "Bo Lin")
    assignment.assign_lead(SqlUnitOfWork(e), actor, lead_id=lead, agent_id=ana, note="<b>hi</b>")
    assignment.reassign_lead(SqlUnitOfWork(e), actor, lead_id=lead, agent_id=bo, reason="holiday")
    lifecycle.log_activity(SqlUnitOfWork(e), actor, lead_id=lead, kind="call", note="=SUM(A1)")
    detail = lead_detail(reader(world), actor, lead)
    assert (detail.agent_name, detail.status.value, detail.version) == ("Bo Lin", "assigned", 4)
    history = [(a.agent_name, a.previous_agent_name, a.note) for a in detail.assignments]
    assert history == [("Bo Lin", "Ana Ruiz", "holiday"), ("Ana Ruiz", None, "<b>hi</b>")]
    assert [a.note for a in detail.activities] == ["=SUM(A1)"]
    assert [a.action for a in detail.audit] == ["lead.activity_logged", "lead.reassigned", "lead.assigned"]


def test_detail_lists_the_newest_rows_and_says_when_older_ones_exist(world):
    e, actor, lead = world["engine"], world["actor"], world["leads"][4]
    start = datetime(2026, 1, 1)
    with e.begin() as c:
        c.execute(insert(LeadActivity), [
            {"tenant_id": world["acme"], "lead_id": lead, "kind": "call",
             "occurred_at": start + timedelta(minutes=i), "note": f"call {i}"}
            for i in range(DETAIL_ROWS)])
    full = lead_detail(reader(world), actor, lead)
    assert len(full.activities) == DETAIL_ROWS and full.cut_off == frozenset()
    with e.begin() as c:
        c.execute(insert(LeadActivity).values(tenant_id=world["acme"], lead_id=lead, kind="email",
                                              occurred_at=start - timedelta(days=1), note="oldest"))
    cut = lead_detail(reader(world), actor, lead)
    assert cut.cut_off == frozenset({DetailList.ACTIVITIES})
    assert len(cut.activities) == DETAIL_ROWS
    assert cut.activities[0].note == f"call {DETAIL_ROWS - 1}"  # newest first
    assert "oldest" not in [a.note for a in cut.activities]


def test_score_history_shows_a_category_move_as_before_and_after(world):
    e, actor, lead = world["engine"], world["actor"], world["leads"][5]
    start = datetime(2026, 1, 1)
    rows = [(None, "nurture"), ("nurture", "cold"), ("cold", "cold")]  # before may be NULL
    with e.begin() as c:
        c.execute(insert(ScoreHistory), [
            {"tenant_id": world["acme"], "lead_id": lead, "previous_score": None, "new_score": 30 + i,
             "previous_category": before, "new_category": after,
             "calculated_at": start + timedelta(days=i)} for i, (before, after) in enumerate(rows)])
    changes = lead_detail(reader(world), actor, lead).score_history  # newest first
    assert [(c.previous_category, c.new_category) for c in changes] == [
        ("cold", "cold"), ("nurture", "cold"), (None, "nurture")]
    assert score_history(changes)["Category"].tolist() == ["cold", "nurture → cold", "nurture"]
    with e.begin() as c:  # a lead whose every "before" is NULL
        c.execute(insert(ScoreHistory).values(
            tenant_id=world["acme"], lead_id=world["leads"][6], new_score=10, new_category="nurture",
            calculated_at=start))
    only_after = lead_detail(reader(world), actor, world["leads"][6]).score_history
    assert score_history(only_after)["Category"].tolist() == ["nurture"]


def test_detail_of_another_tenants_lead_is_not_found(world):
    intruder = Actor(world["actor"].user_id, "x", "X", world["acme"] + 1, Role.ADMIN)
    with pytest.raises(NotFound):
        lead_detail(reader(world), intruder, world["leads"][0])


def test_agents_ranked_eligible_first_with_reasons(world):
    e, actor = world["engine"], world["actor"]
    roomy = make_agent(e, world["acme"], "Roomy", max_capacity=12, open_leads=7)
    tight = make_agent(e, world["acme"], "Tight", max_capacity=3, open_leads=2)
    make_agent(e, world["acme"], "Full", max_capacity=2, open_leads=2)
    make_agent(e, world["acme"], "Away", availability="away")
    options = rank_agents_for_lead(reader(world), actor, world["leads"][0])
    assert [(o.name, o.eligible) for o in options] == [
        ("Roomy", True), ("Tight", True), ("Away", False), ("Full", False)]
    assert options[0].why == "5 of 12 free · performance 38"  # a newcomer: 50 conversion, 50 speed
    assert options[2].why == "Away is away: only available agents receive leads."
    assert options[3].why == "Full is full: 2 of 2 open leads."
    assert {roomy, tight} == {o.agent_id for o in options if o.eligible}
    # A page may pass scores it keeps for a minute; loads are still read now.
    given = rank_agents_for_lead(reader(world), actor, world["leads"][0],
                                 performance={tight: Performance(80.0, 80.0, 80.0)})
    assert given[0].why == "1 of 3 free · performance 80"
    assert set(agent_performance(reader(world), actor)) == {o.agent_id for o in options}


@pytest.mark.parametrize("filters", [LeadFilters(), LeadFilters(categories=("hot",)),
                                     LeadFilters(sources=("website",)), LeadFilters(score_min=40)],
                         ids=["all", "category", "source", "score"])
def test_score_spread_counts_each_category_and_bin_from_one_read(world, filters):
    """Counted per score and category, then summed each way: the same figures as counting the
    matching leads one by one (the other tenant's lead left out)."""
    with reader(world) as uow:
        categories, histogram = uow.leads.score_spread(world["acme"], filters, 5)
    scores = [(i * 3, "hot" if i * 3 >= 80 else "cold") for i in range(30)
              if (not filters.sources or ("referral" if i % 2 else "website") in filters.sources)
              and (not filters.categories or ("hot" if i * 3 >= 80 else "cold") in filters.categories)
              and i * 3 >= filters.score_min]
    expected = [(c, n) for c in ("hot", "warm", "cold", "nurture")
                if (n := sum(1 for _, category in scores if category == c))]
    assert [(c.category, c.leads) for c in categories] == expected
    bins = sorted({score // 5 * 5 for score, _ in scores})
    assert [(b.score_from, b.leads) for b in histogram] == [
        (float(b), sum(1 for score, _ in scores if score // 5 * 5 == b)) for b in bins]
