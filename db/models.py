"""SQLAlchemy 2 models. The schema itself is created only by the migrations beside this file."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Shared column types, declared once.
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only
Score = Numeric(5, 2)

int_pk = Annotated[int, mapped_column(primary_key=True)]
tenant_fk = Annotated[int, mapped_column(ForeignKey("tenants.id"), nullable=False)]
timestamp = Annotated[datetime, mapped_column(Timestamp)]
short_str = Annotated[str, mapped_column(String(32))]
name_str = Annotated[str, mapped_column(String(120))]


class Base(DeclarativeBase):
    @classmethod
    def table(cls) -> Table:
        """The model's Core table, for statements that skip the ORM (`__table__` is typed as
        any FromClause, which UPDATE and INSERT do not take)."""
        return cls.metadata.tables[cls.__tablename__]


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[int_pk]
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[name_str]
    created_at: Mapped[timestamp]
    # Round-robin bulk assignment resumes after this agent (per tenant, across runs).
    round_robin_agent_id: Mapped[int | None] = mapped_column(Integer)


class AuditHead(Base):
    """Head of one of a tenant's audit chains (core.domain.audit_chain): its newest row and a
    MAC over both. A writer locks one head, picked at random, for its transaction. Not on the
    tenant row, because every child insert share-locks that row (migration 0003 says why)."""

    __tablename__ = "audit_heads"
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    chain: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    head_mac: Mapped[str | None] = mapped_column(String(64))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int_pk]
    tenant_id: Mapped[tenant_fk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[name_str]
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[short_str]
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp)
    last_login_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[timestamp]
    # Bumped to end all of the user's sessions (core/domain/users.py, migration 0010).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When it was last bumped: login cookies issued before then are refused (migration 0011).
    sessions_ended_at: Mapped[datetime | None] = mapped_column(Timestamp)


class Agent(Base):
    __tablename__ = "agents"
    __table_args__ = (Index("ix_agents_tenant_availability", "tenant_id", "availability"),)
    id: Mapped[int_pk]
    tenant_id: Mapped[tenant_fk]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[name_str]
    email: Mapped[str | None] = mapped_column(String(254))
    team: Mapped[str] = mapped_column(String(64), default="")
    skills: Mapped[str] = mapped_column(String(255), default="")  # sorted, comma-separated tags
    max_capacity: Mapped[int] = mapped_column(Integer)
    availability: Mapped[short_str]
    # Count of this agent's leads in open statuses: the capacity rule's atomic counter.
    open_leads: Mapped[int] = mapped_column(Integer, default=0)
    # The sum of the agent's points_ledger entries, moved with each entry (cli.py check).
    points_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The agent's closed leads and how many converted, moved where a lead closes (the agent
    # row is locked there): performance scores read these instead of every closed lead.
    closed_leads: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    converted_leads: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    capacity_changed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # When availability last changed: the start of an away agent's grace period (migration 0014).
    availability_changed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]


class ScoringWeights(Base):
    __tablename__ = "scoring_weights"
    __table_args__ = (UniqueConstraint("tenant_id", "version", name="uq_scoring_weights_version"),)
    id: Mapped[int_pk]
    tenant_id: Mapped[tenant_fk]
    version: Mapped[int] = mapped_column(Integer)
    source_quality_weight: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    engagement_weight: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    conversion_weight: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    urgency_weight: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    hot_threshold: Mapped[Decimal] = mapped_column(Score)
    warm_threshold: Mapped[Decimal] = mapped_column(Score)
    cold_threshold: Mapped[Decimal] = mapped_column(Score)
    source_quality_json: Mapped[str] = mapped_column(Text)  # {"referral": 90, ...}
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]
    reason: Mapped[str] = mapped_column(Text)


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_tenant_agent_status", "tenant_id", "agent_id", "status"),
        Index("ix_leads_tenant_status_created", "tenant_id", "status", "created_at"),
        Index("ix_leads_tenant_email", "tenant_id", "email_normalized"),
        Index("ix_leads_tenant_phone", "tenant_id", "phone_normalized"),
        # Open hot leads per agent (capacity page): read from the index alone.
        Index("ix_leads_tenant_status_category", "tenant_id", "status", "score_category", "agent_id"),
    )
    id: Mapped[int_pk]
    tenant_id: Mapped[tenant_fk]
    name: Mapped[name_str]
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    company: Mapped[str | None] = mapped_column(String(120))
    email_normalized: Mapped[str | None] = mapped_column(String(254))
    phone_normalized: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[short_str]
    status: Mapped[short_str]
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    required_skill: Mapped[str | None] = mapped_column(String(32))
    due_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    assigned_at: Mapped[datetime | None] = mapped_column(Timestamp)
    closed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    first_contact_at: Mapped[datetime | None] = mapped_column(Timestamp)  # since assigned_at
    lost_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Score fields, named as in the published scoring API.
    source_quality_score: Mapped[Decimal] = mapped_column(Score, default=0)
    engagement_score: Mapped[Decimal] = mapped_column(Score, default=0)
    conversion_probability: Mapped[Decimal] = mapped_column(Score, default=0)
    urgency_score: Mapped[Decimal] = mapped_column(Score, default=0)
    overall_score: Mapped[Decimal] = mapped_column(Score, default=0)
    score_category: Mapped[str] = mapped_column(String(8), default="nurture")
    previous_score: Mapped[Decimal | None] = mapped_column(Score)
    previous_category: Mapped[str | None] = mapped_column(String(8))
    score_change: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    last_calculated: Mapped[datetime | None] = mapped_column(Timestamp)
    calculation_method: Mapped[str | None] = mapped_column(String(32))
    # The version that scored the lead, by id without a foreign key: versions are never deleted,
    # and rescoring rewrites this column on every lead, where the key's index and lookup cost
    # about 3 s of a 19 s rescore of a million leads (docs/benchmarks.md).
    weights_version_id: Mapped[int | None] = mapped_column(Integer)
    # Re-routed for its first-contact SLA: not again until a supervisor clears it (0014).
    sla_rerouted_at: Mapped[datetime | None] = mapped_column(Timestamp)


# Best leads first (leaderboard, lead list, new leads for a bulk run): score descending, then id
# ascending as the index stores it, so `ORDER BY overall_score DESC, id LIMIT k` reads k entries
# (more when a filter skips some) and sorts nothing. The only index that holds a score: every
# rescored lead moves in each such index, and rescoring a tenant is bounded by that work
# (docs/benchmarks.md, "Where the time goes"). The category (which moves only with the score)
# makes it cover the leaderboard's category counts and histogram, read together; it comes
# after the id, which is named so that best-first reads still sort nothing.
Index("ix_leads_tenant_score", Lead.tenant_id, Lead.overall_score.desc(), Lead.id, Lead.score_category)


class LeadActivity(Base):
    __tablename__ = "lead_activities"
    __table_args__ = (Index("ix_lead_activities_lead_time", "tenant_id", "lead_id", "occurred_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[tenant_fk]
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    kind: Mapped[short_str]
    occurred_at: Mapped[timestamp]
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Assignment(Base):
    """One stretch of a lead with an agent; `ended_at` is set when it moves on."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_lead", "tenant_id", "lead_id", "assigned_at"),
        Index("ix_assignments_agent", "tenant_id", "agent_id", "ended_at"),
        Index("ix_assignments_batch", "batch_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[tenant_fk]
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    previous_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[timestamp]
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)
    note: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[str | None] = mapped_column(String(36))


