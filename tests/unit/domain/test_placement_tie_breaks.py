"""How each bulk strategy chooses between agents (docs/design.md §4), tie-breaks included."""

from core.domain.placement import (
    Candidate,
    Placement,
    Refusal,
    least_loaded,
    manual,
    performance,
    round_robin,
    skills,
)
from core.domain.vocabulary import Availability
from tests.unit.builders import agent, lead


def pool(*agents):
    return {a.id: a for a in agents}


def new_leads(*ids, skill=None):
    return [Candidate(lead(i, skill=skill)) for i in ids]


def test_least_loaded_gives_to_the_agent_with_most_free_slots_first():
    agents = pool(agent(10, open_leads=2, max_capacity=10), agent(11, open_leads=0, max_capacity=5))
    assert least_loaded(agents, new_leads(1)).placed == [Placement(1, 10)]  # 8 free against 5


def test_least_loaded_breaks_a_tie_in_free_slots_by_lower_utilization():
    agents = pool(agent(10, open_leads=2, max_capacity=10), agent(11, open_leads=0, max_capacity=8))
    assert least_loaded(agents, new_leads(1)).placed == [Placement(1, 11)]  # 8 free each: 0% < 20%


def test_least_loaded_breaks_a_full_tie_by_lower_id_and_then_spreads():
    agents = pool(agent(12), agent(11), agent(13))
    assert least_loaded(agents, new_leads(1, 2, 3, 4)).placed == [
        Placement(1, 11), Placement(2, 12), Placement(3, 13), Placement(4, 11)]


def test_least_loaded_skips_an_agent_without_the_skill_but_keeps_them_for_later_leads():
    agents = pool(agent(10, max_capacity=5), agent(11, max_capacity=1, skills=("spanish",)))
    result = least_loaded(agents, new_leads(1, skill="spanish") + new_leads(2))
    assert result.placed == [Placement(1, 11), Placement(2, 10)]


def test_round_robin_resumes_after_the_pointer_and_wraps_around():
    agents = pool(agent(10), agent(11), agent(12))
    result = round_robin(agents, new_leads(1, 2, 3), resume_after=11)
    assert result.placed == [Placement(1, 12), Placement(2, 10), Placement(3, 11)]
    assert result.round_robin_agent_id == 11


def test_round_robin_skips_agents_who_may_not_receive():
    agents = pool(agent(10, availability=Availability.AWAY), agent(11, open_leads=10),
                  agent(12), agent(13, skills=("spanish",)))
    result = round_robin(agents, new_leads(1, 2, 3), resume_after=None)
    assert result.placed == [Placement(1, 12), Placement(2, 13), Placement(3, 12)]


def test_round_robin_keeps_the_pointer_when_it_places_nobody():
    agents = pool(agent(10, open_leads=10))
    result = round_robin(agents, new_leads(1), resume_after=10)
    assert result.placed == [] and result.round_robin_agent_id == 10
    assert result.unplaced == [Refusal(1, "Agent 10 is full: 10 of 10 open leads.")]


def test_round_robin_passes_over_many_full_agents_and_resumes_after_the_right_one():
    """Full and away agents leave the ring for good; the others keep their places in id order."""
    agents = pool(*(agent(i, open_leads=10) for i in range(10, 30)),
                  agent(12), agent(17, max_capacity=1), agent(21, availability=Availability.AWAY),
                  agent(25, max_capacity=2), agent(26, skills=("sales", "spanish")))
    leads = new_leads(1, 2) + new_leads(3, skill="spanish") + new_leads(4, 5, 6, 7)
    result = round_robin(agents, leads, resume_after=20)
    assert result.placed == [Placement(1, 25), Placement(2, 26), Placement(3, 26),
                             Placement(4, 12), Placement(5, 17), Placement(6, 25), Placement(7, 26)]
    assert result.round_robin_agent_id == 26
    assert round_robin(agents, new_leads(8), resume_after=26).placed == [Placement(8, 12)]


def test_round_robin_tells_why_when_the_ring_is_full():
    agents = pool(agent(10, max_capacity=1), agent(11, open_leads=10))
    result = round_robin(agents, new_leads(1, 2), resume_after=10)
    assert result.placed == [Placement(1, 10)] and result.round_robin_agent_id == 10
    assert result.unplaced == [Refusal(2, "Every eligible agent is full or unavailable.")]


def test_performance_places_higher_scores_first_ties_by_lead_id_with_the_best_performer():
    agents = pool(agent(10, max_capacity=2), agent(11, max_capacity=5))
    leads = [Candidate(lead(3), 90.0), Candidate(lead(1), 50.0), Candidate(lead(2), 90.0)]
    result = performance(agents, leads, {10: 0.8, 11: 0.4})
    assert result.placed == [Placement(2, 10), Placement(3, 10), Placement(1, 11)]


def test_performance_breaks_a_tie_between_agents_by_lower_id():
    agents = pool(agent(11), agent(10))
    assert performance(agents, new_leads(1), {10: 0.5, 11: 0.5}).placed == [Placement(1, 10)]


def test_skills_places_leads_that_need_a_scarce_skill_before_the_others():
    agents = pool(agent(10, max_capacity=1, skills=("sales", "spanish")), agent(11, max_capacity=1))
    leads = new_leads(1) + new_leads(2, skill="spanish")
    assert least_loaded(dict(agents), leads).unplaced != []  # in file order the specialist goes first
    assert skills(agents, leads).placed == [Placement(2, 10), Placement(1, 11)]


def test_skills_keeps_the_best_scored_leads_first_within_each_group():
    """Candidates arrive best score first; putting skill leads first must not undo that order."""
    agents = pool(agent(10, max_capacity=1, skills=("sales", "spanish")), agent(11, max_capacity=1))
    best_first = new_leads(7, skill="spanish") + new_leads(3, skill="spanish") + new_leads(9, 2)
    assert skills(agents, best_first).placed == [Placement(7, 10), Placement(9, 11)]


def test_manual_gives_every_lead_to_the_chosen_agent_or_its_own_from_the_file():
    agents = pool(agent(10), agent(11))
    leads = new_leads(1) + [Candidate(lead(2), manual_agent_id=11)]
    assert manual(agents, leads, 10).placed == [Placement(1, 10), Placement(2, 11)]


def test_manual_reports_why_the_chosen_agent_cannot_take_a_lead():
    agents = pool(agent(10, open_leads=10))
    result = manual(agents, new_leads(1) + [Candidate(lead(2), manual_agent_id=99)], 10)
    assert result.unplaced == [
        Refusal(1, "Agent 10 is full: 10 of 10 open leads."),
        Refusal(2, "No agent was chosen for this lead, or that agent does not take part in this run.")]
