"""Less work per rescored lead: one score index, fewer foreign keys, the previous category
kept on the lead.

Rescoring a tenant is bounded by the index entries each changed score moves. Risers and
fallers lose their index (the leaderboard reads them with its whole-tenant figures, which it
keeps for a minute), and new-leads-by-score reads the all-status score index, skipping other
statuses. The lead's weights version, and score history's lead and weights version, lose
their foreign keys and the indexes InnoDB made for them: each rescored lead paid an index
entry and a parent lookup for each, and neither leads nor versions are ever deleted. The lead
keeps its previous category, so a chunk's history rows are copied from the rows just updated
instead of computed twice.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

HISTORY_REFERENCES = {"lead_id": "leads", "weights_version_id": "scoring_weights"}
LEAD_REFERENCES = {"weights_version_id": "scoring_weights"}
# SQLite's foreign keys have no names; batch mode names them by this convention to drop them.
SQLITE_NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade() -> None:
    op.drop_index("ix_leads_tenant_score_change", table_name="leads")
    op.drop_index("ix_leads_tenant_status_score", table_name="leads")
    op.add_column("leads", sa.Column("previous_category", sa.String(length=8), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_foreign_keys("score_history", HISTORY_REFERENCES)
        _drop_sqlite_foreign_keys("leads", LEAD_REFERENCES)
    else:
        _drop_mysql_foreign_keys("score_history", HISTORY_REFERENCES)
        _drop_mysql_foreign_keys("leads", LEAD_REFERENCES)


def _drop_sqlite_foreign_keys(table: str, references: dict[str, str]) -> None:
    # SQLite drops a foreign key only by copying the table (db.migrate turns its keys off).
    with op.batch_alter_table(table, recreate="always", naming_convention=SQLITE_NAMING) as batch_op:
        for column, parent in references.items():
            batch_op.drop_constraint(f"fk_{table}_{column}_{parent}", type_="foreignkey")


def _drop_mysql_foreign_keys(table: str, references: dict[str, str]) -> None:
    inspector = sa.inspect(op.get_bind())
    for key in inspector.get_foreign_keys(table):
        if key["constrained_columns"] in ([column] for column in references):
            op.drop_constraint(key["name"], table, type_="foreignkey")
    for index in inspector.get_indexes(table):  # the ones InnoDB made for the keys
        if index["column_names"] in ([column] for column in references):
            op.drop_index(index["name"], table_name=table)


def downgrade() -> None:
    for table, references in (("score_history", HISTORY_REFERENCES), ("leads", LEAD_REFERENCES)):
        if op.get_bind().dialect.name == "sqlite":
            with op.batch_alter_table(table, recreate="always",
                                      naming_convention=SQLITE_NAMING) as batch_op:
                for column, parent in references.items():
                    batch_op.create_foreign_key(f"fk_{table}_{column}_{parent}", parent,
                                                [column], ["id"])
        else:
            for column, parent in references.items():
                op.create_foreign_key(None, table, parent, [column], ["id"])
    with op.batch_alter_table("leads", recreate="never") as batch_op:  # SQLite 3.35+: in place
        batch_op.drop_column("previous_category")
    op.create_index("ix_leads_tenant_status_score", "leads",
                    ["tenant_id", "status", sa.text("overall_score DESC")])
    op.create_index("ix_leads_tenant_score_change", "leads", ["tenant_id", "score_change"])
