"""cli.py as an operator runs it: a real subprocess, real exit codes, real messages."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.demo import seed_demo
from db.models import Agent, Lead, Tenant, User
from tests.factories import make_tenant

CLI = Path(__file__).resolve().parents[2] / "cli.py"


def run_cli(*args: str, url: str | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if url:
        env["DATABASE_URL"] = url
    return subprocess.run([sys.executable, str(CLI), *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("init-db", "seed-demo", "create-tenant", "create-user", "unlock-user", "audit-verify",
                    "rescore", "check"):
        assert command in result.stdout
    assert run_cli("seed-demo", "--help").returncode == 0


def test_bad_arguments_exit_non_zero_with_usage():
    result = run_cli("create-user", "--tenant", "acme")
    assert result.returncode == 2 and "required" in result.stderr
    assert run_cli("no-such-command").returncode == 2


def test_unsupported_database_url_is_one_clear_line():
    result = run_cli("init-db", url="postgresql://u:p@localhost/db")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: DATABASE_URL scheme 'postgresql' is not supported")
    assert "Traceback" not in result.stderr


def test_unreachable_mysql_names_what_to_check():
    result = run_cli("init-db", url="mysql+pymysql://u:hunter2@127.0.0.1:1/leadops")
    assert result.returncode == 1 and "Cannot reach the database server" in result.stderr
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_seed_demo_then_refuses_to_seed_twice(engine, database_url):
    result = run_cli("seed-demo", "--leads", "150", "--agents", "8", url=database_url)
    assert result.returncode == 0, result.stderr
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead)) == 150 + 120
    again = run_cli("seed-demo", url=database_url)
    assert again.returncode == 1 and "already has data" in again.stderr
    verify = run_cli("audit-verify", url=database_url)
    assert verify.returncode == 0 and "intact" in verify.stdout


def test_create_user_reads_the_password_from_stdin(engine, database_url):
    make_tenant(engine, "acme")
    result = run_cli("create-user", "--tenant", "acme", "--username", "Ana.Ruiz", "--role",
                     "supervisor", "--name", "Ana Ruiz", url=database_url, stdin="long-enough\n")
    assert result.returncode == 0, result.stderr
    with Session(engine) as s:
        user = s.scalars(select(User).where(User.username == "ana.ruiz")).one()
    assert user.role == "supervisor" and user.password_hash.startswith("$2b$")
    duplicate = run_cli("create-user", "--tenant", "acme", "--username", "ana.ruiz", "--role",
                        "manager", url=database_url, stdin="long-enough\n")
    assert duplicate.returncode == 1 and "is taken" in duplicate.stderr


def test_create_user_in_unknown_tenant_writes_nothing(engine, database_url):
    result = run_cli("create-user", "--tenant", "nope", "--username", "x1", "--role", "admin",
                     url=database_url, stdin="long-enough\n")
    assert result.returncode == 1 and "Tenant 'nope' does not exist" in result.stderr
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Tenant)) == 0


def test_an_empty_database_gets_its_first_tenant_and_admin(engine, database_url):
    created = run_cli("create-tenant", "--slug", "northwind", "--name", "Northwind Sales",
                      url=database_url)
    assert created.returncode == 0, created.stderr
    again = run_cli("create-tenant", "--slug", "northwind", "--name", "Again", url=database_url)
    assert again.returncode == 1 and "exists already" in again.stderr
    admin = run_cli("create-user", "--tenant", "northwind", "--username", "boss", "--role", "admin",
                    url=database_url, stdin="long-enough\n")
    assert admin.returncode == 0, admin.stderr
    with Session(engine) as s:
        assert s.scalar(select(Tenant.name).where(Tenant.slug == "northwind")) == "Northwind Sales"


def test_check_passes_on_a_seeded_demo(engine, database_url):
    seed_demo(engine, leads=300, agents=10, password_rounds=4)
    result = run_cli("check", url=database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All invariants hold: 16 agents, 420 leads checked." in result.stdout
    assert "VIOLATION" not in result.stdout


def test_check_names_an_agent_whose_counter_is_corrupted(engine, database_url):
    seed_demo(engine, leads=300, agents=10, password_rounds=4)
    with Session(engine) as s, s.begin():
        agent = s.scalars(select(Agent).order_by(Agent.id).limit(1)).one()
        agent_id, name, stored = agent.id, agent.name, agent.open_leads
        s.execute(update(Agent).where(Agent.id == agent_id).values(open_leads=stored + 1))
    result = run_cli("check", url=database_url)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"VIOLATION tenant acme [counter_mismatch]: agent {agent_id} ({name}) "
        f"counter open_leads={stored + 1} but a recount finds {stored}")
    assert "1 violation(s), 0 warning(s): 16 agents, 420 leads checked." in result.stdout


def test_rescore_refreshes_components_of_every_tenant(engine, database_url):
    from db.demo import seed_demo

    seed_demo(engine, leads=60, agents=4, password_rounds=4, score=False)
    result = run_cli("rescore", "--refresh-components", url=database_url)
    assert result.returncode == 0, result.stderr
    assert "Rescored 60 leads of acme" in result.stdout and "Rescored 120 leads of globex" in result.stdout
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead).where(
            Lead.calculation_method != "weighted")) == 0
    unknown = run_cli("rescore", "--tenant", "nope", url=database_url)
    assert unknown.returncode == 1 and "Tenant 'nope' does not exist" in unknown.stderr


def test_unlock_user_lifts_a_lockout_as_the_operator(engine, database_url):
    from datetime import timedelta

    from core.domain.clock import utcnow
    from db.models import AuditRow
    from tests.factories import make_user

    tenant_id = make_tenant(engine, "acme")
    make_user(engine, tenant_id, "ana", "supervisor")
    with engine.begin() as c:
        c.execute(update(User).values(failed_logins=2, locked_until=utcnow() + timedelta(minutes=9)))
    result = run_cli("unlock-user", "--tenant", "acme", "--username", "ana", url=database_url)
    assert result.returncode == 0, result.stderr
    assert "Unlocked ana" in result.stdout
    with Session(engine) as s:
        assert s.execute(select(User.failed_logins, User.locked_until)).one() == (0, None)
        assert s.execute(select(AuditRow.action, AuditRow.actor_name)).one() == ("user.unlocked", "cli")
    other = make_tenant(engine, "globex")
    make_user(engine, other, "gus", "admin")
    refused = run_cli("unlock-user", "--tenant", "acme", "--username", "gus", url=database_url)
    assert refused.returncode == 1 and "User gus does not exist in your tenant" in refused.stderr