class ScoreHistory(Base):
    """Append-only, a row per changed score. It names its tenant, lead and weights version by
    id without a foreign key: none is ever deleted, and each key would cost every rescored
    lead one more lookup, and for the lead and version an index entry too."""

    __tablename__ = "score_history"
    __table_args__ = (Index("ix_score_history_lead", "tenant_id", "lead_id", "calculated_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    lead_id: Mapped[int] = mapped_column(Integer)
    previous_score: Mapped[Decimal | None] = mapped_column(Score)
    new_score: Mapped[Decimal] = mapped_column(Score)
    previous_category: Mapped[str | None] = mapped_column(String(8))
    new_category: Mapped[str] = mapped_column(String(8))
    weights_version_id: Mapped[int | None] = mapped_column(Integer)
    calculated_at: Mapped[timestamp]


class PointsEntry(Base):
    __tablename__ = "points_ledger"
    __table_args__ = (
        # One agent's facts and history; one lead's earned steps.
        Index("ix_points_ledger_agent_time", "tenant_id", "agent_id", "awarded_at", "reason", "points"),
        Index("ix_points_ledger_lead", "lead_id", "reason", "points"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[tenant_fk]
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[short_str]
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    awarded_at: Mapped[timestamp]


class AgentPointsDay(Base):
    """Each agent's points per UTC day, moved with every ledger entry: the agents leaderboard
    and the performance score read a week or a month of these (agents × days rows) instead of
    every ledger row of the period. `cli.py check` compares them with the ledger."""

    __tablename__ = "agent_points_daily"
    __table_args__ = (Index("ix_agent_points_daily_day", "tenant_id", "day", "agent_id", "points"),)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tenant_id: Mapped[tenant_fk]
    points: Mapped[int] = mapped_column(Integer, default=0)
    first_contacts: Mapped[int] = mapped_column(Integer, default=0)
    fast_first_contacts: Mapped[int] = mapped_column(Integer, default=0)  # net of reversals
    conversions: Mapped[int] = mapped_column(Integer, default=0)  # net of reversals


class Badge(Base):
    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("agent_id", "badge", name="uq_badges_agent_badge"),)
    id: Mapped[int_pk]
    tenant_id: Mapped[tenant_fk]
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    badge: Mapped[str] = mapped_column(String(48))
    awarded_at: Mapped[timestamp]


class AuditRow(Base):
    """Append-only. Nothing updates or deletes these rows."""

    __tablename__ = "audit_log"
    __table_args__ = (
        UniqueConstraint("tenant_id", "chain", "seq", name="uq_audit_log_chain_seq"),
        Index("ix_audit_log_reason", "reason", mysql_prefix="FULLTEXT").ddl_if(dialect="mysql"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[tenant_fk]
    chain: Mapped[int] = mapped_column(SmallInteger)
    seq: Mapped[int] = mapped_column(BigInteger)
    algorithm: Mapped[str] = mapped_column(String(16))
    at: Mapped[timestamp]
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    entity_type: Mapped[short_str]
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[str | None] = mapped_column(String(36))
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


# Each filter of the audit page holds the rows newest first after its equalities (migration
# 0012), so a screen, `ORDER BY at DESC, id DESC` after a cursor, is a forward scan that reads
# about 51 entries (docs/search-and-audit.md).
for _name, *_filtered in (("ix_audit_log_tenant_time",), ("ix_audit_log_actor", AuditRow.actor_name),
                          ("ix_audit_log_entity", AuditRow.entity_type, AuditRow.entity_id),
                          ("ix_audit_log_batch", AuditRow.batch_id)):
    Index(_name, AuditRow.tenant_id, *_filtered, AuditRow.at.desc(), AuditRow.id.desc())
# Ascending, as MariaDB lists the tenant's actions from it by a loose scan only then (one probe
# per action); a screen of one action reads it backwards.
Index("ix_audit_log_action", AuditRow.tenant_id, AuditRow.action, AuditRow.at, AuditRow.id)


class Batch(Base):
    """One bulk run (or its undo): what the supervisor did, its plan while it runs, its counts
    and its state (core.domain.batches)."""

    __tablename__ = "batches"
    __table_args__ = (Index("ix_batches_tenant_time", "tenant_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[tenant_fk]
    kind: Mapped[short_str]  # bulk_assign, bulk_update, import, undo
    strategy: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]
    leads_changed: Mapped[int] = mapped_column(Integer, default=0)
    leads_refused: Mapped[int] = mapped_column(Integer, default=0)
    undone_by_batch: Mapped[str | None] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(16))  # running, interrupted, complete
    planned: Mapped[int] = mapped_column(Integer)
    heartbeat_at: Mapped[datetime | None] = mapped_column(Timestamp)
    plan: Mapped[str | None] = mapped_column(Text().with_variant(mysql.MEDIUMTEXT(), "mysql"))


class BatchItem(Base):
    """What became of one position of a batch's plan: the lead changed (with its version right
    after, which undo checks) or refused (with why)."""

    __tablename__ = "batch_items"
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    lead_id: Mapped[int] = mapped_column(Integer)  # no key: a refusal may name a lead that is not there
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    lead_version: Mapped[int | None] = mapped_column(Integer)
    refused: Mapped[str | None] = mapped_column(Text)


class SavedSearch(Base):
    """Lead filters a user saved under a name: theirs alone, in their tenant (migration 0012)."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "name", name="uq_saved_searches_user_name"),)
    id: Mapped[int_pk]
    tenant_id: Mapped[tenant_fk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(60))
    filters_json: Mapped[str] = mapped_column(Text)  # core.domain.lead_filter_params, as JSON
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]


# Routing (docs/routing.md, migration 0013).


class RoutingRule(Base):
    """One of a tenant's ordered routing rules (core.domain.routing); lists are JSON arrays."""

    __tablename__ = "routing_rules"
    __table_args__ = (Index("ix_routing_rules_tenant_position", "tenant_id", "position"),)
    id: Mapped[int_pk]
    tenant_id: Mapped[tenant_fk]
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    sources: Mapped[str] = mapped_column(Text)
    categories: Mapped[str] = mapped_column(Text)
    score_min: Mapped[Decimal] = mapped_column(Score)
    score_max: Mapped[Decimal] = mapped_column(Score)
    required_skill: Mapped[str | None] = mapped_column(String(32))
    teams: Mapped[str] = mapped_column(Text)
    agent_skill: Mapped[str | None] = mapped_column(String(32))
    strategy: Mapped[short_str]
    on_arrival: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    reroute_breached: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]


class RoutingPointer(Base):
    """Where a round-robin rule resumes: the agent it served last. A row per rule, not a
    column of the tenant row, which every writer of the tenant would conflict on."""

    __tablename__ = "routing_pointers"
    rule_id: Mapped[int] = mapped_column(ForeignKey("routing_rules.id"), primary_key=True)
    tenant_id: Mapped[tenant_fk]
    agent_id: Mapped[int] = mapped_column(Integer)


class TenantLock(Base):
    """A row a writer takes (and bumps) to go one at a time within its tenant where row locks
    on the data alone cannot order it: an import checks its rows' emails and phones against
    the tenant's leads and then inserts them, and two imports at once would both pass the
    check. Bumped, not only locked, so that a Galera cluster certifies two such writers on
    different nodes as conflicting (it does not see read locks)."""

    __tablename__ = "tenant_locks"
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    taken: Mapped[int] = mapped_column(Integer, default=0)


class RoutingRunRow(Base):
    """The tenant's last routing run, for the capacity page's routing panel."""

    __tablename__ = "routing_runs"
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    last_run_at: Mapped[timestamp]
    placed: Mapped[int] = mapped_column(Integer)
    leads_left: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[str | None] = mapped_column(String(36))
# First-contact SLAs, the availability grace and working hours (migration 0014,
# docs/sla-and-hours.md).

# Uncontacted open leads of a category by assignment time: the SLA filters and breach counts
# read one range of this index per category (the agent too, so breaches per agent read nothing
# else). Leads re-routed for their SLA by when: the day's count.
Index("ix_leads_sla", Lead.tenant_id, Lead.first_contact_at, Lead.score_category, Lead.status,
      Lead.assigned_at, Lead.agent_id)
Index("ix_leads_sla_rerouted", Lead.tenant_id, Lead.sla_rerouted_at)


class SlaSettingsRow(Base):
    """A tenant's SLA page settings; no row: the defaults (core.domain.sla.SlaSettings)."""

    __tablename__ = "sla_settings"
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    hot_minutes: Mapped[int | None] = mapped_column(Integer)  # NULL: no SLA for the category
    warm_minutes: Mapped[int | None] = mapped_column(Integer)
    cold_minutes: Mapped[int | None] = mapped_column(Integer)
    nurture_minutes: Mapped[int | None] = mapped_column(Integer)
    grace_minutes: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[timestamp]


class TeamHours(Base):
    """One weekly interval of a team, in minutes after local midnight of the tenant's zone."""

    __tablename__ = "team_hours"
    __table_args__ = (Index("ix_team_hours_team", "tenant_id", "team"),)
    id: Mapped[int_pk]
    tenant_id: Mapped[tenant_fk]
    team: Mapped[str] = mapped_column(String(64))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_minute: Mapped[int] = mapped_column(SmallInteger)
    end_minute: Mapped[int] = mapped_column(SmallInteger)
