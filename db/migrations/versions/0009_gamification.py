"""Gamification: each agent's stored points total, a lead's first contact and lost reason, and
the indexes the agents leaderboard and the badge rules read.

- `agents.points_total`: the sum of the agent's ledger entries, moved in the same statement
  batch as each entry (`cli.py check` compares them).
- `leads.first_contact_at`: the first contact since the current assignment (first-contact
  points; later, first-contact SLAs). `leads.lost_reason`: why a lead was closed as lost.
- `agent_points_daily`: each agent's points, first contacts, fast first contacts and
  conversions per UTC day, moved with each entry, so a week's or a month's standings read agents × days rows, not
  every ledger row of the period; filled here from the ledger there is.
- The ledger by agent, covering reason and points, for one agent's badge facts and history.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
MYSQL_TABLE_OPTIONS = {
    "mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci",
}


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch_op:
        batch_op.add_column(sa.Column("points_total", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("leads") as batch_op:
        batch_op.add_column(sa.Column("first_contact_at", TIMESTAMP, nullable=True))
        batch_op.add_column(sa.Column("lost_reason", sa.Text(), nullable=True))
    op.execute("UPDATE agents SET points_total = COALESCE((SELECT SUM(p.points) FROM points_ledger p "
               "WHERE p.agent_id = agents.id), 0)")
    # Created before the old one goes: MySQL's tenant foreign key needs an index on tenant_id.
    op.create_index("ix_points_ledger_agent_time", "points_ledger",
                    ["tenant_id", "agent_id", "awarded_at", "reason", "points"])
    op.drop_index("ix_points_ledger_agent", table_name="points_ledger")
    op.create_table(
        "agent_points_daily",
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("first_contacts", sa.Integer(), nullable=False),
        sa.Column("fast_first_contacts", sa.Integer(), nullable=False),
        sa.Column("conversions", sa.Integer(), nullable=False),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_agent_points_daily_day", "agent_points_daily",
                    ["tenant_id", "day", "agent_id", "points"])
    op.execute(
        "INSERT INTO agent_points_daily (agent_id, day, tenant_id, points, first_contacts, "
        "fast_first_contacts, conversions) SELECT agent_id, DATE(awarded_at), MIN(tenant_id), "
        "SUM(points), SUM(CASE WHEN reason = 'first_contact' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN reason = 'fast_first_contact' THEN SIGN(points) ELSE 0 END), "
        "SUM(CASE WHEN reason = 'converted' THEN SIGN(points) ELSE 0 END) "
        "FROM points_ledger GROUP BY agent_id, DATE(awarded_at)")
    op.create_index("ix_points_ledger_lead", "points_ledger", ["lead_id", "reason", "points"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "mysql":
        # MySQL let ix_points_ledger_lead serve the lead foreign key and dropped the key's own
        # index: give it back, under the name MySQL gave it, before that index goes.
        op.create_index("lead_id", "points_ledger", ["lead_id"])
    op.drop_index("ix_points_ledger_lead", table_name="points_ledger")
    op.drop_table("agent_points_daily")
    op.create_index("ix_points_ledger_agent", "points_ledger", ["tenant_id", "agent_id", "awarded_at"])
    op.drop_index("ix_points_ledger_agent_time", table_name="points_ledger")
    with op.batch_alter_table("leads") as batch_op:
        batch_op.drop_column("lost_reason")
        batch_op.drop_column("first_contact_at")
    with op.batch_alter_table("agents") as batch_op:
        batch_op.drop_column("points_total")
