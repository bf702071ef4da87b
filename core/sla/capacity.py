"""What the capacity page shows of SLAs and shifts: open breaches per agent, breaches today,
and who is on shift now."""

from dataclasses import dataclass
from datetime import datetime

from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.ports import UnitOfWork
from core.retry import retry_on_conflict
from core.sla.breaches import breach_counts_in
from core.sla.shifts import agents_on_shift


@dataclass(frozen=True)
class CapacitySla:
    breaches: dict[int, int]  # agent id -> open SLA breaches (no contact yet)
    breaches_today: int
    on_shift: set[int]        # agent ids whose team works now
    time_zone: str


@retry_on_conflict
def capacity_sla(uow: UnitOfWork, actor: Actor, now: datetime) -> CapacitySla:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        settings = uow.sla.settings(actor.tenant_id)
        counts = breach_counts_in(uow, actor.tenant_id, settings, now)
        on_shift = agents_on_shift(uow.agents.teams(actor.tenant_id), uow.sla.team_hours(actor.tenant_id),
                                   settings.time_zone, now)
    return CapacitySla(counts.per_agent, counts.today, on_shift, settings.time_zone)
