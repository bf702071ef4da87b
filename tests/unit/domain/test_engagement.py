"""Engagement (docs/design.md §5): recent activities weigh more, halving every 14 days, capped at 100."""

from datetime import datetime, timedelta
from decimal import Decimal

from core.domain.components import ActivityFact, engagement

NOW = datetime(2026, 11, 22, 9, 0)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_an_activity_of_today_counts_its_full_points():
    assert engagement([ActivityFact("call", NOW)], NOW) == Decimal("20.00")
    assert engagement([ActivityFact("meeting", NOW)], NOW) == Decimal("40.00")


def test_an_activity_14_days_old_counts_half_and_28_days_a_quarter():
    assert engagement([ActivityFact("call", days_ago(14))], NOW) == Decimal("10.00")
    assert engagement([ActivityFact("meeting", days_ago(28))], NOW) == Decimal("10.00")


def test_activities_add_up_to_at_most_100():
    assert engagement([ActivityFact("email", NOW), ActivityFact("web_visit", NOW)], NOW) == Decimal("18.00")
    assert engagement([ActivityFact("meeting", NOW)] * 3, NOW) == Decimal("100.00")


def test_an_unknown_kind_counts_nothing_and_no_activity_is_zero():
    assert engagement([ActivityFact("fax", NOW)], NOW) == Decimal("0.00")
    assert engagement([], NOW) == Decimal("0.00")


def test_an_activity_dated_after_now_counts_as_if_it_were_now():
    assert engagement([ActivityFact("call", NOW + timedelta(days=3))], NOW) == Decimal("20.00")
