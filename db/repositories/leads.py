"""Leads: their state under lock, bulk writes, intake, and the list and detail reads."""

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, bindparam, func, insert, literal_column, select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute

from core.domain.leads import (
    CategoryCount,
    HistogramBin,
    KnownContacts,
    LeadDetail,
    LeadFilters,
    LeadRow,
    LeadUpdate,
    Mover,
    NewLead,
)
from core.domain.placement import Candidate, Placement
from core.domain.rules import LeadState
from core.domain.vocabulary import CLOSED_STATUSES, LeadStatus
from db.int_case import int_case
from db.models import Lead, TenantLock
from db.queries import leads as lead_queries
from db.results import AnyRow, inserted_id

STATE_COLUMNS = (Lead.id, Lead.tenant_id, Lead.name, Lead.status, Lead.agent_id,
                 Lead.required_skill, Lead.version, Lead.source, Lead.due_date, Lead.assigned_at,
                 Lead.first_contact_at)
# What placing a lead needs of it (bulk runs and routing read thousands): no dates to parse.
CANDIDATE_COLUMNS = (Lead.id, Lead.name, Lead.status, Lead.agent_id, Lead.required_skill,
                     Lead.version, Lead.source, Lead.overall_score)
# What the capacity rule re-checks on a locked lead.
_ASSIGNABLE_COLUMNS = (Lead.id, Lead.status, Lead.agent_id, Lead.required_skill, Lead.version)
IN_CHUNK = 1000  # ids per IN (...) list
# The single-lead path's statements are built once, on the table, with bind parameters:
# building a statement costs about as much Python time as its round trip
# (docs/benchmarks.md, "Where the time goes").
_LEADS = Lead.table()
_ONE_LEAD = select(*(_LEADS.c[column.key] for column in STATE_COLUMNS)).where(
    _LEADS.c.id == bindparam("lead_id"), _LEADS.c.tenant_id == bindparam("tenant_id"))
_ONE_LEAD_LOCKED = _ONE_LEAD.with_for_update()
_SET_AGENT = update(_LEADS).where(_LEADS.c.id == bindparam("lead_id")).values(
    agent_id=bindparam("new_agent_id"), status=bindparam("new_status"),
    assigned_at=bindparam("new_assigned_at"), first_contact_at=None, updated_at=bindparam("now"),
    version=_LEADS.c.version + 1)
_MARK_FIRST_CONTACT = update(_LEADS).where(_LEADS.c.id == bindparam("lead_id")).values(
    first_contact_at=bindparam("now"), updated_at=bindparam("now"), version=_LEADS.c.version + 1)

V = TypeVar("V")


def chunked(values: Sequence[V]) -> Iterator[Sequence[V]]:
    """IN_CHUNK values at a time: an IN (...) list stays a size every server takes."""
    for start in range(0, len(values), IN_CHUNK):
        yield values[start:start + IN_CHUNK]


def _state(row: AnyRow) -> LeadState:
    return LeadState(id=row.id, tenant_id=row.tenant_id, name=row.name,
                     status=LeadStatus(row.status), agent_id=row.agent_id,
                     required_skill=row.required_skill, version=row.version, source=row.source,
                     due_date=row.due_date, assigned_at=row.assigned_at,
                     first_contact_at=row.first_contact_at)


# LeadStatus(value) costs a microsecond or two, a dict look-up a tenth of it.
_STATUS_OF: dict[str, LeadStatus] = {status.value: status for status in LeadStatus}


def _candidate(row: AnyRow, tenant_id: int) -> Candidate:
    """A row of CANDIDATE_COLUMNS, unpacked in their order (a routing run builds 10,000 of
    these; unpacking and the status look-up cut it from about 4.6 to 2.1 µs a row)."""
    lead_id, name, status, agent_id, required_skill, version, source, score = row
    return Candidate(LeadState(id=lead_id, tenant_id=tenant_id, name=name,
                               status=_STATUS_OF.get(status) or LeadStatus(status), agent_id=agent_id,
                               required_skill=required_skill, version=version, source=source),
                     float(score or 0))


def _assignable(rows: Iterable[AnyRow], tenant_id: int) -> list[LeadState]:
    """Leads read with _ASSIGNABLE_COLUMNS only (no name, no dates)."""
    return [LeadState(id=row.id, tenant_id=tenant_id, name="", status=LeadStatus(row.status),
                      agent_id=row.agent_id, required_skill=row.required_skill, version=row.version)
            for row in rows]


def _update_values(update_: LeadUpdate, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"updated_at": now, "version": Lead.version + 1}
    if update_.status is not None:
        values["status"] = update_.status.value
        if update_.status in CLOSED_STATUSES:
            values["closed_at"] = now
        if update_.lost_reason is not None:
            values["lost_reason"] = update_.lost_reason
    if update_.source is not None:
        values["source"] = update_.source
    if update_.required_skill is not None:
        values["required_skill"] = update_.required_skill or None  # CLEAR is ""
    if update_.due_date is not None:
        values["due_date"] = update_.due_date or None
    return values


class SqlLeadRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        # SQLite, without statistics, would rather read every entry of an index that starts
        # with the tenant than look up 500 ids by primary key (80-110 ms against 0.5 ms per
        # chunk at 1M leads); its unary + keeps the tenant column out of index choices.
        self._tenant_column = (literal_column("+leads.tenant_id") if connection.dialect.name == "sqlite"
                               else Lead.tenant_id)

    def _of_tenant(self, tenant_id: int,
                   ids: Sequence[int]) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
        """These leads, if they are the tenant's: read by primary key."""
        return self._tenant_column == tenant_id, Lead.id.in_(ids)

    def _rows(self, tenant_id: int, ids: Sequence[int], *, for_update: bool) -> Iterator[AnyRow]:
        for chunk in chunked(sorted(set(ids))):
            query = select(*STATE_COLUMNS, Lead.overall_score).where(
                *self._of_tenant(tenant_id, chunk)).order_by(Lead.id)
            yield from self.connection.execute(query.with_for_update() if for_update else query)

    def get(self, tenant_id: int, lead_id: int, *, for_update: bool = False) -> LeadState | None:
        row = self.connection.execute(_ONE_LEAD_LOCKED if for_update else _ONE_LEAD,
                                      {"lead_id": lead_id, "tenant_id": tenant_id}).one_or_none()
        return _state(row) if row else None

    def lock_states(self, tenant_id: int, ids: Sequence[int]) -> list[LeadState]:
        """Lock these leads (in id order) and return their state."""
        return [_state(row) for row in self._rows(tenant_id, ids, for_update=True)]

    def claim_new(self, tenant_id: int, ids: Sequence[int]) -> list[LeadState]:
        """Lock these leads still new, with what the capacity rule re-checks (as
        lock_assignable), passing over any another transaction holds: SKIP LOCKED on MySQL 8
        and MariaDB 10.6+; SQLite has one writer, whose BEGIN IMMEDIATE already holds the
        whole database."""
        skip = self.connection.dialect.name == "mysql"
        found: list[LeadState] = []
        for chunk in chunked(sorted(set(ids))):
            rows = self.connection.execute(select(*_ASSIGNABLE_COLUMNS).where(
                *self._of_tenant(tenant_id, chunk), Lead.status == LeadStatus.NEW.value,
            ).order_by(Lead.id).with_for_update(skip_locked=skip))
            found += _assignable(rows, tenant_id)
        return found

    def versions(self, tenant_id: int, ids: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in chunked(ids):
            found.update(self.connection.execute(select(Lead.id, Lead.version).where(
                *self._of_tenant(tenant_id, chunk))).all())
        return found

    def candidates(self, tenant_id: int, filters: LeadFilters, *, limit: int) -> list[Candidate]:
        """The leads a filter selects, best score first (the order bulk runs place them)."""
        query = lead_queries.filtered(select(*CANDIDATE_COLUMNS), tenant_id, filters,
                                      lead_queries.sla_settings_for(self.connection, tenant_id, filters))
        rows = self.connection.execute(query.order_by(Lead.overall_score.desc(), Lead.id).limit(limit))
        return [_candidate(row, tenant_id) for row in rows]

    def candidates_by_id(self, tenant_id: int, ids: Sequence[int]) -> list[Candidate]:
        found: list[Candidate] = []
        for chunk in chunked(sorted(set(ids))):
            found += [_candidate(row, tenant_id) for row in self.connection.execute(
                select(*CANDIDATE_COLUMNS).where(*self._of_tenant(tenant_id, chunk))
                .order_by(Lead.id))]
        return found

    def lock_assignable(self, tenant_id: int, ids: Sequence[int]) -> list[LeadState]:
        """Lock these leads (in id order) with what the capacity rule re-checks, and no more."""
        found: list[LeadState] = []
        for chunk in chunked(sorted(set(ids))):
            found += _assignable(self.connection.execute(select(*_ASSIGNABLE_COLUMNS).where(
                *self._of_tenant(tenant_id, chunk)).order_by(Lead.id).with_for_update()),
                tenant_id)
        return found

    def version_sum(self, tenant_id: int, ids: Sequence[int]) -> tuple[int, int]:
        """How many of these leads exist and the sum of their versions: one row per IN_CHUNK
        ids. Versions only grow, so equal sums mean no lead changed and none was deleted."""
        found, total = 0, 0
        for chunk in chunked(ids):
            count, versions = self.connection.execute(select(func.count(), func.sum(Lead.version)).where(
                *self._of_tenant(tenant_id, chunk))).one()
            found, total = found + count, total + int(versions or 0)
        return found, total

    def set_agent(self, lead_id: int, *, agent_id: int | None, status: LeadStatus,
                  now: datetime) -> None:
        self.connection.execute(_SET_AGENT, {
            "lead_id": lead_id, "new_agent_id": agent_id, "new_status": status.value, "now": now,
            "new_assigned_at": now if agent_id is not None else None})

    def set_status(self, lead_id: int, *, status: LeadStatus, now: datetime,
                   lost_reason: str | None = None) -> None:
        self.connection.execute(update(Lead).where(Lead.id == lead_id).values(
            **_update_values(LeadUpdate(lead_id, status=status, lost_reason=lost_reason), now)))

    def mark_first_contact(self, lead_id: int, *, now: datetime) -> None:
        self.connection.execute(_MARK_FIRST_CONTACT, {"lead_id": lead_id, "now": now})

    def assign_many(self, placements: Sequence[Placement], *, now: datetime) -> None:
        """One UPDATE per IN_CHUNK leads (a CASE maps each lead to its agent): a statement per
        lead cost a round trip each, most of a bulk commit's time."""
        for chunk in chunked(placements):
            agents = dict(chunk)
            self.connection.execute(
                update(Lead).where(Lead.id.in_(list(agents))).values(
                    agent_id=literal_column(int_case("leads.id", agents)), status=LeadStatus.ASSIGNED.value,
                    assigned_at=now, first_contact_at=None, updated_at=now,
                    version=Lead.version + 1))

    def unassign_many(self, ids: Sequence[int], *, now: datetime) -> None:
        if ids:
            self.connection.execute(update(Lead).where(Lead.id.in_(ids)).values(
                agent_id=None, status=LeadStatus.NEW.value, assigned_at=None,
                first_contact_at=None, updated_at=now, version=Lead.version + 1))

    def update_fields(self, updates: Sequence[LeadUpdate], *, now: datetime) -> None:
        """Apply bulk-update changes (checked in core), one statement per lead."""
        for update_ in updates:
            self.connection.execute(update(Lead).where(Lead.id == update_.lead_id)
                                 .values(**_update_values(update_, now)))

    def known_contacts(self, tenant_id: int, emails: Iterable[str],
                       phones: Iterable[str]) -> KnownContacts:
        """The lowest lead id per normalized email and per normalized phone given."""
        def lowest_ids(column: InstrumentedAttribute[str | None], values: Iterable[str]) -> dict[str, int]:
            found: dict[str, int] = {}
            for chunk in chunked(sorted(set(values))):
                for value, lead_id in self.connection.execute(select(column, func.min(Lead.id)).where(
                        Lead.tenant_id == tenant_id, column.in_(chunk)).group_by(column)):
                    found[value or ""] = lead_id
            return found
        return KnownContacts(lowest_ids(Lead.email_normalized, emails),
                             lowest_ids(Lead.phone_normalized, phones))

    def lock_contacts(self, tenant_id: int) -> None:
        """Take the tenant's "lead_contacts" lock row until the commit (db.models.TenantLock)."""
        row = {"tenant_id": tenant_id, "name": "lead_contacts", "taken": 1}
        bumped = {"taken": TenantLock.taken + 1}
        if self.connection.dialect.name == "mysql":
            self.connection.execute(mysql_insert(TenantLock).values(**row).on_duplicate_key_update(**bumped))
        else:
            self.connection.execute(sqlite_insert(TenantLock).values(**row).on_conflict_do_update(
                index_elements=[TenantLock.tenant_id, TenantLock.name], set_=bumped))

    def insert_new(self, leads: Sequence[NewLead], *, tenant_id: int, now: datetime) -> list[int]:
        """Insert new leads; returns their ids in the same order."""
        return [inserted_id(self.connection.execute(insert(Lead).values(
            tenant_id=tenant_id, status=LeadStatus.NEW.value, created_at=now, updated_at=now,
            version=1, **dataclasses.asdict(lead)))) for lead in leads]

    def search(self, tenant_id: int, filters: LeadFilters, *, offset: int, limit: int,
               count_limit: int | None) -> tuple[list[LeadRow], int | None]:
        return lead_queries.search_leads(self.connection, tenant_id, filters, offset=offset,
                                         limit=limit, count_limit=count_limit)

    def detail(self, tenant_id: int, lead_id: int) -> LeadDetail | None:
        return lead_queries.lead_detail(self.connection, tenant_id, lead_id)

    def score_spread(self, tenant_id: int, filters: LeadFilters,
                     width: int) -> tuple[list[CategoryCount], list[HistogramBin]]:
        return lead_queries.score_spread(self.connection, tenant_id, filters, width)

    def movers(self, tenant_id: int, filters: LeadFilters, *, rising: bool, limit: int) -> list[Mover]:
        return lead_queries.movers(self.connection, tenant_id, filters, rising=rising, limit=limit)
