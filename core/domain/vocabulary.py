"""Vocabulary of the domain (docs/design.md §3, §5): lead statuses, availability, activity kinds,
score categories, sources and skills."""

from collections.abc import Iterable
from enum import StrEnum


class LeadStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    LOST = "lost"


OPEN_STATUSES = frozenset({LeadStatus.ASSIGNED, LeadStatus.CONTACTED, LeadStatus.QUALIFIED})
CLOSED_STATUSES = frozenset({LeadStatus.CONVERTED, LeadStatus.LOST})


class Availability(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    AWAY = "away"
    OFFLINE = "offline"


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    WEB_VISIT = "web_visit"
    NOTE = "note"


class ScoreCategory(StrEnum):
    """Best first: the order every list and chart of categories uses."""

    HOT = "hot"
    WARM = "warm"
    COLD = "cold"
    NURTURE = "nurture"


# Default per-tenant source quality (docs/design.md §5); admins may change it later.
DEFAULT_SOURCE_QUALITY: dict[str, int] = {
    "referral": 90,
    "partner": 80,
    "event": 70,
    "website": 60,
    "email": 45,
    "social": 40,
    "other": 30,
    "cold_call": 25,
}
SOURCES = tuple(DEFAULT_SOURCE_QUALITY)

SKILLS = ("sales", "support", "enterprise", "spanish")

MAX_CAPACITY_LIMIT = 500


def parse_skills(text: str | None) -> frozenset[str]:
    """Skills are stored as one comma-separated, lower-case column."""
    if not text:
        return frozenset()
    return frozenset(part.strip().lower() for part in text.split(",") if part.strip())


def format_skills(skills: Iterable[str]) -> str:
    return ",".join(sorted({s.strip().lower() for s in skills if s.strip()}))
