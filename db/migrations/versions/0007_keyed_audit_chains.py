"""Audit rows in many keyed chains per tenant, instead of one chain every write had to lock.

Every audit row gets its chain and the algorithm of its hash; the rows written so far become
chain 0 of their tenant, unkeyed SHA-256 as before (still verifiable). Each tenant gets chains
1-1024 for new rows, keyed with HMAC-SHA-256, and every head a MAC column. Heads made here
are not sealed yet: sealing needs the key, which a migration does not hold, so `cli.py init-db`
(and the app, for its embedded database) seals them right after upgrading
(db/audit_seal.py). docs/architecture.md, "Audit chains", says why.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CHAINS = 1024  # as core.domain.audit_chain.CHAINS was when this migration was written
GENESIS_HASH = "0" * 64
MYSQL_TABLE_OPTIONS = {
    "mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci",
}


def _create_heads_table(name: str) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.SmallInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("head_mac", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("tenant_id", "chain"),
        **MYSQL_TABLE_OPTIONS,
    )


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("chain", sa.SmallInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("algorithm", sa.String(length=16), nullable=False,
                                      server_default="sha256"))
        batch_op.drop_constraint("uq_audit_log_tenant_seq", type_="unique")
        batch_op.create_unique_constraint("uq_audit_log_chain_seq", ["tenant_id", "chain", "seq"])
    with op.batch_alter_table("audit_log") as batch_op:  # new rows always say both
        batch_op.alter_column("chain", server_default=None, existing_type=sa.SmallInteger(),
                              existing_nullable=False)
        batch_op.alter_column("algorithm", server_default=None, existing_type=sa.String(length=16),
                              existing_nullable=False)

    # A new table rather than a new primary key in place: the same steps on SQLite and MySQL.
    heads = _create_heads_table("audit_heads_keyed")
    op.execute("INSERT INTO audit_heads_keyed (tenant_id, chain, seq, head_hash, head_mac) "
               "SELECT tenant_id, 0, seq, head_hash, NULL FROM audit_heads")
    tenant_ids = [row[0] for row in op.get_bind().execute(sa.text("SELECT id FROM tenants"))]
    op.bulk_insert(heads, [
        {"tenant_id": tenant_id, "chain": chain, "seq": 0, "head_hash": GENESIS_HASH, "head_mac": None}
        for tenant_id in tenant_ids for chain in range(1, CHAINS + 1)])
    op.drop_table("audit_heads")
    op.rename_table("audit_heads_keyed", "audit_heads")


def downgrade() -> None:
    bind = op.get_bind()
    keyed = bind.execute(sa.text("SELECT COUNT(*) FROM audit_log WHERE chain <> 0")).scalar()
    if keyed:
        raise RuntimeError(f"{keyed} audit rows were written in keyed chains; going back to one "
                           "unkeyed chain per tenant would make them unverifiable. Not downgraded.")
    op.create_table(
        "audit_heads_single",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("tenant_id"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.execute("INSERT INTO audit_heads_single (tenant_id, seq, head_hash) "
               "SELECT tenant_id, seq, head_hash FROM audit_heads WHERE chain = 0")
    op.drop_table("audit_heads")
    op.rename_table("audit_heads_single", "audit_heads")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_constraint("uq_audit_log_chain_seq", type_="unique")
        batch_op.create_unique_constraint("uq_audit_log_tenant_seq", ["tenant_id", "seq"])
        batch_op.drop_column("algorithm")
        batch_op.drop_column("chain")
