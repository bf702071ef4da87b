"""Storage: SQLAlchemy models, engine, unit of work, queries, migrations, demo data."""
