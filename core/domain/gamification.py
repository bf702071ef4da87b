"""Points, levels and badges (docs/design.md §6), as pure rules.

Points are earned by the lead's agent, in the transaction of the change that earns them, and
are only ever added to a ledger: a reversal is a negative entry, and every total is a sum of
the ledger. Each step of a lead earns once: the ledger's net points for (lead, reason) say
whether it has been earned.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.domain.vocabulary import ActivityKind, LeadStatus


class PointsReason(StrEnum):
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    FAST_FIRST_CONTACT = "fast_first_contact"
    # Worth nothing: it records each first contact, which the speed part of the performance
    # score divides the fast ones by.
    FIRST_CONTACT = "first_contact"

    @property
    def points(self) -> int:
        return POINTS[self]

    @property
    def label(self) -> str:
        return {PointsReason.FAST_FIRST_CONTACT: "first contact within an hour"}.get(
            self, self.value.replace("_", " "))


POINTS: Mapping[PointsReason, int] = {
    PointsReason.CONTACTED: 5,
    PointsReason.QUALIFIED: 20,
    PointsReason.CONVERTED: 100,
    PointsReason.FAST_FIRST_CONTACT: 10,
    PointsReason.FIRST_CONTACT: 0,
}
# A first contact at most this long after the assignment earns the bonus (60:00 does, 60:01 not).
FAST_CONTACT = timedelta(hours=1)
# Activities that reach the person; a note or a web visit is not a contact.
CONTACT_ACTIVITIES = frozenset({ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING})

# The forward path; each step after `assigned` earns its points once per lead.
_PATH = (LeadStatus.ASSIGNED, LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.CONVERTED)
_EARNS = {LeadStatus.CONTACTED: PointsReason.CONTACTED, LeadStatus.QUALIFIED: PointsReason.QUALIFIED,
          LeadStatus.CONVERTED: PointsReason.CONVERTED}


@dataclass(frozen=True)
class PointsAward:
    """One ledger entry to write: positive when earned, negative when reversed."""

    agent_id: int
    lead_id: int
    reason: PointsReason
    points: int


def steps_reached(old: LeadStatus, new: LeadStatus) -> list[PointsReason]:
    """The earning steps a move from `old` to `new` passes, in order (skips earn each step)."""
    if old not in _PATH or new not in _PATH:
        return []
    start, end = _PATH.index(old), _PATH.index(new)
    return [_EARNS[status] for status in _PATH[start + 1:end + 1]]


def is_first_contact(old: LeadStatus, new: LeadStatus) -> bool:
    """Moving an assigned lead forward means someone reached the person."""
    return old == LeadStatus.ASSIGNED and new in _EARNS


def is_fast(assigned_at: datetime | None, contacted_at: datetime) -> bool:
    return assigned_at is not None and contacted_at - assigned_at <= FAST_CONTACT


def first_contact(agent_id: int, lead_id: int, assigned_at: datetime | None, at: datetime,
                  earned: Mapping[PointsReason, int]) -> list[PointsAward]:
    """The record of a first contact, and the bonus when it came fast and the lead has not
    earned it before."""
    record = [PointsAward(agent_id, lead_id, PointsReason.FIRST_CONTACT, 0)]
    fast = [PointsReason.FAST_FIRST_CONTACT] if is_fast(assigned_at, at) else []
    return record + awards_for(agent_id, lead_id, fast, earned)


def awards_for(agent_id: int, lead_id: int, reasons: list[PointsReason],
               earned: Mapping[PointsReason, int]) -> list[PointsAward]:
    """Entries for the reasons not yet earned on this lead (net points 0 or less)."""
    return [PointsAward(agent_id, lead_id, reason, reason.points) for reason in reasons
            if earned.get(reason, 0) <= 0]


def reversals_of(agent_id: int, lead_id: int, earned: Mapping[PointsReason, int]) -> list[PointsAward]:
    """Negative entries that bring every reason still earned on a lead back to zero; they
    are booked to the agent who loses the lead's progress."""
    return [PointsAward(agent_id, lead_id, reason, -points) for reason, points in sorted(earned.items())
            if points > 0]


# ---- levels -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Level:
    number: int
    name: str
    floor: int                # cumulative points that reach it
    next_at: int | None       # points that reach the next level (None: the top)


# The one place the thresholds live (docs/gamification.md lists them from here).
LEVELS: tuple[tuple[int, str], ...] = (
    (0, "Rookie"),
    (100, "Associate"),
    (500, "Closer"),
    (1_500, "Pro"),
    (4_000, "Expert"),
    (10_000, "Legend"),
)


def level_of(points: int) -> Level:
    number = sum(1 for floor, _ in LEVELS[1:] if points >= floor)
    floor, name = LEVELS[number]
    next_at = LEVELS[number + 1][0] if number + 1 < len(LEVELS) else None
    return Level(number + 1, name, floor, next_at)


# ---- badges -------------------------------------------------------------------------------

class BadgeKind(StrEnum):
    FIRST_CONVERSION = "first_conversion"
    HOT_STREAK = "five_conversions_in_7_days"
    QUICK_DRAW = "ten_fast_first_contacts"
    SHARPSHOOTER = "conversion_rate_30"

    @property
    def display_name(self) -> str:
        return _BADGE_TEXT[self][0]

    @property
    def rule(self) -> str:
        return _BADGE_TEXT[self][1]


_BADGE_TEXT = {
    BadgeKind.FIRST_CONVERSION: ("First conversion", "converted a lead for the first time"),
    BadgeKind.HOT_STREAK: ("Hot streak", "5 conversions within 7 days"),
    BadgeKind.QUICK_DRAW: ("Quick draw", "10 first contacts within an hour of assignment"),
    BadgeKind.SHARPSHOOTER: ("Sharpshooter", "conversion rate of 30% or more over 20 or more closed leads"),
}
STREAK_WINDOW = timedelta(days=7)
STREAK_CONVERSIONS = 5
QUICK_DRAW_CONTACTS = 10
SHARPSHOOTER_PERCENT = 30
SHARPSHOOTER_MIN_CLOSED = 20


@dataclass(frozen=True)
class BadgeFacts:
    """What the badge rules read of one agent, at the moment of a change (after it)."""

    converted: int                 # leads converted, all time
    closed: int                    # leads converted or lost, all time
    converted_within_window: int   # conversions in the STREAK_WINDOW ending now
    fast_first_contacts: int       # first contacts within FAST_CONTACT, net of reversals


def badges_earned(facts: BadgeFacts) -> set[BadgeKind]:
    earned = set()
    if facts.converted >= 1:
        earned.add(BadgeKind.FIRST_CONVERSION)
    if facts.converted_within_window >= STREAK_CONVERSIONS:
        earned.add(BadgeKind.HOT_STREAK)
    if facts.fast_first_contacts >= QUICK_DRAW_CONTACTS:
        earned.add(BadgeKind.QUICK_DRAW)
    rate_held = facts.converted * 100 >= SHARPSHOOTER_PERCENT * facts.closed
    if facts.closed >= SHARPSHOOTER_MIN_CLOSED and rate_held:
        earned.add(BadgeKind.SHARPSHOOTER)
    return earned
