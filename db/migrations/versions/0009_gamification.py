"""Gamification: each agent's stored points total, a lead's first contact and lost reason, and
the indexes the agents leaderboard and the badge rules read.

- `agents.points_total`: the sum of the agent's ledger entries, moved in the same statement
  batch as each entry (`cli.py check` compares them).
- `leads.first_contact_at`: the first contact since the current assignment (first-contact
  points; later, first-contact SLAs). `leads.lost_reason`: why a lead was closed as lost.
- The ledger by time, covering agent and points, so a week's standings read the index alone;
  by agent, covering reason and points, for one agent's badge facts and recent work.
- Leads by closed_at, covering status and agent, for conversions within a window.

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
    op.create_index("ix_points_ledger_time", "points_ledger",
                    ["tenant_id", "awarded_at", "agent_id", "points"])
    op.create_index("ix_points_ledger_lead", "points_ledger", ["lead_id", "reason", "points"])
    op.create_index("ix_leads_tenant_closed", "leads", ["tenant_id", "closed_at", "status", "agent_id"])


def downgrade() -> None:
    op.drop_index("ix_leads_tenant_closed", table_name="leads")
    op.drop_index("ix_points_ledger_lead", table_name="points_ledger")
    op.drop_index("ix_points_ledger_time", table_name="points_ledger")
    op.create_index("ix_points_ledger_agent", "points_ledger", ["tenant_id", "agent_id", "awarded_at"])
    op.drop_index("ix_points_ledger_agent_time", table_name="points_ledger")
    with op.batch_alter_table("leads") as batch_op:
        batch_op.drop_column("lost_reason")
        batch_op.drop_column("first_contact_at")
    with op.batch_alter_table("agents") as batch_op:
        batch_op.drop_column("points_total")
