"""The lead list, a lead's detail and the leaderboard's figures, filtered and paginated in SQL.

They return plain values; the pages choose how to label them.
"""

import math
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from core.domain.clock import utcnow
from core.domain.leads import (
    DETAIL_ROWS,
    ActivityEntry,
    AssignmentStretch,
    CategoryCount,
    DetailList,
    HistogramBin,
    LeadAuditEntry,
    LeadDetail,
    LeadFilters,
    LeadRow,
    LeadSort,
    Mover,
    ScoreChange,
    ScoreParts,
)
from core.domain.sla import SlaSettings, sla_windows
from core.domain.vocabulary import CLOSED_STATUSES, LeadStatus, ScoreCategory
from db.models import (
    Agent,
    Assignment,
    AuditRow,
    Lead,
    LeadActivity,
    ScoreHistory,
    ScoringWeights,
    User,
)
from db.repositories.sla import in_windows, tenant_settings
from db.results import AnyRow, AnySelect

CLOSED = [s.value for s in CLOSED_STATUSES]

LIST_COLUMNS = (Lead.id, Lead.name, Lead.company, Lead.status, Lead.score_category,
                Lead.overall_score, Agent.name.label("agent_name"), Lead.source, Lead.required_skill,
                Lead.created_at, Lead.version)
