"""Points and badges earned by a change, written in that change's transaction.

The use cases that move a lead call these after their own writes: the points go to the lead's
agent, each step once per lead; the agent's row is locked by `award` (its stored total moves),
so the badge rules then read every change of that agent committed before, and two racing
changes cannot both miss or both grant a badge. A close also moves the agent's closed and
converted counters (what performance scores read), in the same transaction and under the
same lock.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from core.domain.audit import AuditEntry
from core.domain.gamification import (
    CONTACT_ACTIVITIES,
    PointsAward,
    PointsReason,
    awards_for,
    badges_earned,
    first_contact,
    is_first_contact,
    reversals_of,
    steps_reached,
)
from core.domain.identity import Actor
from core.domain.performance import ConversionCount
from core.domain.rules import LeadState
from core.domain.vocabulary import CLOSED_STATUSES, OPEN_STATUSES, ActivityKind, LeadStatus
from core.ports import UnitOfWork


def for_status_change(uow: UnitOfWork, actor: Actor, changes: Iterable[tuple[LeadState, LeadStatus]],
                      now: datetime) -> None:
    """Points for the steps each lead reached (and the first-contact bonus), then badges."""
    held = [(lead, lead.agent_id, status) for lead, status in changes if lead.agent_id is not None]
    earned = uow.points.earned_on(actor.tenant_id, [lead.id for lead, _, _ in held])
    awards: list[PointsAward] = []
    for lead, agent_id, status in held:
        so_far = earned.get(lead.id, {})
        if is_first_contact(lead.status, status) and lead.first_contact_at is None:
            uow.leads.mark_first_contact(lead.id, now=now)
            awards += first_contact(agent_id, lead.id, lead.assigned_at, now, so_far)
        awards += awards_for(agent_id, lead.id, steps_reached(lead.status, status), so_far)
    _book(uow, actor, awards, now)
    closing = [(agent_id, status) for lead, agent_id, status in held
               if status in CLOSED_STATUSES and lead.status not in CLOSED_STATUSES]
    uow.agents.count_closes(_closes_by_agent(closing))
    closers = {agent_id for agent_id, _ in closing}
    fast = {a.agent_id for a in awards if a.reason == PointsReason.FAST_FIRST_CONTACT}
    _grant_badges(uow, actor, closers | fast, now)


def _closes_by_agent(closing: list[tuple[int, LeadStatus]]) -> dict[int, ConversionCount]:
    closed = Counter(agent_id for agent_id, _ in closing)
    converted = Counter(agent_id for agent_id, status in closing if status == LeadStatus.CONVERTED)
    return {agent_id: ConversionCount(converted[agent_id], n) for agent_id, n in closed.items()}


def for_activity(uow: UnitOfWork, actor: Actor, lead: LeadState, kind: ActivityKind,
                 now: datetime) -> None:
    """A call, email or meeting is the lead's first contact if none came since its assignment."""
    if kind not in CONTACT_ACTIVITIES or lead.agent_id is None or lead.first_contact_at is not None:
        return
    if lead.status not in OPEN_STATUSES or lead.assigned_at is None:  # a closed lead was reached
        return
    uow.leads.mark_first_contact(lead.id, now=now)
    earned = uow.points.earned_on(actor.tenant_id, [lead.id]).get(lead.id, {})
    awards = first_contact(lead.agent_id, lead.id, lead.assigned_at, now, earned)
    _book(uow, actor, awards, now)
    _grant_badges(uow, actor, {a.agent_id for a in awards if a.points}, now)


def reverse(uow: UnitOfWork, actor: Actor, lead: LeadState, now: datetime) -> None:
    """The lead's progress is undone (it goes back to new): what its agent earned on it is
    taken back, so those steps can be earned again. Points an earlier agent earned on it
    stay theirs, and those steps stay earned."""
    if lead.agent_id is None:
        return
    earned = uow.points.earned_on(actor.tenant_id, [lead.id], agent_id=lead.agent_id).get(lead.id, {})
    _book(uow, actor, reversals_of(lead.agent_id, lead.id, earned), now)


def _book(uow: UnitOfWork, actor: Actor, awards: list[PointsAward], now: datetime) -> None:
    if awards:
        uow.points.award(actor.tenant_id, awards, now=now)


def _grant_badges(uow: UnitOfWork, actor: Actor, agent_ids: set[int], now: datetime) -> None:
    """Each badge whose rule now holds, once per agent, audited when granted."""
    for agent_id in sorted(agent_ids):
        held = {award.badge for award in uow.points.badges(actor.tenant_id, [agent_id])}
        for badge in sorted(badges_earned(uow.points.badge_facts(actor.tenant_id, agent_id, now=now)) - held):
            if uow.points.grant_badge(actor.tenant_id, agent_id, badge, now=now):
                uow.audit.append(AuditEntry(
                    tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
                    action="agent.badge_awarded", entity_type="agent", entity_id=str(agent_id),
                    after={"badge": badge.value, "title": badge.display_name, "rule": badge.rule}))
