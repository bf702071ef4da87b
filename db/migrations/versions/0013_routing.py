"""Routing rules, their round-robin pointers, and each tenant's last routing run (docs/routing.md).

- `routing_rules`: a tenant's ordered rules; lists (sources, categories, teams) as JSON arrays;
  `version` is bumped on every change and checked on save.
- `routing_pointers`: where each round-robin rule resumes (the agent it served last), a row
  per rule, so that routing runs and bulk runs do not write the same tenant row.
- `routing_runs`: the last run per tenant (when, placed, left), for the routing panel.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")
MYSQL_TABLE_OPTIONS = {
    "mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci",
}


def upgrade() -> None:
    op.create_table(
        "routing_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("score_min", sa.Numeric(5, 2), nullable=False),
        sa.Column("score_max", sa.Numeric(5, 2), nullable=False),
        sa.Column("required_skill", sa.String(32), nullable=True),
        sa.Column("teams", sa.Text(), nullable=False),
        sa.Column("agent_skill", sa.String(32), nullable=True),
        sa.Column("strategy", sa.String(32), nullable=False),
        sa.Column("on_arrival", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reroute_breached", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_routing_rules_tenant_position", "routing_rules", ["tenant_id", "position"])
    op.create_table(
        "routing_pointers",
        sa.Column("rule_id", sa.Integer(), sa.ForeignKey("routing_rules.id"), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "routing_runs",
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), primary_key=True),
        sa.Column("last_run_at", TIMESTAMP, nullable=False),
        sa.Column("placed", sa.Integer(), nullable=False),
        sa.Column("leads_left", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=True),
        **MYSQL_TABLE_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("routing_runs")
    op.drop_table("routing_pointers")
    op.drop_table("routing_rules")