# Equal scores: older (lower) id first, so that a descending score index, which keeps ids
# ascending within a score, serves both directions without a sort.
ORDER: dict[LeadSort, tuple[ColumnElement[Any], ColumnElement[Any]]] = {
    LeadSort.SCORE_DESC: (Lead.overall_score.desc(), Lead.id.asc()),
    LeadSort.SCORE_ASC: (Lead.overall_score.asc(), Lead.id.desc()),
    LeadSort.NEWEST: (Lead.created_at.desc(), Lead.id.desc()),
    LeadSort.OLDEST: (Lead.created_at.asc(), Lead.id.asc()),
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


Q = TypeVar("Q", bound=AnySelect)


def _where(query: Q, tenant_id: int, f: LeadFilters, sla: SlaSettings | None = None) -> Q:
    query = query.where(Lead.tenant_id == tenant_id)
    if f.sla_filtered:
        if sla is None:
            raise ValueError("SLA filters need the tenant's SLA settings: see sla_settings_for.")
        query = query.where(in_windows(sla_windows(
            sla, f.sla_as_of or utcnow(), breached=f.sla_breached, due_within=f.due_within_minutes)))
    if f.statuses:
        query = query.where(Lead.status.in_(f.statuses))
    if f.categories:
        query = query.where(Lead.score_category.in_(f.categories))
    if f.sources:
        query = query.where(Lead.source.in_(f.sources))
    if f.agent_id is not None:
        query = query.where(Lead.agent_id == f.agent_id)
    if f.required_skill:
        query = query.where(Lead.required_skill == f.required_skill)
    if f.score_min > 0 or f.score_max < 100:
        query = query.where(Lead.overall_score.between(f.score_min, f.score_max))
    if f.text.strip():
        text = f.text.strip()
        pattern = f"%{_escape_like(text)}%"
        matches: list[ColumnElement[bool]] = [column.ilike(pattern, escape="\\")
                   for column in (Lead.name, Lead.company, Lead.email, Lead.phone)]
        if text.lstrip("#").isdigit():  # "#4411" or "4411" also finds that lead by id
            matches.append(Lead.id == int(text.lstrip("#")))
        query = query.where(or_(*matches))
    return query


def filtered(query: Q, tenant_id: int, filters: LeadFilters, sla: SlaSettings | None = None) -> Q:
    return _where(query, tenant_id, filters, sla)


def sla_settings_for(connection: Connection, tenant_id: int, filters: LeadFilters) -> SlaSettings | None:
    """The tenant's SLAs when the filters ask for SLA state (one small read), else None."""
    return tenant_settings(connection, tenant_id) if filters.sla_filtered else None


def search_leads(connection: Connection, tenant_id: int, filters: LeadFilters, *, offset: int,
                 limit: int, count_limit: int | None) -> tuple[list[LeadRow], int | None]:
    """A page of matches and their number, counted up to count_limit + 1 (reading at most
    that many index entries, however many leads match); not counted if count_limit is None."""
    total = None
    sla = sla_settings_for(connection, tenant_id, filters)
    if count_limit is not None:
        matches = _where(select(Lead.id), tenant_id, filters, sla).limit(count_limit + 1).subquery()
        total = connection.scalar(select(func.count()).select_from(matches))
    query = _where(select(*LIST_COLUMNS).outerjoin(Agent, Agent.id == Lead.agent_id),
                   tenant_id, filters, sla).order_by(*ORDER[filters.sort]).offset(offset).limit(limit)
    rows = [LeadRow(id=r.id, name=r.name, company=r.company, status=r.status,
                    category=r.score_category, score=float(r.overall_score or 0),
                    agent_name=r.agent_name, source=r.source, required_skill=r.required_skill,
                    created_at=r.created_at, version=r.version)
            for r in connection.execute(query)]
    return rows, total


def _newest(connection: Connection, query: AnySelect) -> tuple[Sequence[AnyRow], bool]:
    """The newest DETAIL_ROWS rows of a newest-first query, and whether older ones exist."""
    rows = connection.execute(query.limit(DETAIL_ROWS + 1)).all()
    return rows[:DETAIL_ROWS], len(rows) > DETAIL_ROWS


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def lead_detail(connection: Connection, tenant_id: int, lead_id: int) -> LeadDetail | None:
    row = connection.execute(
        select(Lead.table(), Agent.name.label("agent_name"))
        .outerjoin(Agent, Agent.id == Lead.agent_id)
        .where(Lead.id == lead_id, Lead.tenant_id == tenant_id)
    ).one_or_none()
    if row is None:
        return None
    lead, agent_name = row, row.agent_name
    previous = aliased(Agent)
    assignments = [AssignmentStretch(*r) for r in connection.execute(select(
        Assignment.assigned_at, Agent.name, previous.name, User.username, Assignment.ended_at,
        Assignment.note,
    ).join(Agent, Agent.id == Assignment.agent_id)
        .outerjoin(previous, previous.id == Assignment.previous_agent_id)
        .outerjoin(User, User.id == Assignment.assigned_by)
        .where(Assignment.lead_id == lead_id, Assignment.tenant_id == tenant_id)
        .order_by(Assignment.assigned_at.desc(), Assignment.id.desc()))]
    activities, older_activities = _newest(connection, select(
        LeadActivity.occurred_at, LeadActivity.kind, Agent.name, LeadActivity.note,
    ).outerjoin(Agent, Agent.id == LeadActivity.agent_id)
        .where(LeadActivity.lead_id == lead_id, LeadActivity.tenant_id == tenant_id)
        .order_by(LeadActivity.occurred_at.desc(), LeadActivity.id.desc()))
    audit, older_audit = _newest(connection, select(
        AuditRow.at, AuditRow.actor_name, AuditRow.action, AuditRow.before_json,
        AuditRow.after_json, AuditRow.reason,
    ).where(and_(AuditRow.tenant_id == tenant_id, AuditRow.entity_type == "lead",
                 AuditRow.entity_id == str(lead_id)))
        .order_by(AuditRow.at.desc(), AuditRow.id.desc()))
    history, older_scores = _newest(connection, select(
        ScoreHistory.calculated_at, ScoreHistory.previous_score, ScoreHistory.new_score,
        ScoreHistory.previous_category, ScoreHistory.new_category, ScoringWeights.version,
    ).outerjoin(ScoringWeights, ScoringWeights.id == ScoreHistory.weights_version_id)
        .where(ScoreHistory.tenant_id == tenant_id, ScoreHistory.lead_id == lead_id)
        .order_by(ScoreHistory.calculated_at.desc(), ScoreHistory.id.desc()))
    return LeadDetail(
        id=lead.id, name=lead.name, email=lead.email, phone=lead.phone, company=lead.company,
        source=lead.source, status=LeadStatus(lead.status), agent_id=lead.agent_id,
        agent_name=agent_name, required_skill=lead.required_skill, due_date=lead.due_date,
        created_at=lead.created_at, version=lead.version, lost_reason=lead.lost_reason,
        first_contact_at=lead.first_contact_at, sla_rerouted_at=lead.sla_rerouted_at,
        scores=ScoreParts(source_quality=lead.source_quality_score, engagement=lead.engagement_score,
                          conversion=lead.conversion_probability, urgency=lead.urgency_score,
                          overall=lead.overall_score),
        score_category=lead.score_category, last_calculated=lead.last_calculated,
        calculation_method=lead.calculation_method,
        assignments=assignments,
        activities=[ActivityEntry(*r) for r in activities],
        audit=[LeadAuditEntry(*r) for r in audit],
        score_history=[ScoreChange(at, _float(before), float(after), before_category, after_category,
                                   version)
                       for at, before, after, before_category, after_category, version in history],
        cut_off=frozenset(name for name, older in (
            (DetailList.ACTIVITIES, older_activities), (DetailList.AUDIT, older_audit),
            (DetailList.SCORE_HISTORY, older_scores)) if older),
    )


def score_spread(connection: Connection, tenant_id: int, filters: LeadFilters,
                 width: int) -> tuple[list[CategoryCount], list[HistogramBin]]:
    """The matching leads per category (best category first) and per score bin of `width`.

    Filtered by category or score only (the leaderboard as it opens), one read of the score
    index alone, which holds both, in its own order: per score its leads of each category (a
    few hundred to a few thousand rows), summed each way here; at 1M on MariaDB 0.24-0.37 s,
    where the two reads below took 0.25-0.35 s each. Other filters are left to the planner,
    one read each (grouped per score, a status filter read the score index lead by lead: 4 s)."""
    sla = sla_settings_for(connection, tenant_id, filters)
    known = [category.value for category in ScoreCategory]
    rank = {category: position for position, category in enumerate(known)}
    categories: Counter[str] = Counter()
    bins: Counter[float] = Counter()
    if filters == LeadFilters(categories=filters.categories, score_min=filters.score_min,
                              score_max=filters.score_max, sort=filters.sort):
        per_category = [func.sum(case((Lead.score_category == category, 1), else_=0)) for category in known]
        query = _where(select(Lead.overall_score, func.count(), *per_category), tenant_id, filters).group_by(
            Lead.overall_score).order_by(Lead.overall_score.desc()).with_hint(
            Lead, "FORCE INDEX (ix_leads_tenant_score)", "mysql")
        for score, leads, *counts in connection.execute(query):
            categories.update(dict(zip(known, (int(count) for count in counts), strict=True)))
            bins[float(math.floor(score / width) * width)] += leads  # exact: the score is a Decimal
    if sum(bins.values()) == 0 or sum(bins.values()) != sum(categories.values()):
        # Other filters, or a category not known here (none: categories are validated on write).
        categories = Counter({category: leads for category, leads in connection.execute(_where(
            select(Lead.score_category, func.count()), tenant_id, filters, sla).group_by(
            Lead.score_category))})
        bin_start = func.floor(Lead.overall_score / width) * width
        bins = Counter({float(start): leads for start, leads in connection.execute(_where(
            select(bin_start.label("bin"), func.count()), tenant_id, filters, sla).group_by("bin"))})
    return ([CategoryCount(category, categories[category])
             for category in sorted(categories, key=lambda c: (rank.get(c, len(rank)), c))
             if categories[category]],
            [HistogramBin(start, bins[start]) for start in sorted(bins)])


def movers(connection: Connection, tenant_id: int, filters: LeadFilters, *, rising: bool,
           limit: int) -> list[Mover]:
    change = Lead.score_change
    query = _where(
        select(Lead.id, Lead.name, Lead.previous_score, Lead.overall_score, change,
               Lead.score_category),
        tenant_id, filters, sla_settings_for(connection, tenant_id, filters),
    ).where(change > 0 if rising else change < 0,
            Lead.status.not_in(CLOSED)).order_by(  # a closed lead's score is frozen
        *((change.desc(), Lead.id.desc()) if rising else (change.asc(), Lead.id.asc()))).limit(limit)
    if filters.agent_id is None and filters.score_min <= 0 and filters.score_max >= 100:
        # No index holds the change (rescoring would move every lead in it), so this reads
        # the tenant's leads. MySQL would read them through an index on the tenant, a row
        # lookup per lead: 3.9 s at a million on MariaDB, against 0.5 s for a table scan.
        query = query.with_hint(Lead, "FORCE INDEX (PRIMARY)", "mysql")
    return [Mover(lead_id, name, _float(before), float(now), float(moved or 0), category)
            for lead_id, name, before, now, moved, category in connection.execute(query)]
