"""A team's weekly working hours in the tenant's time zone, and who is on shift at an instant.

Hours are wall-clock times of the tenant's zone, so a shift of 09:00-17:00 stays 09:00-17:00
across a daylight-saving change (it is then an hour longer or shorter in UTC). An interval whose
end is not after its start crosses midnight: "Sat 22:00-06:00" covers Saturday 22:00 to Sunday
06:00. Starts are included, ends are not.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core.domain.errors import InvalidInput

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # datetime.weekday() order
MINUTES_PER_DAY = 24 * 60
MAX_INTERVALS_PER_TEAM = 50
_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True, order=True)
class ShiftInterval:
    """From `start` to `end`, minutes after local midnight of `weekday` (0 = Monday); an end
    not after the start is on the next day."""

    weekday: int
    start: int
    end: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def covers(self, weekday: int, minute: int) -> bool:
        if not self.crosses_midnight:
            return weekday == self.weekday and self.start <= minute < self.end
        next_day = (self.weekday + 1) % 7
        return ((weekday == self.weekday and minute >= self.start)
                or (weekday == next_day and minute < self.end))

    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {clock_text(self.start)}-{clock_text(self.end)}"


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_clock(text: str, *, what: str) -> int:
    """ "9:00", "09:00" or "24:00" (an end at midnight) as minutes after midnight."""
    match = _CLOCK.match((text or "").strip())
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise InvalidInput(f"The {what} time {text!r} is not a time of day: write it as HH:MM, "
                           "for example 09:00 or 17:30.")
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_weekday(text: str) -> int:
    wanted = (text or "").strip()[:3].title()
    if wanted not in WEEKDAYS:
        raise InvalidInput(f"{text!r} is not a weekday: use one of {', '.join(WEEKDAYS)}.")
    return WEEKDAYS.index(wanted)


def interval(weekday: str, start: str, end: str) -> ShiftInterval:
    """One row of the hours editor, checked: a start of 24:00 or an empty interval is refused."""
    day = parse_weekday(weekday)
    begins, ends = parse_clock(start, what="start"), parse_clock(end, what="end")
    if begins == MINUTES_PER_DAY:
        raise InvalidInput(f"{WEEKDAYS[day]}: a shift cannot start at 24:00; start it at 00:00 "
                           "of the next day.")
    if begins == ends:
        raise InvalidInput(f"{WEEKDAYS[day]} {start}-{end}: the start and end are the same time. "
                           "For a whole day write 00:00-24:00.")
    return ShiftInterval(day, begins, ends)


def validated_hours(intervals: Iterable[ShiftInterval]) -> tuple[ShiftInterval, ...]:
    ordered = tuple(sorted(set(intervals)))
    if len(ordered) > MAX_INTERVALS_PER_TEAM:
        raise InvalidInput(f"A team may have at most {MAX_INTERVALS_PER_TEAM} intervals a week.")
    for item in ordered:
        if not (0 <= item.weekday < 7 and 0 <= item.start < MINUTES_PER_DAY
                and 0 <= item.end <= MINUTES_PER_DAY and item.start != item.end):
            raise InvalidInput(f"The interval {item} is not a valid shift.")
    return ordered


def zone(name: str) -> ZoneInfo:
    """The IANA zone of that name; a clear refusal for anything else."""
    cleaned = (name or "").strip()
    if not cleaned or cleaned not in _known_zones():
        raise InvalidInput(f"{name!r} is not a time zone LeadOps knows. Use an IANA name such as "
                           "Europe/Berlin, America/New_York or UTC.")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):  # listed but unreadable: same answer
        raise InvalidInput(f"{name!r} is not a time zone LeadOps knows.") from None


def _known_zones() -> set[str]:
    return available_timezones() | {"UTC"}


def local_moment(instant: datetime, time_zone: str) -> tuple[int, int]:
    """(weekday, minute after midnight) on the zone's wall clock at a naive-UTC instant."""
    local = instant.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone))
    return local.weekday(), local.hour * 60 + local.minute


def last_local_midnight(instant: datetime, time_zone: str) -> datetime:
    """Naive UTC of the zone's last midnight at or before a naive-UTC instant. The midnight's
    own offset is used: on a daylight-saving day it differs from the instant's by an hour."""
    zone = ZoneInfo(time_zone)
    local_day = instant.replace(tzinfo=UTC).astimezone(zone).date()
    return datetime.combine(local_day, time(), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def on_shift(hours: Iterable[ShiftInterval] | None, time_zone: str, instant: datetime) -> bool:
    """Whether a team with these weekly hours works at the naive-UTC `instant`. A team without
    hours (None) has not been given any and works at all times: setting hours is a choice."""
    if hours is None:
        return True
    weekday, minute = local_moment(instant, time_zone)
    return any(item.covers(weekday, minute) for item in hours)


def parse_rows(rows: Iterable[tuple[object, object, object]]) -> tuple[ShiftInterval, ...]:
    """The hours editor's rows (weekday, start, end), each checked; a wholly empty row is
    skipped, and a refusal names its row."""
    parsed = []
    for number, row in enumerate(rows, start=1):
        weekday, start, end = (_cell(value) for value in row)
        if not (weekday or start or end):
            continue
        try:
            parsed.append(interval(weekday, start, end))
        except InvalidInput as refused:
            raise InvalidInput(f"Row {number}: {refused.message}") from None
    return validated_hours(parsed)


def _cell(value: object) -> str:
    """An editor cell as text: an empty cell may come as None or as NaN (not equal to itself)."""
    if value is None or value != value:
        return ""
    return str(value).strip()
