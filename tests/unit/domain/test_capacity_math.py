import pytest

from core.domain.capacity import AgentLoad, fairness_sentence, gini, team_totals, utilization
from core.domain.vocabulary import Availability


def load(name, open_leads, max_capacity, availability=Availability.AVAILABLE):
    return AgentLoad(1, name, "North", frozenset({"sales"}), availability, max_capacity, open_leads)


def test_utilization_is_open_over_max():
    assert utilization(3, 12) == 0.25
    assert utilization(0, 0) == 1.0  # zero capacity is full


def test_gini_is_zero_when_even_and_grows_with_concentration():
    assert gini([0.5, 0.5, 0.5]) == 0
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    assert gini([0.2, 0.4]) < gini([0.0, 0.6])


def test_team_totals_count_free_slots_of_available_agents_only():
    loads = [load("a", 2, 10), load("b", 10, 10), load("c", 0, 10, Availability.OFFLINE)]
    totals = team_totals(loads)
    assert (totals.agents, totals.agents_available, totals.free_slots) == (3, 2, 8)
    assert totals.utilization == pytest.approx(12 / 30)
    assert totals.fairness_gini == pytest.approx(gini([0.2, 1.0]))


def test_lowered_capacity_is_flagged_not_negative():
    agent = load("a", 12, 8)
    assert agent.over_capacity and agent.free_slots == 0


def test_fairness_sentence_says_how_to_read_it():
    assert "0 means every available agent is equally loaded" in fairness_sentence(0.05)
    assert "a few agents carry most of the work" in fairness_sentence(0.5)
