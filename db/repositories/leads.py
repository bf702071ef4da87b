from datetime import datetime

import pandas as pd
from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.orm import Session

from core.bulk_strategies import Candidate
from core.domain import CLOSED_STATUSES, LeadStatus
from core.leads import LeadDetail, LeadFilters
from core.rules import LeadState
from db.models import Lead
from db.queries import leads as lead_queries

STATE_COLUMNS = (Lead.id, Lead.tenant_id, Lead.name, Lead.status, Lead.agent_id,
                 Lead.required_skill, Lead.version)
IN_CHUNK = 1000  # ids per IN (...) list
# Built once: every single-lead use case starts with this read, and building the statement
# costs about as much Python time as the round trip.
_ONE_LEAD = select(*STATE_COLUMNS).where(Lead.id == bindparam("lead_id"),
                                         Lead.tenant_id == bindparam("tenant_id"))
_ONE_LEAD_LOCKED = _ONE_LEAD.with_for_update()


def _state(row) -> LeadState:
    return LeadState(id=row.id, tenant_id=row.tenant_id, name=row.name,
                     status=LeadStatus(row.status), agent_id=row.agent_id,
                     required_skill=row.required_skill, version=row.version)


class SqlLeadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _states(self, tenant_id: int, ids: list[int], *, for_update: bool) -> list:
        query = select(*STATE_COLUMNS, Lead.overall_score).where(
            Lead.tenant_id == tenant_id, Lead.id.in_(ids)).order_by(Lead.id)
        return self.session.execute(query.with_for_update() if for_update else query).all()

    def lock_states(self, tenant_id: int, ids: list[int]) -> list[LeadState]:
        """Lock these leads (in id order) and return their state."""
        states = []
        for start in range(0, len(ids), IN_CHUNK):
            states += [_state(r) for r in self._states(tenant_id, ids[start:start + IN_CHUNK],
                                                        for_update=True)]
        return states

    def existing_contacts(self, tenant_id: int, emails: list[str], phones: list[str]) -> dict:
        """(kind, normalized value) -> lead id, for the given emails and phones."""
        found = {}
        for kind, column, values in (("email", Lead.email_normalized, emails),
                                     ("phone", Lead.phone_normalized, phones)):
            unique = sorted(set(values))
            for start in range(0, len(unique), IN_CHUNK):
                rows = self.session.execute(select(column, func.min(Lead.id)).where(
                    Lead.tenant_id == tenant_id, column.in_(unique[start:start + IN_CHUNK]))
                    .group_by(column))
                found.update({(kind, value): lead_id for value, lead_id in rows})
        return found

    def insert_new(self, rows: list[dict], *, tenant_id: int, now: datetime) -> list[int]:
        """Insert new leads; returns their ids in the same order."""
        ids = []
        for row in rows:
            ids.append(self.session.execute(insert(Lead).values(
                tenant_id=tenant_id, status=LeadStatus.NEW.value, created_at=now, updated_at=now,
                version=1, **row)).inserted_primary_key[0])
        return ids

    def states(self, tenant_id: int, ids: list[int]) -> list[LeadState]:
        states = []
        for start in range(0, len(ids), IN_CHUNK):
            states += [_state(r) for r in self._states(tenant_id, ids[start:start + IN_CHUNK],
                                                        for_update=False)]
        return states

    def update_fields(self, rows: list, *, now: datetime) -> None:
        """Apply bulk-update changes (validated in core), one statement per lead."""
        for change, lead in rows:
            values: dict = {"updated_at": now, "version": Lead.version + 1}
            if change.status is not None and change.status != lead.status.value:
                values["status"] = change.status
                if LeadStatus(change.status) in CLOSED_STATUSES:
                    values["closed_at"] = now
            if change.source is not None:
                values["source"] = change.source
            if change.required_skill is not None:
                values["required_skill"] = change.required_skill or None
            if change.due_date is not None:
                values["due_date"] = change.due_date or None
            self.session.execute(update(Lead).where(Lead.id == lead.id).values(**values)
                                 .execution_options(synchronize_session=False))

    def candidates_by_id(self, tenant_id: int, ids: tuple[int, ...]) -> list[Candidate]:
        rows = []
        unique = sorted(set(ids))
        for start in range(0, len(unique), IN_CHUNK):
            rows += self._states(tenant_id, unique[start:start + IN_CHUNK], for_update=False)
        return [Candidate(_state(r), float(r.overall_score or 0)) for r in rows]

    def candidates(self, tenant_id: int, filters: LeadFilters, *, limit: int) -> list[Candidate]:
        """The leads a filter selects, best score first (the order bulk runs place them)."""
        query = lead_queries.filtered(select(*STATE_COLUMNS, Lead.overall_score), tenant_id, filters)
        rows = self.session.execute(query.order_by(Lead.overall_score.desc(), Lead.id).limit(limit))
        return [Candidate(_state(r), float(r.overall_score or 0)) for r in rows]

    def versions(self, tenant_id: int, ids: list[int]) -> dict[int, int]:
        found = {}
        for start in range(0, len(ids), IN_CHUNK):
            found.update(self.session.execute(select(Lead.id, Lead.version).where(
                Lead.tenant_id == tenant_id, Lead.id.in_(ids[start:start + IN_CHUNK]))).all())
        return found

    def assign_many(self, pairs: list[tuple[int, int]], *, now: datetime) -> None:
        """One UPDATE for the whole list (a CASE maps each lead to its agent): a statement per
        lead cost a round trip each, most of a bulk commit's time."""
        for start in range(0, len(pairs), IN_CHUNK):
            chunk = dict(pairs[start:start + IN_CHUNK])
            self.session.execute(
                update(Lead).where(Lead.id.in_(list(chunk))).values(
                    agent_id=case(chunk, value=Lead.id), status=LeadStatus.ASSIGNED.value,
                    assigned_at=now, updated_at=now, version=Lead.version + 1)
                .execution_options(synchronize_session=False))

    def unassign_many(self, ids: list[int], *, now: datetime) -> None:
        if ids:
            self.session.execute(update(Lead).where(Lead.id.in_(ids)).values(
                agent_id=None, status=LeadStatus.NEW.value, assigned_at=None, updated_at=now,
                version=Lead.version + 1).execution_options(synchronize_session=False))

    def get(self, tenant_id: int, lead_id: int, *, for_update: bool = False) -> LeadState | None:
        row = self.session.execute(_ONE_LEAD_LOCKED if for_update else _ONE_LEAD,
                                   {"lead_id": lead_id, "tenant_id": tenant_id}).one_or_none()
        return _state(row) if row else None

    def set_agent(self, lead_id: int, *, agent_id: int | None, status: LeadStatus,
                  now: datetime) -> None:
        self.session.execute(
            update(Lead).where(Lead.id == lead_id).values(
                agent_id=agent_id, status=status.value, updated_at=now, version=Lead.version + 1,
                assigned_at=now if agent_id is not None else None,
            )
        )

    def set_status(self, lead_id: int, *, status: LeadStatus, now: datetime) -> None:
        values = {"status": status.value, "updated_at": now, "version": Lead.version + 1}
        if status in CLOSED_STATUSES:
            values["closed_at"] = now
        self.session.execute(update(Lead).where(Lead.id == lead_id).values(**values))

    def search(self, tenant_id: int, filters: LeadFilters, *, offset: int, limit: int,
               count_limit: int | None) -> tuple[pd.DataFrame, int | None]:
        return lead_queries.search_leads(self.session, tenant_id, filters, offset=offset,
                                         limit=limit, count_limit=count_limit)

    def detail(self, tenant_id: int, lead_id: int) -> LeadDetail | None:
        return lead_queries.lead_detail(self.session, tenant_id, lead_id)

    def category_counts(self, tenant_id: int, filters: LeadFilters) -> pd.DataFrame:
        return lead_queries.category_counts(self.session, tenant_id, filters)

    def score_histogram(self, tenant_id: int, filters: LeadFilters, width: int) -> pd.DataFrame:
        return lead_queries.score_histogram(self.session, tenant_id, filters, width)

    def movers(self, tenant_id: int, filters: LeadFilters, *, rising: bool, limit: int) -> pd.DataFrame:
        return lead_queries.movers(self.session, tenant_id, filters, rising=rising, limit=limit)
