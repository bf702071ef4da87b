"""First-contact SLAs, the availability grace and teams' working hours (docs/sla-and-hours.md).

- `sla_settings`: one row per tenant that saved the "SLAs & hours" page (no row: the defaults):
  its time zone, the SLA per score category in minutes (NULL: none), the grace in minutes, and
  a version that every save bumps, so a stale edit is refused.
- `team_hours`: a team's weekly intervals in the tenant's time zone, minutes after midnight.
- `leads.sla_rerouted_at`: the lead was re-routed for its SLA (at most once, until a supervisor
  clears it). `agents.availability_changed_at`: when the grace period of an agent who went away
  or offline started; filled from `updated_at`, the last change known.
- `ix_leads_sla`: uncontacted open leads of a category by assignment time (and agent), so the
  SLA filters and breach counts read ranges of one index; `ix_leads_sla_rerouted`: the leads
  re-routed for their SLA since a moment (breaches today).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
MYSQL_TABLE_OPTIONS = {
    "mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci",
}


def upgrade() -> None:
    op.create_table(
        "sla_settings",
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), primary_key=True),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("hot_minutes", sa.Integer(), nullable=True),
        sa.Column("warm_minutes", sa.Integer(), nullable=True),
        sa.Column("cold_minutes", sa.Integer(), nullable=True),
        sa.Column("nurture_minutes", sa.Integer(), nullable=True),
        sa.Column("grace_minutes", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "team_hours",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("start_minute", sa.SmallInteger(), nullable=False),
        sa.Column("end_minute", sa.SmallInteger(), nullable=False),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_team_hours_team", "team_hours", ["tenant_id", "team"])
    with op.batch_alter_table("leads") as batch_op:
        batch_op.add_column(sa.Column("sla_rerouted_at", TIMESTAMP, nullable=True))
    with op.batch_alter_table("agents") as batch_op:
        batch_op.add_column(sa.Column("availability_changed_at", TIMESTAMP, nullable=True))
    op.execute("UPDATE agents SET availability_changed_at = updated_at "
               "WHERE availability IN ('away', 'offline')")
    op.create_index("ix_leads_sla", "leads",
                    ["tenant_id", "first_contact_at", "score_category", "status", "assigned_at", "agent_id"])
    op.create_index("ix_leads_sla_rerouted", "leads", ["tenant_id", "sla_rerouted_at"])


def downgrade() -> None:
    op.drop_index("ix_leads_sla_rerouted", table_name="leads")
    op.drop_index("ix_leads_sla", table_name="leads")
    with op.batch_alter_table("agents") as batch_op:
        batch_op.drop_column("availability_changed_at")
    with op.batch_alter_table("leads") as batch_op:
        batch_op.drop_column("sla_rerouted_at")
    op.drop_table("team_hours")  # with its index (MySQL's foreign key needs it until then)
    op.drop_table("sla_settings")
