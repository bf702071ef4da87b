"""`cli.py route` as cron runs it, on both backends: the demo's rules place leads, a dry run
writes nothing, a second run finds nothing more, and the invariants hold."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.demo import seed_demo
from db.models import Assignment, Batch, Lead
from tests.cli.test_cli import run_cli


def _counts(engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return (s.scalar(select(func.count()).select_from(Lead).where(Lead.status == "new")),
                s.scalar(select(func.count()).select_from(Assignment)),
                s.scalar(select(func.count()).select_from(Batch)))


def test_route_dry_run_plans_then_route_places_by_the_demo_rules(engine, database_url):
    seed_demo(engine, leads=400, agents=16, password_rounds=4)
    before = _counts(engine)
    dry = run_cli("route", "--tenant", "acme", "--dry-run", url=database_url)
    assert dry.returncode == 0, dry.stderr
    planned = int(dry.stdout.strip().splitlines()[-1].split(": ")[1].split(" planned")[0])
    assert planned > 0 and dry.stdout.count(": would go to ") == planned
    assert "(dry run: nothing was written)" in dry.stdout
    assert _counts(engine) == before

    done = run_cli("route", "--tenant", "acme", url=database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": assigned to ") == planned
    left = int(done.stdout.strip().splitlines()[-1].split(", ")[-1].split(" left")[0])
    assert done.stdout.count(": not placed: ") == left
    new, stretches, batches = _counts(engine)
    assert (new, stretches, batches) == (before[0] - planned, before[1] + planned, before[2] + 1)
    with Session(engine) as s:
        notes = set(s.scalars(select(Assignment.note).where(Assignment.note.like("routed by rule %"))))
        kinds = set(s.scalars(select(Batch.kind)))
    assert notes and all(note.startswith("routed by rule '") for note in notes)
    assert "routing" in kinds

    again = run_cli("route", url=database_url)  # every tenant; nothing more fits the acme rules
    assert again.returncode == 0 and "acme: 0 placed, " in again.stdout and "globex: 0 placed" in again.stdout
    assert run_cli("check", url=database_url).returncode == 0


def test_route_names_an_unknown_tenant(engine, database_url):
    seed_demo(engine, leads=10, agents=2, password_rounds=4, second_tenant=False)
    result = run_cli("route", "--tenant", "nope", url=database_url)
    assert result.returncode == 1 and "Tenant 'nope' does not exist" in result.stderr
