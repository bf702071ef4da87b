"""Who is on shift now: the seam routing calls to place leads only with agents at work."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.working_hours import ShiftInterval, on_shift
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


def agents_on_shift(teams: Mapping[int, str], hours: Mapping[str, tuple[ShiftInterval, ...]],
                    time_zone: str, now: datetime) -> set[int]:
    """The agents (id -> team) whose team works at `now`; a team without hours always does."""
    working = {team: on_shift(hours.get(team), time_zone, now) for team in set(teams.values())}
    return {agent_id for agent_id, team in teams.items() if working[team]}


def on_shift_agent_ids_in(uow: UnitOfWork, tenant_id: int, now: datetime) -> set[int]:
    """Inside the caller's transaction (routing reads it beside its own locks)."""
    table = shift_table(uow, tenant_id)
    return table.on_shift(now, list(table.teams))


@dataclass(frozen=True)
class ShiftTable:
    """A tenant's agents' teams, team hours and time zone, read once: who is on shift at any
    moment after (a routing run asks again for each chunk it writes, at the chunk's time)."""

    teams: Mapping[int, str]
    hours: Mapping[str, tuple[ShiftInterval, ...]]
    time_zone: str

    def on_shift(self, now: datetime, agent_ids: Sequence[int]) -> set[int]:
        """Of these agents, those on shift at `now`."""
        return agents_on_shift({i: self.teams[i] for i in agent_ids if i in self.teams},
                               self.hours, self.time_zone, now)


def shift_table(uow: UnitOfWork, tenant_id: int) -> ShiftTable:
    return ShiftTable(uow.agents.teams(tenant_id), uow.sla.team_hours(tenant_id),
                      uow.sla.settings(tenant_id).time_zone)


@retry_on_conflict
def on_shift_agent_ids(uow: UnitOfWork, actor: Actor, now: datetime) -> set[int]:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return on_shift_agent_ids_in(uow, actor.tenant_id, now)
