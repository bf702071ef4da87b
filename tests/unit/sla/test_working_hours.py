"""Who is on shift: weekly hours in the tenant's zone, across midnight and daylight-saving changes."""

from datetime import datetime

import pytest

from core.domain.errors import InvalidInput
from core.domain.working_hours import ShiftInterval, interval, on_shift, parse_rows, zone
from core.sla.shifts import agents_on_shift

MON, TUE = 0, 1
NIGHT = (interval("Sat", "22:00", "06:00"),)  # Saturday 22:00 to Sunday 06:00, Berlin time


def utc(*parts: int) -> datetime:
    return datetime(*parts)  # naive UTC, as stored


@pytest.mark.parametrize(("instant", "working"), [
    (utc(2026, 1, 10, 20, 59), False),  # Sat 21:59 in Berlin (UTC+1)
    (utc(2026, 1, 10, 21, 0), True),    # Sat 22:00: the start is included
    (utc(2026, 1, 10, 23, 30), True),   # Sun 00:30: past midnight, still the Saturday shift
    (utc(2026, 1, 11, 4, 59), True),    # Sun 05:59
    (utc(2026, 1, 11, 5, 0), False),    # Sun 06:00: the end is not included
    (utc(2026, 1, 11, 21, 30), False),  # Sun 22:30: the shift is Saturday's only
])
def test_a_shift_across_midnight_runs_into_the_next_day(instant, working):
    assert on_shift(NIGHT, "Europe/Berlin", instant) is working


def test_a_sunday_night_shift_ends_on_monday_morning():
    hours = (interval("Sun", "22:00", "06:00"),)
    assert on_shift(hours, "UTC", utc(2026, 1, 12, 5, 59))    # Monday 05:59
    assert not on_shift(hours, "UTC", utc(2026, 1, 12, 6, 0))


# Berlin moves from UTC+1 to UTC+2 on 2026-03-29 at 02:00 local, and back on 2026-10-25 at 03:00.
@pytest.mark.parametrize(("instant", "working"), [
    (utc(2026, 3, 28, 7, 59), False),  # Sat 08:59 CET
    (utc(2026, 3, 28, 8, 0), True),    # Sat 09:00 CET
    (utc(2026, 3, 30, 6, 59), False),  # Mon 08:59 CEST: the same wall clock is an hour earlier in UTC
    (utc(2026, 3, 30, 7, 0), True),    # Mon 09:00 CEST
    (utc(2026, 3, 30, 14, 59), True),  # Mon 16:59 CEST
    (utc(2026, 3, 30, 15, 0), False),  # Mon 17:00 CEST
    (utc(2026, 10, 26, 7, 59), False),  # Mon 08:59 CET again, after the change back
    (utc(2026, 10, 26, 8, 0), True),
])
def test_office_hours_stay_on_the_wall_clock_across_daylight_saving(instant, working):
    hours = tuple(interval(day, "09:00", "17:00") for day in ("Mon", "Sat"))
    assert on_shift(hours, "Europe/Berlin", instant) is working


def test_a_night_shift_over_the_spring_change_is_an_hour_shorter_in_utc():
    """Berlin, Saturday 28 March 2026 22:00 CET to Sunday 06:00 CEST: 21:00 to 04:00 UTC."""
    assert on_shift(NIGHT, "Europe/Berlin", utc(2026, 3, 28, 21, 0))
    assert on_shift(NIGHT, "Europe/Berlin", utc(2026, 3, 29, 1, 30))   # 03:30 CEST (02:xx never happens)
    assert on_shift(NIGHT, "Europe/Berlin", utc(2026, 3, 29, 3, 59))   # 05:59 CEST
    assert not on_shift(NIGHT, "Europe/Berlin", utc(2026, 3, 29, 4, 0))  # 06:00 CEST


def test_a_night_shift_over_the_autumn_change_is_an_hour_longer_in_utc():
    """Berlin, Saturday 24 October 2026 22:00 CEST to Sunday 06:00 CET: 20:00 to 05:00 UTC."""
    assert not on_shift(NIGHT, "Europe/Berlin", utc(2026, 10, 24, 19, 59))
    assert on_shift(NIGHT, "Europe/Berlin", utc(2026, 10, 24, 20, 0))
    assert on_shift(NIGHT, "Europe/Berlin", utc(2026, 10, 25, 4, 59))   # 05:59 CET
    assert not on_shift(NIGHT, "Europe/Berlin", utc(2026, 10, 25, 5, 0))


def test_new_york_hours_follow_its_own_change_dates():
    """New York springs forward on 8 March 2026, Berlin three weeks later: 9:00 in New York is
    14:00 UTC before and 13:00 UTC after."""
    hours = (interval("Mon", "09:00", "17:00"),)
    assert not on_shift(hours, "America/New_York", utc(2026, 3, 2, 13, 59))
    assert on_shift(hours, "America/New_York", utc(2026, 3, 2, 14, 0))
    assert on_shift(hours, "America/New_York", utc(2026, 3, 9, 13, 0))
    assert not on_shift(hours, "America/New_York", utc(2026, 3, 9, 12, 59))
    assert on_shift(hours, "America/New_York", utc(2026, 11, 2, 14, 0))      # back to EST
    assert not on_shift(hours, "America/New_York", utc(2026, 11, 2, 13, 30))


def test_a_team_without_hours_is_always_on_shift_and_an_empty_week_never():
    assert on_shift(None, "UTC", utc(2026, 1, 1, 3, 0))
    assert not on_shift((), "UTC", utc(2026, 1, 1, 3, 0))


def test_a_whole_day_is_written_up_to_24_00():
    day = interval("Tue", "00:00", "24:00")
    assert day == ShiftInterval(TUE, 0, 24 * 60)
    assert on_shift((day,), "UTC", utc(2026, 1, 6, 23, 59))
    assert not on_shift((day,), "UTC", utc(2026, 1, 7, 0, 0))


@pytest.mark.parametrize(("row", "refusal"), [
    (("Mon", "9", "17:00"), "'9' is not a time of day"),
    (("Mon", "25:00", "17:00"), "is not a time of day"),
    (("Mon", "09:00", "09:00"), "the start and end are the same time"),
    (("Mon", "24:00", "06:00"), "cannot start at 24:00"),
    (("Funday", "09:00", "17:00"), "is not a weekday"),
])
def test_bad_rows_are_refused_naming_the_row(row, refusal):
    with pytest.raises(InvalidInput, match=refusal) as refused:
        parse_rows([("Tue", "09:00", "17:00"), row])
    assert refused.value.message.startswith("Row 2: ")


def test_empty_editor_rows_are_skipped_and_duplicates_kept_once():
    rows = [("Mon", "09:00", "17:00"), (None, None, None), ("Mon", "9:00", "17:00"), (float("nan"),) * 3]
    assert parse_rows(rows) == (ShiftInterval(MON, 9 * 60, 17 * 60),)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "europe/berlin", "UTC+2", "../etc/passwd"])
def test_unknown_time_zones_are_refused(name):
    with pytest.raises(InvalidInput, match="is not a time zone LeadOps knows"):
        zone(name)


def test_agents_on_shift_by_their_teams_hours():
    teams = {1: "North", 2: "South", 3: "Enterprise"}
    hours = {"North": (interval("Sun", "06:00", "14:00"),), "South": (interval("Sun", "14:00", "22:00"),)}
    assert agents_on_shift(teams, hours, "UTC", utc(2026, 1, 11, 10, 0)) == {1, 3}  # Enterprise: no hours
    assert agents_on_shift(teams, hours, "UTC", utc(2026, 1, 11, 14, 0)) == {2, 3}
