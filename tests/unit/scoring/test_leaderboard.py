"""The scoring leaderboard: categories, histogram and movers of the filtered leads of the
actor's tenant, and each component's share of a lead's score."""

from decimal import Decimal

import pytest

from core.domain.errors import InvalidInput
from core.domain.leads import CategoryCount, HistogramBin, LeadFilters, ScoreParts
from core.domain.scoring import ScoreComponent, Weights
from core.domain.vocabulary import LeadStatus
from core.scoring.leaderboard import contributions, leaderboard, leaderboard_at_once
from tests.unit.builders import MANAGER, OTHER_TENANT, agent, lead, scored
from tests.unit.fakes import FakeUnitOfWork


def moved(overall, change):
    return scored(overall, score_change=Decimal(str(change)),
                  previous_score=Decimal(str(overall)) - Decimal(str(change)))


def board_uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(
        agents=[agent(10)],
        leads=[lead(1), lead(2), lead(3), lead(4, status=LeadStatus.ASSIGNED, agent_id=10), lead(5),
               lead(6, tenant_id=2)],
        lead_fields={1: moved(91, 12), 2: moved(84, 30), 3: moved(62, -8), 4: moved(44.5, -20),
                     5: scored(12), 6: moved(99, 50)})


def test_the_board_counts_categories_bins_scores_and_lists_movers_of_the_tenant():
    board = leaderboard(board_uow(), MANAGER, LeadFilters())
    assert board.categories == [CategoryCount("hot", 2), CategoryCount("warm", 1), CategoryCount("cold", 1),
                                CategoryCount("nurture", 1)]
    assert board.matching == 5
    assert board.histogram == [HistogramBin(10.0, 1), HistogramBin(40.0, 1), HistogramBin(60.0, 1),
                               HistogramBin(80.0, 1), HistogramBin(90.0, 1)]
    assert [(m.lead_id, m.change) for m in board.risers] == [(2, 30.0), (1, 12.0)]
    assert [(m.lead_id, m.change, m.before) for m in board.fallers] == [(4, -20.0, 64.5), (3, -8.0, 70.0)]


def test_the_board_reads_only_the_leads_the_filters_select_and_at_most_the_movers_asked_for():
    board = leaderboard(board_uow(), MANAGER, LeadFilters(statuses=("new",)), movers=1)
    assert board.matching == 4 and [m.lead_id for m in board.risers] == [2]
    assert [m.lead_id for m in board.fallers] == [3]
    assert leaderboard(board_uow(), OTHER_TENANT, LeadFilters()).matching == 1


def test_bad_filters_are_refused():
    with pytest.raises(InvalidInput, match="Unknown filter value"):
        leaderboard(board_uow(), MANAGER, LeadFilters(categories=("lukewarm",)))


def test_contributions_are_each_components_weighted_share_and_add_up_to_the_score():
    parts = ScoreParts(Decimal(80), Decimal(20), Decimal(40), Decimal(60), Decimal(49))
    shares = contributions(parts, Weights())
    assert [(c.component, c.weight, c.contribution) for c in shares] == [
        (ScoreComponent.SOURCE_QUALITY, 0.25, 20.0), (ScoreComponent.ENGAGEMENT, 0.25, 5.0),
        (ScoreComponent.CONVERSION, 0.3, 12.0), (ScoreComponent.URGENCY, 0.2, 12.0)]
    assert sum(c.contribution for c in shares) == pytest.approx(49.0)


def test_weights_that_do_not_add_up_to_one_are_taken_as_shares():
    parts = ScoreParts(Decimal(80), Decimal(20), Decimal(40), Decimal(60), Decimal(55))
    shares = contributions(parts, Weights(Decimal(2), Decimal(1), Decimal(1), Decimal(0)))
    assert [(c.weight, c.contribution) for c in shares] == [
        (0.5, 40.0), (0.25, 5.0), (0.25, 10.0), (0.0, 0.0)]


def test_a_component_never_scored_contributes_nothing():
    parts = ScoreParts(None, None, None, None, None)
    assert [c.contribution for c in contributions(parts, Weights())] == [0.0] * 4


def test_the_board_read_at_once_is_the_same_board():
    """Its three reads run at the same time, each in a unit of work of its own."""
    opened = []

    def new_uow() -> FakeUnitOfWork:
        opened.append(board_uow())
        return opened[-1]

    for filters in (LeadFilters(), LeadFilters(categories=("hot",)), LeadFilters(score_min=50)):
        opened.clear()
        assert leaderboard_at_once(new_uow, MANAGER, filters) == leaderboard(board_uow(), MANAGER, filters)
        assert len(opened) == 3
