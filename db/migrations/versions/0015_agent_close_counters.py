"""Agents carry their closed and converted lead counts, so performance scores stop scanning
every closed lead of the tenant (0.32 s at a million leads, on every capacity page and ranking).

The counters move in the transaction where a lead closes (core.gamification.earning), where
the agent's row is locked anyway; `cli.py check` compares them with the leads.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_CLOSED = "('converted', 'lost')"


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch_op:
        batch_op.add_column(sa.Column("closed_leads", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("converted_leads", sa.Integer(), nullable=False,
                                      server_default="0"))
    # The backfill: correlated subqueries read the same on SQLite and MySQL.
    op.execute(f"""
        UPDATE agents SET
          closed_leads = (SELECT COUNT(*) FROM leads
                          WHERE leads.agent_id = agents.id AND leads.status IN {_CLOSED}),
          converted_leads = (SELECT COUNT(*) FROM leads
                             WHERE leads.agent_id = agents.id AND leads.status = 'converted')""")


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch_op:
        batch_op.drop_column("converted_leads")
        batch_op.drop_column("closed_leads")
