from datetime import datetime

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.domain import CLOSED_STATUSES, LeadStatus
from core.leads import LeadDetail, LeadFilters
from core.rules import LeadState
from db.models import Lead
from db.queries import leads as lead_queries


class SqlLeadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, tenant_id: int, lead_id: int, *, for_update: bool = False) -> LeadState | None:
        query = select(Lead.id, Lead.tenant_id, Lead.name, Lead.status, Lead.agent_id,
                       Lead.required_skill, Lead.version).where(
            Lead.id == lead_id, Lead.tenant_id == tenant_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).one_or_none()
        if row is None:
            return None
        return LeadState(id=row.id, tenant_id=row.tenant_id, name=row.name,
                         status=LeadStatus(row.status), agent_id=row.agent_id,
                         required_skill=row.required_skill, version=row.version)

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

    def search(self, tenant_id: int, filters: LeadFilters, *, offset: int,
               limit: int) -> tuple[pd.DataFrame, int]:
        return lead_queries.search_leads(self.session, tenant_id, filters, offset=offset, limit=limit)

    def detail(self, tenant_id: int, lead_id: int) -> LeadDetail | None:
        return lead_queries.lead_detail(self.session, tenant_id, lead_id)

    def category_counts(self, tenant_id: int, filters: LeadFilters) -> pd.DataFrame:
        return lead_queries.category_counts(self.session, tenant_id, filters)

    def score_histogram(self, tenant_id: int, filters: LeadFilters, width: int) -> pd.DataFrame:
        return lead_queries.score_histogram(self.session, tenant_id, filters, width)

    def movers(self, tenant_id: int, filters: LeadFilters, *, rising: bool, limit: int) -> pd.DataFrame:
        return lead_queries.movers(self.session, tenant_id, filters, rising=rising, limit=limit)
