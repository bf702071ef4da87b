"""Users note when their sessions last ended, so a login cookie issued before is refused.

streamlit-authenticator's login cookie names the user and its expiry, nothing else; its issue
time is that expiry less the cookie's lifetime. Logging out, a deactivation or a new password
bump the session generation (0009) and set sessions_ended_at: a cookie issued before that
moment no longer logs anyone in, on any browser. NULL: the user's sessions never ended.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("sessions_ended_at", TIMESTAMP, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("sessions_ended_at")
