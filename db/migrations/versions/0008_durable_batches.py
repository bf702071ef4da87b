"""Batches that survive a fault: their state, plan and heartbeat, and an item per plan position.

A batch now says whether it is running, interrupted or complete, keeps its plan until it
completes, and refreshes a heartbeat with every chunk (core.domain.batches). Its items are
keyed by their position in the plan, hold refused leads too (with why), and so tell a resumed
run what is already done. An item's lead has no foreign key: a refusal may name a lead id that
does not exist in the tenant (a typo in an uploaded file), and leads are never deleted. Batches written before are complete; their items keep the order of
their lead ids as positions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MYSQL_TABLE_OPTIONS = {
    "mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci",
}
TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
PLAN = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql")  # up to 16 MB: an import's rows


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=16), nullable=False,
                                      server_default="complete"))
        batch_op.add_column(sa.Column("planned", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("heartbeat_at", TIMESTAMP, nullable=True))
        batch_op.add_column(sa.Column("plan", PLAN, nullable=True))
    op.execute("UPDATE batches SET planned = leads_changed + leads_refused")
    with op.batch_alter_table("batches") as batch_op:  # new batches always say both
        batch_op.alter_column("state", server_default=None, existing_type=sa.String(length=16),
                              existing_nullable=False)
        batch_op.alter_column("planned", server_default=None, existing_type=sa.Integer(),
                              existing_nullable=False)

    op.create_table(
        "batch_items_by_position",
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("lead_version", sa.Integer(), nullable=True),
        sa.Column("refused", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"]),
        sa.PrimaryKeyConstraint("batch_id", "position"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.execute("INSERT INTO batch_items_by_position (batch_id, position, lead_id, agent_id, "
               "lead_version, refused) SELECT batch_id, ROW_NUMBER() OVER (PARTITION BY batch_id "
               "ORDER BY lead_id) - 1, lead_id, agent_id, lead_version, NULL FROM batch_items")
    op.drop_table("batch_items")
    op.rename_table("batch_items_by_position", "batch_items")


def downgrade() -> None:
    op.create_table(
        "batch_items_by_lead",
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("lead_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"]),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"]),
        sa.PrimaryKeyConstraint("batch_id", "lead_id"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.execute("INSERT INTO batch_items_by_lead (batch_id, lead_id, agent_id, lead_version) "
               "SELECT batch_id, lead_id, agent_id, lead_version FROM batch_items "
               "WHERE refused IS NULL AND agent_id IS NOT NULL AND lead_version IS NOT NULL")
    op.drop_table("batch_items")
    op.rename_table("batch_items_by_lead", "batch_items")
    with op.batch_alter_table("batches") as batch_op:
        batch_op.drop_column("plan")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("planned")
        batch_op.drop_column("state")
