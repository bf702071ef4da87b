"""Assignment stretches and activities: rows that only ever grow."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from core.domain.placement import Placement
from db.inline_rows import insert_rows
from db.models import Assignment, LeadActivity
from db.results import inserted_id

# Built once (see leads.py): every single assignment starts or ends a stretch.
_ASSIGNMENTS = Assignment.table()
_START = insert(_ASSIGNMENTS)
_END_CURRENT = update(_ASSIGNMENTS).where(
    _ASSIGNMENTS.c.lead_id == bindparam("of_lead"), _ASSIGNMENTS.c.ended_at.is_(None),
).values(ended_at=bindparam("now"))


class SqlAssignmentRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def start(self, *, tenant_id: int, lead_id: int, agent_id: int, previous_agent_id: int | None,
              by_user_id: int | None, note: str | None, now: datetime,
              batch_id: str | None = None) -> None:
        self.connection.execute(_START, dict(
            tenant_id=tenant_id, lead_id=lead_id, agent_id=agent_id,
            previous_agent_id=previous_agent_id, assigned_by=by_user_id, assigned_at=now,
            ended_at=None, note=note, batch_id=batch_id,
        ))

    def start_many(self, *, tenant_id: int, placements: Sequence[Placement], by_user_id: int | None,
                   now: datetime, batch_id: str | None, notes: dict[int, str] | None = None) -> None:
        notes = notes or {}
        insert_rows(self.connection, _ASSIGNMENTS, [{
            "tenant_id": tenant_id, "lead_id": lead_id, "agent_id": agent_id, "previous_agent_id": None,
            "assigned_by": by_user_id, "assigned_at": now, "ended_at": None, "note": notes.get(lead_id),
            "batch_id": batch_id,
        } for lead_id, agent_id in placements])

    def end_many(self, lead_ids: Sequence[int], *, now: datetime) -> None:
        if lead_ids:
            self.connection.execute(update(Assignment).where(
                Assignment.lead_id.in_(lead_ids), Assignment.ended_at.is_(None)).values(ended_at=now))

    def end_current(self, lead_id: int, *, now: datetime) -> None:
        self.connection.execute(_END_CURRENT, {"of_lead": lead_id, "now": now})

    def moved_from(self, tenant_id: int, batch_id: str) -> dict[int, int]:
        rows = self.connection.execute(select(Assignment.lead_id, Assignment.previous_agent_id).where(
            Assignment.batch_id == batch_id, Assignment.tenant_id == tenant_id,
            Assignment.previous_agent_id.is_not(None)))
        return {row.lead_id: row.previous_agent_id for row in rows}


class SqlActivityRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, *, tenant_id: int, lead_id: int, agent_id: int | None, kind: str,
            note: str | None, by_user_id: int | None, now: datetime) -> int:
        return inserted_id(self.connection.execute(insert(LeadActivity).values(
            tenant_id=tenant_id, lead_id=lead_id, agent_id=agent_id, kind=kind, occurred_at=now,
            note=note, created_by=by_user_id,
        )))
