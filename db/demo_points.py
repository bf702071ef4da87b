"""The demo's gamification history: first contacts, a points ledger and badges that follow from
the demo leads' statuses and dates, by the same rules the use cases apply (core.domain.gamification).

Each worked lead is first contacted some minutes to two days after its assignment (about two
in five within the hour, more for a talented agent) and earns each step it reached;
conversions earn at their close. The badges are granted at the moment their rule first held,
replaying each agent's history.
"""

import random
from bisect import bisect_left
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from core.domain.gamification import (
    FAST_CONTACT,
    POINTS,
    STREAK_WINDOW,
    BadgeFacts,
    BadgeKind,
    PointsReason,
    badges_earned,
    is_fast,
)
from core.domain.vocabulary import LeadStatus

Values = dict[str, Any]

# How far a lost lead got before it was lost, and the chance an assigned lead was already reached.
LOST_AFTER = (LeadStatus.ASSIGNED, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)
LOST_AFTER_WEIGHTS = (30, 45, 25)
ASSIGNED_REACHED = 0.3
_STEPS = (LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.CONVERTED)
_REASON = {LeadStatus.CONTACTED: PointsReason.CONTACTED, LeadStatus.QUALIFIED: PointsReason.QUALIFIED,
           LeadStatus.CONVERTED: PointsReason.CONVERTED}


def _reached(rnd: random.Random, status: str) -> LeadStatus | None:
    """The furthest forward step a lead took, or None if nobody reached the person yet."""
    if status == LeadStatus.LOST:
        furthest = rnd.choices(LOST_AFTER, weights=LOST_AFTER_WEIGHTS)[0]
        return None if furthest == LeadStatus.ASSIGNED else furthest
    if status == LeadStatus.ASSIGNED:
        return LeadStatus.ASSIGNED if rnd.random() < ASSIGNED_REACHED else None
    return LeadStatus(status) if status in (s.value for s in _STEPS) else None


def _first_contact_delay(rnd: random.Random, talent: float) -> timedelta:
    if rnd.random() < 0.4 * talent:
        return timedelta(minutes=rnd.randint(2, int(FAST_CONTACT.total_seconds() // 60)))
    return timedelta(minutes=rnd.randint(61, 48 * 60))


def ledger_rows(rnd: random.Random, tenant_id: int, leads: list[Values], talent: dict[int, float],
                now: datetime) -> list[Values]:
    """Points entries for the demo leads; sets each reached lead's `first_contact_at`. A more
    talented agent picks up within the hour more often."""
    rows: list[Values] = []

    def earn(lead: Values, reason: PointsReason, at: datetime) -> None:
        rows.append({"tenant_id": tenant_id, "agent_id": lead["agent_id"], "lead_id": lead["id"],
                     "reason": reason.value, "points": POINTS[reason], "awarded_at": at})

    for lead in leads:
        assigned_at = lead["assigned_at"]
        reached = _reached(rnd, lead["status"]) if assigned_at else None
        if reached is None:
            continue
        end = lead["closed_at"] or now
        contacted = min(assigned_at + _first_contact_delay(rnd, talent[lead["agent_id"]]), end)
        lead["first_contact_at"] = contacted
        earn(lead, PointsReason.FIRST_CONTACT, contacted)
        if is_fast(assigned_at, contacted):
            earn(lead, PointsReason.FAST_FIRST_CONTACT, contacted)
        if reached == LeadStatus.ASSIGNED:
            continue
        last = _STEPS.index(reached)
        for step in _STEPS[:last + 1]:
            at = {LeadStatus.CONTACTED: contacted, LeadStatus.CONVERTED: end}.get(
                step, contacted + (end - contacted) / 2)
            earn(lead, _REASON[step], at)
    return rows


def badge_rows(tenant_id: int, leads: list[Values], ledger: list[Values]) -> list[Values]:
    """Each badge at the first moment its rule held for the agent, replaying closes and fast
    first contacts in time order."""
    events: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for lead in leads:
        if lead["closed_at"] and lead["agent_id"]:
            events[lead["agent_id"]].append((lead["closed_at"], lead["status"]))
    for row in ledger:
        if row["reason"] == PointsReason.FAST_FIRST_CONTACT:
            events[row["agent_id"]].append((row["awarded_at"], "fast"))
    rows = []
    for agent_id, history in events.items():
        converted, closed, fast = 0, 0, 0
        conversions: list[datetime] = []
        held: set[BadgeKind] = set()
        for at, what in sorted(history):
            if what == "fast":
                fast += 1
            else:
                closed += 1
                if what == LeadStatus.CONVERTED:
                    converted += 1
                    conversions.append(at)
            # conversions are in time order: those in the streak window are its tail
            recent = len(conversions) - bisect_left(conversions, at - STREAK_WINDOW)
            for badge in sorted(badges_earned(BadgeFacts(converted, closed, recent, fast)) - held):
                held.add(badge)
                rows.append({"tenant_id": tenant_id, "agent_id": agent_id,
                             "badge": BadgeKind(badge).value, "awarded_at": at})
    return rows


def totals(ledger: list[Values]) -> dict[int, int]:
    points: dict[int, int] = defaultdict(int)
    for row in ledger:
        points[row["agent_id"]] += row["points"]
    return points


def day_rows(tenant_id: int, ledger: list[Values]) -> list[Values]:
    """Each agent's daily totals, as `award` keeps them, from the demo's ledger."""
    days: dict[tuple[int, Any], Values] = {}
    for row in ledger:
        key = (row["agent_id"], row["awarded_at"].date())
        day = days.setdefault(key, {"agent_id": key[0], "day": key[1], "tenant_id": tenant_id,
                                    "points": 0, "first_contacts": 0, "fast_first_contacts": 0,
                                    "conversions": 0})
        day["points"] += row["points"]
        day["first_contacts"] += row["reason"] == PointsReason.FIRST_CONTACT
        day["fast_first_contacts"] += row["reason"] == PointsReason.FAST_FIRST_CONTACT
        day["conversions"] += row["reason"] == PointsReason.CONVERTED
    return list(days.values())
