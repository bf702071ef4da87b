"""The SLA repository in memory, as db/repositories/sla.py keeps it."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from core.domain.errors import StaleView
from core.domain.sla import LeadSlaFacts, SlaSettings, UnavailableAgent, sla_windows
from core.domain.vocabulary import LeadStatus
from core.domain.working_hours import ShiftInterval
from tests.unit.fake_store import Store, in_sla_windows


class FakeSla:
    def __init__(self, store: Store) -> None:
        self._store = store

    def settings(self, tenant_id: int, *, for_update: bool = False) -> SlaSettings:
        return self._store.sla_settings.get(tenant_id, SlaSettings())

    def save_settings(self, tenant_id: int, settings: SlaSettings, *, by_user_id: int | None,
                      now: datetime) -> int:
        if self.settings(tenant_id).version != settings.version:
            raise StaleView("The SLA settings were saved by someone else.")
        self._store.sla_settings[tenant_id] = replace(settings, version=settings.version + 1)
        return settings.version + 1

    def team_hours(self, tenant_id: int) -> dict[str, tuple[ShiftInterval, ...]]:
        return {team: hours for (tenant, team), hours in self._store.team_hours.items()
                if tenant == tenant_id and hours}

    def set_team_hours(self, tenant_id: int, team: str, hours: Sequence[ShiftInterval]) -> None:
        self._store.team_hours[(tenant_id, team)] = tuple(sorted(hours))

    def _open_breaches(self, tenant_id: int, settings: SlaSettings, now: datetime) -> list[int]:
        found = [lead for lead in self._store.leads.values() if lead.tenant_id == tenant_id
                 and in_sla_windows(self._store, lead, settings, now, breached=True, due_within=None)]
        return [lead.id for lead in sorted(
            found, key=lambda lead: (self._store.fields_of(lead.id).assigned_at, lead.id))]

    def open_breaches_per_agent(self, tenant_id: int, settings: SlaSettings,
                                now: datetime) -> dict[int, int]:
        agents = [self._store.leads[i].agent_id for i in self._open_breaches(tenant_id, settings, now)]
        return dict(Counter(agent_id for agent_id in agents if agent_id is not None))

    def open_breach_ids(self, tenant_id: int, settings: SlaSettings, now: datetime, *,
                        limit: int, not_rerouted: bool = False) -> list[int]:
        ids = [i for i in self._open_breaches(tenant_id, settings, now)
               if not (not_rerouted and i in self._store.sla_rerouted)]
        return ids[:limit]

    def breaches_since(self, tenant_id: int, settings: SlaSettings, *, since: datetime,
                       now: datetime) -> int:
        windows = [replace(w, earliest=w.latest - (now - since))
                   for w in sla_windows(settings, now, breached=True, due_within=None)]
        counted = 0
        for lead in self._store.leads.values():
            extra = self._store.fields_of(lead.id)
            rerouted = self._store.sla_rerouted.get(lead.id)
            ran_out = (lead.tenant_id == tenant_id and extra.first_contact_at is None
                       and extra.assigned_at is not None and lead.status != LeadStatus.NEW
                       and any(w.category.value == extra.score_category and w.holds(extra.assigned_at)
                               for w in windows))
            again = rerouted is not None and rerouted >= since
            counted += lead.tenant_id == tenant_id and (ran_out or again)
        return counted

    def lead_facts(self, tenant_id: int, lead_id: int) -> LeadSlaFacts | None:
        lead = self._store.leads.get(lead_id)
        if lead is None or lead.tenant_id != tenant_id:
            return None
        return LeadSlaFacts(self._store.fields_of(lead_id).score_category,
                            self._store.sla_rerouted.get(lead_id))

    def mark_rerouted(self, lead_id: int, *, now: datetime) -> None:
        self._store.sla_rerouted[lead_id] = now
        self._bump(lead_id)

    def clear_rerouted(self, lead_id: int, *, now: datetime) -> None:
        self._store.sla_rerouted.pop(lead_id, None)
        self._bump(lead_id)

    def _bump(self, lead_id: int) -> None:
        lead = self._store.leads[lead_id]
        self._store.leads[lead_id] = replace(lead, version=lead.version + 1)

    def unavailable_agents(self, tenant_id: int) -> list[UnavailableAgent]:
        return [UnavailableAgent(a.id, a.name, a.availability, self._store.availability_changed.get(a.id))
                for _, a in sorted(self._store.agents.items())
                if a.tenant_id == tenant_id and a.availability.value in ("away", "offline")]

    def untouched_leads(self, tenant_id: int, agent_ids: Sequence[int], *, limit: int) -> list[int]:
        return [lead.id for _, lead in sorted(self._store.leads.items())
                if lead.tenant_id == tenant_id and lead.agent_id in agent_ids
                and lead.status == LeadStatus.ASSIGNED
                and self._store.fields_of(lead.id).first_contact_at is None][:limit]
