"""The migrations build the schema operators rely on, and agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from db.migrate import current_revision, head_revision
from db.models import Base

NAMED_TABLES = {
    "tenants", "users", "agents", "leads", "lead_activities", "assignments", "scoring_weights",
    "score_history", "points_ledger", "badges", "audit_log",
}
LEAD_COLUMNS = {
    "tenant_id", "agent_id", "status", "source", "required_skill", "source_quality_score",
    "engagement_score", "conversion_probability", "urgency_score", "overall_score",
    "score_category", "previous_score", "score_change", "last_calculated", "calculation_method",
    "due_date", "weights_version_id", "email", "phone", "company", "name",
}


def test_migrations_create_every_named_table(engine):
    assert NAMED_TABLES <= set(inspect(engine).get_table_names())
    assert current_revision(engine) == head_revision()


def test_leads_and_agents_carry_the_published_column_names(engine):
    inspector = inspect(engine)
    assert LEAD_COLUMNS <= {c["name"] for c in inspector.get_columns("leads")}
    assert {"max_capacity", "availability", "skills", "open_leads"} <= {
        c["name"] for c in inspector.get_columns("agents")
    }


def test_pages_queries_have_their_indexes(engine):
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("leads")}
    assert indexes["ix_leads_tenant_agent_status"] == ["tenant_id", "agent_id", "status"]
    assert indexes["ix_leads_tenant_score"] == ["tenant_id", "overall_score", "id", "score_category"]
    assert indexes["ix_leads_tenant_status_category"] == ["tenant_id", "status", "score_category", "agent_id"]
    # Rescoring a tenant moves every changed lead in each index that holds its score or
    # change (docs/benchmarks.md): the pages are served by this one.
    holding_scores = {name for name, columns in indexes.items()
                      if {"overall_score", "score_change", "previous_score"} & set(columns)}
    assert holding_scores == {"ix_leads_tenant_score"}


def _for_this_dialect(dialect: str):
    """Alembic ignores an index's `ddl_if(dialect=…)`: leave out those meant for another server
    (the audit log's FULLTEXT index is MySQL/MariaDB's only)."""
    def include(obj, name, type_, reflected, compare_to):
        ddl_if = getattr(obj, "_ddl_if", None)
        return ddl_if is None or ddl_if.dialect is None or ddl_if.dialect == dialect
    return include


def test_models_match_the_migrated_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": _for_this_dialect(connection.dialect.name)})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_the_audit_log_has_an_index_for_each_filter_in_time_order(engine):
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("audit_log")}
    for name, filter_columns in {"ix_audit_log_tenant_time": [], "ix_audit_log_actor": ["actor_name"],
                                 "ix_audit_log_action": ["action"],
                                 "ix_audit_log_entity": ["entity_type", "entity_id"],
                                 "ix_audit_log_batch": ["batch_id"]}.items():
        assert indexes[name] == ["tenant_id", *filter_columns, "at", "id"]
    if engine.dialect.name == "mysql":
        assert indexes["ix_audit_log_reason"] == ["reason"]
