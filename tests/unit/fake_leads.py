"""The lead repository in memory: state under "lock", bulk writes, intake, and the reads of
the lead list, a lead's detail and the leaderboard, as db/repositories/leads.py and
db/queries/leads.py give them."""

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from core.domain.audit import to_json
from core.domain.leads import (
    DETAIL_ROWS,
    ActivityEntry,
    AssignmentStretch,
    CategoryCount,
    DetailList,
    HistogramBin,
    KnownContacts,
    LeadAuditEntry,
    LeadDetail,
    LeadFilters,
    LeadRow,
    LeadSort,
    LeadUpdate,
    Mover,
    NewLead,
    ScoreChange,
    ScoreParts,
)
from core.domain.placement import Candidate, Placement
from core.domain.rules import LeadState
from core.domain.vocabulary import CLOSED_STATUSES, LeadStatus, ScoreCategory
from tests.unit.fake_store import LeadFields, ScoreHistoryRow, Store, matches, ordered


class FakeLeads:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def rows(self) -> dict[int, LeadState]:
        return self._store.leads

    @property
    def fields(self) -> dict[int, LeadFields]:
        return self._store.lead_fields

    def _of_tenant(self, tenant_id: int, ids: Iterable[int]) -> list[LeadState]:
        found = (self.rows.get(i) for i in sorted(set(ids)))
        return [self._state(lead) for lead in found if lead and lead.tenant_id == tenant_id]

    def _state(self, lead: LeadState) -> LeadState:
        """The state as the SQL reads it: with the source and due date kept among the columns."""
        extra = self._store.fields_of(lead.id)
        return replace(lead, source=extra.source, due_date=extra.due_date,
                       assigned_at=extra.assigned_at, first_contact_at=extra.first_contact_at)

    def _matching(self, tenant_id: int, filters: LeadFilters) -> list[LeadState]:
        return [lead for lead in self.rows.values() if matches(self._store, lead, tenant_id, filters)]

    def _candidate(self, lead: LeadState) -> Candidate:
        return Candidate(self._state(lead), float(self._store.fields_of(lead.id).overall_score))

    # -- state and writes ------------------------------------------------------------------

    def get(self, tenant_id: int, lead_id: int, *, for_update: bool = False) -> LeadState | None:
        lead = self.rows.get(lead_id)
        return self._state(lead) if lead and lead.tenant_id == tenant_id else None

    def lock_states(self, tenant_id: int, ids: Sequence[int]) -> list[LeadState]:
        return self._of_tenant(tenant_id, ids)

    def claim_new(self, tenant_id: int, ids: Sequence[int]) -> list[LeadState]:
        return [lead for lead in self._of_tenant(tenant_id, ids) if lead.status == LeadStatus.NEW]

    def lock_assignable(self, tenant_id: int, ids: Sequence[int]) -> list[LeadState]:
        return self._of_tenant(tenant_id, ids)

    def versions(self, tenant_id: int, ids: Sequence[int]) -> dict[int, int]:
        return {lead.id: lead.version for lead in self._of_tenant(tenant_id, ids)}

    def version_sum(self, tenant_id: int, ids: Sequence[int]) -> tuple[int, int]:
        found = self._of_tenant(tenant_id, ids)
        return len(found), sum(lead.version for lead in found)

    def candidates(self, tenant_id: int, filters: LeadFilters, *, limit: int) -> list[Candidate]:
        best_first = ordered(self._store, self._matching(tenant_id, filters), LeadSort.SCORE_DESC)
        return [self._candidate(lead) for lead in best_first[:limit]]

    def candidates_by_id(self, tenant_id: int, ids: Sequence[int]) -> list[Candidate]:
        return [self._candidate(lead) for lead in self._of_tenant(tenant_id, ids)]

    def set_agent(self, lead_id: int, *, agent_id: int | None, status: LeadStatus,
                  now: datetime) -> None:
        lead = self.rows[lead_id]
        self.rows[lead_id] = replace(lead, agent_id=agent_id, status=status, version=lead.version + 1)
        extra = self._store.fields_of(lead_id)
        extra.assigned_at = now if agent_id is not None else None
        extra.first_contact_at = None

    def set_status(self, lead_id: int, *, status: LeadStatus, now: datetime,
                   lost_reason: str | None = None) -> None:
        self.update_fields([LeadUpdate(lead_id, status=status, lost_reason=lost_reason)], now=now)

    def mark_first_contact(self, lead_id: int, *, now: datetime) -> None:
        lead = self.rows[lead_id]
        self._store.fields_of(lead_id).first_contact_at = now
        self.rows[lead_id] = replace(lead, version=lead.version + 1)

    def assign_many(self, placements: Sequence[Placement], *, now: datetime) -> None:
        for lead_id, agent_id in placements:
            self.set_agent(lead_id, agent_id=agent_id, status=LeadStatus.ASSIGNED, now=now)

    def unassign_many(self, ids: Sequence[int], *, now: datetime) -> None:
        for lead_id in ids:
            self.set_agent(lead_id, agent_id=None, status=LeadStatus.NEW, now=now)

    def update_fields(self, updates: Sequence[LeadUpdate], *, now: datetime) -> None:
        for change in updates:
            lead, extra = self.rows[change.lead_id], self._store.fields_of(change.lead_id)
            if change.status in CLOSED_STATUSES:
                extra.closed_at = now
            if change.lost_reason is not None:
                extra.lost_reason = change.lost_reason
            if change.source is not None:
                extra.source = change.source
            if change.due_date is not None:  # a date, or CLEAR to empty it
                extra.due_date = change.due_date if isinstance(change.due_date, date) else None
            skill = lead.required_skill if change.required_skill is None else change.required_skill or None
            self.rows[lead.id] = replace(lead, status=change.status or lead.status,
                                         required_skill=skill, version=lead.version + 1)

    def known_contacts(self, tenant_id: int, emails: Iterable[str],
                       phones: Iterable[str]) -> KnownContacts:
        wanted_emails, wanted_phones = set(emails), set(phones)
        by_email: dict[str, int] = {}
        by_phone: dict[str, int] = {}
        for lead in sorted(self.rows.values(), key=lambda lead: -lead.id):  # lowest id wins
            if lead.tenant_id != tenant_id:
                continue
            extra = self._store.fields_of(lead.id)
            if extra.email_normalized in wanted_emails:
                by_email[extra.email_normalized] = lead.id
            if extra.phone_normalized in wanted_phones:
                by_phone[extra.phone_normalized] = lead.id
        return KnownContacts(by_email, by_phone)

    def lock_contacts(self, tenant_id: int) -> None:
        """Nothing to take: the fake's writers already go one at a time."""

    def insert_new(self, leads: Sequence[NewLead], *, tenant_id: int, now: datetime) -> list[int]:
        ids = []
        for new in leads:
            lead_id = max(self.rows, default=0) + 1
            self.rows[lead_id] = LeadState(lead_id, tenant_id, new.name, LeadStatus.NEW, None,
                                           new.required_skill)
            self.fields[lead_id] = LeadFields(
                source=new.source, email=new.email, phone=new.phone, company=new.company,
                due_date=new.due_date, created_at=now, email_normalized=new.email_normalized,
                phone_normalized=new.phone_normalized)
            ids.append(lead_id)
        return ids

    # -- reads -----------------------------------------------------------------------------

    def search(self, tenant_id: int, filters: LeadFilters, *, offset: int, limit: int,
               count_limit: int | None) -> tuple[list[LeadRow], int | None]:
        found = self._matching(tenant_id, filters)
        total = None if count_limit is None else min(len(found), count_limit + 1)
        page = ordered(self._store, found, filters.sort)[offset:offset + limit]
        return [self._row(lead) for lead in page], total

    def _row(self, lead: LeadState) -> LeadRow:
        extra = self._store.fields_of(lead.id)
        return LeadRow(id=lead.id, name=lead.name, company=extra.company, status=lead.status.value,
                       category=extra.score_category, score=float(extra.overall_score),
                       agent_name=self._store.agent_name(lead.agent_id), source=extra.source,
                       required_skill=lead.required_skill, created_at=extra.created_at,
                       version=lead.version)

    def detail(self, tenant_id: int, lead_id: int) -> LeadDetail | None:
        lead = self.get(tenant_id, lead_id)
        if lead is None:
            return None
        extra, store = self._store.fields_of(lead_id), self._store
        # Newest first; rows of one moment newest-inserted first (the stable sort keeps that).
        activities = sorted((ActivityEntry(a["occurred_at"], a["kind"], store.agent_name(a["agent_id"]),
                                           a["note"])
                             for a in reversed(store.activities)
                             if a["lead_id"] == lead_id and a["tenant_id"] == tenant_id),
                            key=lambda a: a.occurred_at, reverse=True)
        audit = [LeadAuditEntry(r.at, r.entry.actor_name, r.entry.action, to_json(r.entry.before),
                                to_json(r.entry.after), r.entry.reason)
                 for r in sorted(store.audit, key=lambda r: (r.at, r.id), reverse=True)
                 if r.entry.tenant_id == tenant_id and r.entry.entity_type == "lead"
                 and r.entry.entity_id == str(lead_id)]
        history = sorted((self._score_change(h) for h in reversed(store.score_history)
                          if h.lead_id == lead_id and h.tenant_id == tenant_id),
                         key=lambda h: h.calculated_at, reverse=True)
        cut_off = frozenset(name for name, rows in ((DetailList.ACTIVITIES, activities),
                                                     (DetailList.AUDIT, audit),
                                                     (DetailList.SCORE_HISTORY, history))
                            if len(rows) > DETAIL_ROWS)
        return LeadDetail(
            id=lead.id, lost_reason=extra.lost_reason, first_contact_at=extra.first_contact_at,
            sla_rerouted_at=self._store.sla_rerouted.get(lead.id),
            name=lead.name, email=extra.email, phone=extra.phone, company=extra.company,
            source=extra.source, status=lead.status, agent_id=lead.agent_id,
            agent_name=store.agent_name(lead.agent_id), required_skill=lead.required_skill,
            due_date=extra.due_date, created_at=extra.created_at, version=lead.version,
            scores=ScoreParts(extra.source_quality_score, extra.engagement_score,
                              extra.conversion_probability, extra.urgency_score, extra.overall_score),
            score_category=extra.score_category, last_calculated=extra.last_calculated,
            calculation_method=extra.calculation_method, assignments=self._stretches(tenant_id, lead_id),
            activities=activities[:DETAIL_ROWS], audit=audit[:DETAIL_ROWS],
            score_history=history[:DETAIL_ROWS], cut_off=cut_off)

    def _stretches(self, tenant_id: int, lead_id: int) -> list[AssignmentStretch]:
        store = self._store
        rows = [row for row in reversed(store.assignments)  # newest inserted first among equals
                if row["lead_id"] == lead_id and row["tenant_id"] == tenant_id
                and row["agent_id"] in store.agents]  # the SQL joins the agent
        return [AssignmentStretch(row["assigned_at"], store.agents[row["agent_id"]].name,
                                  store.agent_name(row["previous_agent_id"]),
                                  store.username_of(row["by_user_id"]), row["ended_at"], row["note"])
                for row in sorted(rows, key=lambda row: row["assigned_at"], reverse=True)]

    def _score_change(self, row: ScoreHistoryRow) -> ScoreChange:
        version = next((v.version for v in self._store.versions if v.id == row.weights_version_id), None)
        return ScoreChange(row.calculated_at, _float(row.previous_score), float(row.new_score),
                           row.previous_category, row.new_category, version)

    def score_spread(self, tenant_id: int, filters: LeadFilters,
                     width: int) -> tuple[list[CategoryCount], list[HistogramBin]]:
        matching = [self._store.fields_of(lead.id) for lead in self._matching(tenant_id, filters)]
        categories = Counter(fields.score_category for fields in matching)
        bins = Counter(math.floor(fields.overall_score / width) * width for fields in matching)
        return ([CategoryCount(c.value, categories[c.value]) for c in ScoreCategory if categories[c.value]],
                [HistogramBin(float(start), leads) for start, leads in sorted(bins.items())])

    def movers(self, tenant_id: int, filters: LeadFilters, *, rising: bool, limit: int) -> list[Mover]:
        moved = []
        for lead in self._matching(tenant_id, filters):
            extra = self._store.fields_of(lead.id)
            change = extra.score_change
            if lead.status in CLOSED_STATUSES:  # their score is frozen: no longer moving
                continue
            if change is not None and (change > 0 if rising else change < 0):
                moved.append((lead, extra, change))
        moved.sort(key=lambda m: (-m[2], -m[0].id) if rising else (m[2], m[0].id))
        return [Mover(lead.id, lead.name, _float(extra.previous_score), float(extra.overall_score),
                      float(change), extra.score_category) for lead, extra, change in moved[:limit]]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
