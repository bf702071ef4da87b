"""Where "today" starts for the SLA counts: the tenant's last local midnight, in UTC, also on
the days a daylight-saving change makes 23 or 25 hours long."""

from datetime import datetime

import pytest

from core.sla.breaches import start_of_local_day


@pytest.mark.parametrize("now, midnight", [
    (datetime(2026, 7, 1, 12, 0), datetime(2026, 6, 30, 22, 0)),      # summer: UTC+2
    (datetime(2026, 1, 15, 12, 0), datetime(2026, 1, 14, 23, 0)),     # winter: UTC+1
    (datetime(2026, 3, 29, 12, 0), datetime(2026, 3, 28, 23, 0)),     # clocks forward at 02:00
    (datetime(2026, 10, 25, 12, 0), datetime(2026, 10, 24, 22, 0)),   # clocks back at 03:00
    (datetime(2026, 3, 28, 23, 0), datetime(2026, 3, 28, 23, 0)),     # at midnight itself
    (datetime(2026, 10, 25, 0, 59, 59), datetime(2026, 10, 24, 22, 0)),  # the repeated hour
])
def test_today_starts_at_the_last_local_midnight(now, midnight):
    assert start_of_local_day(now, "Europe/Berlin") == midnight


def test_utc_tenants_start_at_utc_midnight():
    assert start_of_local_day(datetime(2026, 3, 29, 12, 34, 56, 789), "UTC") == datetime(2026, 3, 29)
