"""Indexes for the capacity page's hot-lead counts, best-first lead lists (score descending)
and the leaderboard's risers and fallers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Score descending, so "best first, older first among equals" needs no sort.
    op.drop_index("ix_leads_tenant_score", table_name="leads")
    op.create_index("ix_leads_tenant_score", "leads", ["tenant_id", sa.text("overall_score DESC")])
    op.create_index("ix_leads_tenant_status_category", "leads",
                    ["tenant_id", "status", "score_category", "agent_id"])
    op.create_index("ix_leads_tenant_score_change", "leads", ["tenant_id", "score_change"])
    # Descending score: MariaDB 10.8+, MySQL 8 and SQLite store it so; older servers ignore
    # DESC and sort instead, which is slower but gives the same rows.
    op.create_index("ix_leads_tenant_status_score", "leads",
                    ["tenant_id", "status", sa.text("overall_score DESC")])


def downgrade() -> None:
    op.drop_index("ix_leads_tenant_score_change", table_name="leads")
    op.drop_index("ix_leads_tenant_status_score", table_name="leads")
    op.drop_index("ix_leads_tenant_status_category", table_name="leads")
    op.drop_index("ix_leads_tenant_score", table_name="leads")
    op.create_index("ix_leads_tenant_score", "leads", ["tenant_id", "overall_score"])
