"""A command run against a database without LeadOps' schema, or with an older one, says so and
what to run, instead of "the database refused the request"."""

from db.engine import create_database_engine
from db.migrate import head_revision, upgrade
from tests.cli.test_cli import run_cli

SCHEMA_COMMANDS = (("route",), ("check",), ("rescore",), ("audit-verify",))


def test_a_command_on_a_database_without_the_schema_says_how_to_create_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'never-migrated.db'}"
    for command in SCHEMA_COMMANDS:
        result = run_cli(*command, url=url)
        assert result.returncode == 1, (command, result.stdout)
        assert "has no LeadOps schema yet" in result.stderr, (command, result.stderr)
        for remedy in ("python cli.py init-db", "python cli.py seed-demo"):
            assert remedy in result.stderr
        assert "Traceback" not in result.stderr and "refused the request" not in result.stderr


def test_a_command_on_an_older_schema_says_to_upgrade_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'older.db'}"
    engine = create_database_engine(url)
    upgrade(engine, "0015")
    engine.dispose()
    result = run_cli("route", url=url)
    assert result.returncode == 1
    assert "schema revision 0015" in result.stderr and f"needs {head_revision()}" in result.stderr
    assert "python cli.py init-db" in result.stderr and "Traceback" not in result.stderr


def test_init_db_and_seed_demo_still_create_the_schema_themselves(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert run_cli("init-db", url=url).returncode == 0
    assert run_cli("route", url=url).returncode == 0  # migrated, empty: nothing to route
    seeded = f"sqlite:///{tmp_path / 'demo.db'}"
    result = run_cli("seed-demo", "--leads", "50", "--agents", "5", url=seeded)
    assert result.returncode == 0, result.stderr
