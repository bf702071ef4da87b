"""The "SLAs & hours" settings: read them, save them (versioned, audited, a stale edit refused),
and set a team's weekly hours."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from core.domain.audit import AuditEntry
from core.domain.errors import InvalidInput, StaleView
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.sla import SlaSettings
from core.domain.working_hours import ShiftInterval, validated_hours
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

STALE = ("The SLA settings were saved by someone else (version {saved}) since you opened the page "
         "(version {seen}). Nothing was changed: reload the page and make your change again.")


@dataclass(frozen=True)
class SlaPage:
    settings: SlaSettings
    teams: list[str]                                 # every team of the tenant's agents
    hours: dict[str, tuple[ShiftInterval, ...]]      # teams that have hours


@retry_on_conflict
def sla_page(uow: UnitOfWork, actor: Actor) -> SlaPage:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        settings = uow.sla.settings(actor.tenant_id)
        hours = uow.sla.team_hours(actor.tenant_id)
        teams = sorted(set(uow.agents.teams(actor.tenant_id).values()) | set(hours))
    return SlaPage(settings, teams, hours)


def _locked_current(uow: UnitOfWork, actor: Actor, expected_version: int) -> SlaSettings:
    current = uow.sla.settings(actor.tenant_id, for_update=True)
    if current.version != expected_version:
        raise StaleView(STALE.format(saved=current.version, seen=expected_version))
    return current


def _describe(settings: SlaSettings) -> dict[str, object]:
    return {"time_zone": settings.time_zone, "grace_minutes": settings.grace_minutes,
            **{f"sla_{category.value}_minutes": minutes for category, minutes in settings.targets.items()}}


@retry_on_conflict
def save_sla_settings(uow: UnitOfWork, actor: Actor, *, settings: SlaSettings, expected_version: int,
                      now: datetime) -> str:
    """Time zone, SLA per category and grace, saved as the next version."""
    actor.require(Permission.MANAGE_ROUTING)
    chosen = replace(settings, time_zone=settings.time_zone.strip()).validated()
    with uow:
        current = _locked_current(uow, actor, expected_version)
        chosen = replace(chosen, version=current.version)
        if _describe(chosen) == _describe(current):
            return "Nothing to save: the settings are as they were."
        version = uow.sla.save_settings(actor.tenant_id, chosen, by_user_id=actor.user_id, now=now)
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="sla.settings_saved", entity_type="sla_settings", entity_id=str(version),
            before=_describe(current), after=_describe(chosen)))
        uow.commit()
    return f"Saved the SLA settings as version {version}."


@retry_on_conflict
def save_team_hours(uow: UnitOfWork, actor: Actor, *, team: str, hours: Sequence[ShiftInterval],
                    expected_version: int, now: datetime) -> str:
    """A team's weekly hours; saving them is a version of the settings too, so that two admins
    editing the page at once cannot overwrite each other's hours unseen."""
    actor.require(Permission.MANAGE_ROUTING)
    checked = validated_hours(hours)
    with uow:
        if team not in set(uow.agents.teams(actor.tenant_id).values()):
            raise InvalidInput(f"No agent of your tenant is in team {team!r}: pick a team from the list.")
        current = _locked_current(uow, actor, expected_version)
        before = uow.sla.team_hours(actor.tenant_id).get(team, ())
        if before == checked:
            return f"Nothing to save: the hours of {team} are as they were."
        uow.sla.set_team_hours(actor.tenant_id, team, checked)
        version = uow.sla.save_settings(actor.tenant_id, current, by_user_id=actor.user_id, now=now)
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="sla.team_hours_saved", entity_type="team", entity_id=team[:64],
            before={"hours": [item.label() for item in before]},
            after={"hours": [item.label() for item in checked]}))
        uow.commit()
    if not checked:
        return f"{team} has no hours now: its agents are on shift at all times."
    return f"Saved {len(checked)} interval(s) for {team} (settings version {version})."
