"""First-contact SLAs and the availability grace (docs/sla-and-hours.md), as pure functions.

A lead's SLA clock starts when it is assigned (`assigned_at`, which every reassignment resets)
and runs for the SLA of its score category: due_at = assigned_at + SLA. A first contact at or
before due_at is in time; an assigned lead with none by then is breached. The lead list, the
capacity page and re-routing act on *open* breaches: breached and still not contacted.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.domain.errors import InvalidInput
from core.domain.rules import AgentState
from core.domain.vocabulary import Availability, ScoreCategory
from core.domain.working_hours import zone

SLA_REROUTE_REASON = "first-contact SLA breached"
GRACE_RELEASE_REASON = "agent unavailable past the grace period; lead returned to routing"
MAX_SLA_MINUTES = 30 * 24 * 60   # a month: anything longer is not a first-contact target
MAX_GRACE_MINUTES = 7 * 24 * 60
MAX_DUE_WITHIN_MINUTES = 7 * 24 * 60
UNAVAILABLE = frozenset({Availability.AWAY, Availability.OFFLINE})

DEFAULT_TARGETS: dict[ScoreCategory, int | None] = {
    ScoreCategory.HOT: 15, ScoreCategory.WARM: 120, ScoreCategory.COLD: 24 * 60,
    ScoreCategory.NURTURE: None,
}


@dataclass(frozen=True)
class SlaSettings:
    """A tenant's settings on the "SLAs & hours" page. Version 0: never saved (the defaults)."""

    time_zone: str = "UTC"
    targets: dict[ScoreCategory, int | None] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    grace_minutes: int = 15
    version: int = 0

    def target(self, category: str) -> int | None:
        """Minutes to first contact for leads of this category (None: no SLA)."""
        try:
            return self.targets.get(ScoreCategory(category))
        except ValueError:
            return None

    def validated(self) -> "SlaSettings":
        zone(self.time_zone)
        for category in ScoreCategory:
            minutes = self.targets.get(category)
            if minutes is not None and not _whole(minutes, 1, MAX_SLA_MINUTES):
                raise InvalidInput(f"The {category.value} SLA must be a whole number of minutes from 1 "
                                   f"to {MAX_SLA_MINUTES:,} (30 days), or empty for no SLA.")
        if not _whole(self.grace_minutes, 0, MAX_GRACE_MINUTES):
            raise InvalidInput(f"The availability grace must be a whole number of minutes from 0 to "
                               f"{MAX_GRACE_MINUTES:,} (7 days).")
        return self


def _whole(value: object, low: int, high: int) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) and low <= value <= high


def due_at(assigned_at: datetime, sla_minutes: int) -> datetime:
    return assigned_at + timedelta(minutes=sla_minutes)


def is_breached(*, assigned_at: datetime | None, first_contact_at: datetime | None,
                sla_minutes: int | None, now: datetime) -> bool:
    """Missed its first-contact SLA: no contact by due_at (a contact exactly at due_at is in time)."""
    if assigned_at is None or sla_minutes is None:
        return False
    due = due_at(assigned_at, sla_minutes)
    if first_contact_at is not None:
        return first_contact_at > due
    return now > due


def is_open_breach(*, assigned_at: datetime | None, first_contact_at: datetime | None,
                   sla_minutes: int | None, now: datetime) -> bool:
    """Breached and still waiting for its first contact: what re-routing acts on."""
    return first_contact_at is None and is_breached(
        assigned_at=assigned_at, first_contact_at=None, sla_minutes=sla_minutes, now=now)


@dataclass(frozen=True)
class AssignedWindow:
    """The uncontacted open leads of one category whose assigned_at lies in this window:
    after `earliest` (inclusive, None: no bound) and before `latest` (inclusive or not)."""

    category: ScoreCategory
    earliest: datetime | None
    latest: datetime
    latest_included: bool

    def holds(self, assigned_at: datetime) -> bool:
        if self.earliest is not None and assigned_at < self.earliest:
            return False
        return assigned_at <= self.latest if self.latest_included else assigned_at < self.latest


def sla_windows(settings: SlaSettings, now: datetime, *, breached: bool,
                due_within: int | None) -> list[AssignedWindow]:
    """The lead filters "SLA breached" and "due within N minutes" as windows of assigned_at,
    one per category with an SLA, so a query reads them as ranges of an index. Both set: the
    leads that are breached or due within N minutes (those at risk)."""
    windows = []
    for category, minutes in settings.targets.items():
        if minutes is None:
            continue
        overdue_from = now - timedelta(minutes=minutes)  # assigned before this: breached
        if due_within is None:
            windows.append(AssignedWindow(category, None, overdue_from, False))
            continue
        latest = overdue_from + timedelta(minutes=due_within)
        windows.append(AssignedWindow(category, None if breached else overdue_from, latest, True))
    return windows


def validated_due_within(minutes: object) -> int | None:
    if minutes is None:
        return None
    if not isinstance(minutes, int) or not _whole(minutes, 1, MAX_DUE_WITHIN_MINUTES):
        raise InvalidInput(f"'Due within' takes whole minutes from 1 to {MAX_DUE_WITHIN_MINUTES:,}.")
    return minutes


def grace_over(*, changed_at: datetime | None, grace_minutes: int, now: datetime) -> bool:
    """An agent away or offline since `changed_at` has been so for the whole grace period (an
    unknown moment counts as long ago)."""
    return changed_at is None or now - changed_at >= timedelta(minutes=grace_minutes)


def why_agent_gets_no_routed_leads(agent: AgentState, *, on_shift: bool) -> str | None:
    """Routing's own filter on top of the capacity rule: away or offline agents stop receiving
    routed leads at once (the grace period only delays taking their leads back), and so do
    agents off their team's hours."""
    if agent.availability != Availability.AVAILABLE:
        return f"{agent.name} is {agent.availability.value}: routing places leads only with available agents."
    if not on_shift:
        return f"{agent.name} is off shift: routing places leads only with agents on their team's hours."
    return None


@dataclass(frozen=True)
class LeadSlaFacts:
    """What the SLA needs of a lead beyond LeadState."""

    category: str
    rerouted_at: datetime | None  # re-routed for its SLA; cleared only by a supervisor


@dataclass(frozen=True)
class UnavailableAgent:
    agent_id: int
    name: str
    availability: Availability
    since: datetime | None  # when availability last changed (None: before LeadOps noted it)
