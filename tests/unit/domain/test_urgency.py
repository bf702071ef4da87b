"""Urgency (docs/design.md §5): from the due date when set, else from the lead's age. (A closed
lead is not rescored: tests/unit/scoring/test_closed_leads.py.)"""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from core.domain.components import urgency

NOW = datetime(2026, 11, 22, 9, 0)
TODAY = NOW.date()


@pytest.mark.parametrize("days_left, expected", [
    (-3, "100.00"),  # overdue
    (0, "100.00"),   # due today
    (1, "100.00"),   # due within a day
    (2, "90.00"),
    (3, "80.00"),
    (8, "30.00"),
    (30, "30.00"),   # never below 30 while a due date is set
])
def test_a_due_date_within_a_day_is_100_then_10_less_per_further_day_down_to_30(days_left, expected):
    assert urgency(TODAY + timedelta(days=days_left), NOW - timedelta(days=90), NOW) \
        == Decimal(expected)


@pytest.mark.parametrize("age_days, expected", [
    (0, "100.00"),
    (5, "50.00"),
    (10, "25.00"),
    (15, "12.50"),
    (40, "10.00"),  # the floor
])
def test_without_a_due_date_urgency_halves_every_five_days_down_to_10(age_days, expected):
    assert urgency(None, NOW - timedelta(days=age_days), NOW) == Decimal(expected)

