"""Badges from rules, each awarded once per agent and audited (docs/design.md §6), at their edges."""

from datetime import timedelta

import pytest

from core.domain.clock import utcnow
from core.domain.gamification import BadgeFacts, BadgeKind, badges_earned, level_of
from core.domain.vocabulary import LeadStatus
from core.leads import lifecycle
from tests.unit.builders import SUPERVISOR, agent, lead
from tests.unit.fakes import FakeUnitOfWork, LeadFields


def badges(uow: FakeUnitOfWork, agent_id: int = 10) -> list[str]:
    return [badge for _, a, badge, _ in uow.store.badges if a == agent_id]


def agent_with(closed: dict[int, tuple[LeadStatus, timedelta]], open_ids: list[int]) -> FakeUnitOfWork:
    """Agent 10 with closed leads (status, how long ago) and qualified leads to convert."""
    now = utcnow()
    leads = [lead(i, status=status, agent_id=10) for i, (status, _) in closed.items()]
    leads += [lead(i, status=LeadStatus.QUALIFIED, agent_id=10) for i in open_ids]
    fields = {i: LeadFields(closed_at=now - ago) for i, (_, ago) in closed.items()}
    return FakeUnitOfWork(agents=[agent(10, open_leads=len(open_ids), max_capacity=50)], leads=leads,
                          lead_fields=fields)


def test_the_first_conversion_earns_a_badge_once_and_is_audited():
    uow = agent_with({}, [1, 2])
    lifecycle.change_status(uow, SUPERVISOR, lead_id=1, new_status="converted")
    lifecycle.change_status(uow, SUPERVISOR, lead_id=2, new_status="converted")
    assert badges(uow) == ["first_conversion"]
    awarded = [e for e in uow.audit.entries if e.action == "agent.badge_awarded"]
    assert [(e.entity_id, e.after["badge"]) for e in awarded] == [("10", "first_conversion")]


@pytest.mark.parametrize("oldest_ago, streak", [
    (timedelta(days=7) - timedelta(minutes=1), True),   # inside the window
    (timedelta(days=7) + timedelta(minutes=1), False),  # just outside
])
def test_five_conversions_within_seven_days(oldest_ago, streak):
    closed = {1: (LeadStatus.CONVERTED, oldest_ago)}
    closed |= {i: (LeadStatus.CONVERTED, timedelta(days=1)) for i in (2, 3, 4)}
    uow = agent_with(closed, [5])
    lifecycle.change_status(uow, SUPERVISOR, lead_id=5, new_status="converted")
    assert ("five_conversions_in_7_days" in badges(uow)) is streak


def test_ten_fast_first_contacts():
    uow = FakeUnitOfWork(agents=[agent(10, open_leads=10, max_capacity=20)],
                         leads=[lead(i, status=LeadStatus.ASSIGNED, agent_id=10) for i in range(1, 11)],
                         lead_fields={i: LeadFields(assigned_at=utcnow() - timedelta(minutes=5))
                                      for i in range(1, 11)})
    for i in range(1, 10):
        lifecycle.log_activity(uow, SUPERVISOR, lead_id=i, kind="call")
    assert "ten_fast_first_contacts" not in badges(uow)
    lifecycle.log_activity(uow, SUPERVISOR, lead_id=10, kind="call")
    assert "ten_fast_first_contacts" in badges(uow)


@pytest.mark.parametrize("lost_before, sharpshooter", [
    (14, True),    # 6 of 20 closed: exactly 30% over exactly 20
    (13, False),   # 6 of 19: 31.6%, but too few closed
    (15, False),   # 6 of 21: 28.6%
])
def test_conversion_rate_of_thirty_percent_over_twenty_closed(lost_before, sharpshooter):
    long_ago = timedelta(days=60)
    closed = {i: (LeadStatus.CONVERTED, long_ago) for i in range(1, 6)}
    closed |= {i: (LeadStatus.LOST, long_ago) for i in range(100, 100 + lost_before)}
    uow = agent_with(closed, [6])
    lifecycle.change_status(uow, SUPERVISOR, lead_id=6, new_status="converted")
    assert ("conversion_rate_30" in badges(uow)) is sharpshooter


def test_a_badge_already_held_is_not_granted_or_audited_again():
    uow = agent_with({1: (LeadStatus.CONVERTED, timedelta(days=30))}, [2])
    uow.points.grant_badge(1, 10, BadgeKind.FIRST_CONVERSION, now=utcnow())
    lifecycle.change_status(uow, SUPERVISOR, lead_id=2, new_status="converted")
    assert badges(uow) == ["first_conversion"]
    assert not [e for e in uow.audit.entries if e.action == "agent.badge_awarded"]


def test_the_rules_alone():
    assert badges_earned(BadgeFacts(0, 0, 0, 0)) == set()
    assert badges_earned(BadgeFacts(6, 20, 5, 10)) == set(BadgeKind)


@pytest.mark.parametrize("points, number, name, next_at", [
    (0, 1, "Rookie", 100), (99, 1, "Rookie", 100), (100, 2, "Associate", 500),
    (1_499, 3, "Closer", 1_500), (10_000, 6, "Legend", None), (-5, 1, "Rookie", 100),
])
def test_levels_from_cumulative_points(points, number, name, next_at):
    level = level_of(points)
    assert (level.number, level.name, level.next_at) == (number, name, next_at)
