"""Audit chain heads move off the tenant row into their own table.

Every insert into a table with a `tenant_id` foreign key takes a shared lock on the tenant
row (InnoDB checks the parent). While the chain head lived on that row, an assignment's
history insert (shared lock) followed by the audit append (exclusive lock) deadlocked with
any other writer doing the same. No foreign key points at `audit_heads`, so locking a head
row waits only on other audit appends.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MYSQL_TABLE_OPTIONS = {
    "mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci",
}


def upgrade() -> None:
    op.create_table(
        "audit_heads",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("tenant_id"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.execute("INSERT INTO audit_heads (tenant_id, seq, head_hash) "
               "SELECT id, audit_seq, audit_head_hash FROM tenants")
    # recreate="never": SQLite (3.35+) drops a column in place; copying the table instead
    # would drop `tenants`, which every other table references.
    with op.batch_alter_table("tenants", recreate="never") as batch_op:
        batch_op.drop_column("audit_seq")
        batch_op.drop_column("audit_head_hash")


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.add_column(sa.Column("audit_seq", sa.BigInteger(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("audit_head_hash", sa.String(length=64), nullable=False,
                                      server_default=""))
    op.execute("UPDATE tenants SET audit_seq = (SELECT seq FROM audit_heads "
               "WHERE audit_heads.tenant_id = tenants.id), "
               "audit_head_hash = (SELECT head_hash FROM audit_heads "
               "WHERE audit_heads.tenant_id = tenants.id)")
    op.drop_table("audit_heads")
