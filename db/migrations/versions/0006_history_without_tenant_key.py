"""Score history names its tenant by id, without a foreign key.

A weights change writes a history row for nearly every lead of the tenant, and the key cost
each row a parent lookup and lock on the tenant: 0.4-1.1 s of a 13-14 s rescore of a million
leads on MariaDB (docs/benchmarks.md). Tenants are never deleted, and core scopes every read
of history by the acting user's tenant.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# SQLite's foreign keys have no names; batch mode names them by this convention (as in 0005).
SQLITE_NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
SQLITE_KEY = "fk_score_history_tenant_id_tenants"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("score_history", recreate="always",
                                  naming_convention=SQLITE_NAMING) as batch_op:
            batch_op.drop_constraint(SQLITE_KEY, type_="foreignkey")
        return
    for key in sa.inspect(op.get_bind()).get_foreign_keys("score_history"):
        if key["constrained_columns"] == ["tenant_id"]:
            op.drop_constraint(key["name"], "score_history", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("score_history", recreate="always",
                                  naming_convention=SQLITE_NAMING) as batch_op:
            batch_op.create_foreign_key(SQLITE_KEY, "tenants", ["tenant_id"], ["id"])
        return
    op.create_foreign_key(None, "score_history", "tenants", ["tenant_id"], ["id"])
