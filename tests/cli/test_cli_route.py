"""`cli.py route` as cron runs it, on both backends, on the demo: in order the availability
grace, the SLA re-route of breached leads by the rules marked so, then the new leads by the
rules; a dry run prints all three and writes nothing; a second run moves nothing again; the
invariants hold."""

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.domain.clock import utcnow
from db.demo import seed_demo
from db.models import Agent, Assignment, AuditRow, Batch, Lead, TeamHours, Tenant
from tests.cli.test_cli import run_cli


def _counts(engine) -> tuple[int, int, int, int]:
    with Session(engine) as s:
        return (s.scalar(select(func.count()).select_from(Lead).where(Lead.status == "new")),
                s.scalar(select(func.count()).select_from(Assignment)),
                s.scalar(select(func.count()).select_from(Batch)),
                s.scalar(select(func.count()).select_from(AuditRow)))


def untouched_of_away_agents(engine, *, away_since) -> int:
    """acme's leads still assigned and never contacted, held by agents away or offline since
    `away_since` or earlier."""
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Lead).join(Agent, Agent.id == Lead.agent_id)
                        .join(Tenant, Tenant.id == Lead.tenant_id).where(
            Tenant.slug == "acme", Agent.availability.in_(["away", "offline"]), Lead.status == "assigned",
            Lead.first_contact_at.is_(None), Agent.availability_changed_at <= away_since))


def _number(line: str, before: str) -> int:
    return int(line.split(before)[0].split()[-1])


def test_route_releases_re_routes_then_places_and_a_dry_run_writes_nothing(engine, database_url):
    demo_clock = utcnow()
    seed_demo(engine, leads=400, agents=20, password_rounds=4, now=demo_clock)
    with engine.begin() as c:  # every team on shift: shifts are tested with a fixed clock elsewhere
        c.execute(delete(TeamHours))
    past_grace = demo_clock - timedelta(minutes=15)  # the demo's grace
    due = untouched_of_away_agents(engine, away_since=past_grace)
    kept = untouched_of_away_agents(engine, away_since=demo_clock) - due
    assert due > 0 and kept > 0  # the demo has agents away long enough, and some that just left
    before = _counts(engine)

    dry = run_cli("route", "--tenant", "acme", "--dry-run", url=database_url)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.strip().splitlines()
    assert lines[0].startswith(f"acme: grace: {due} untouched lead(s) of agents away or offline past the "
                               "grace period would return to routing (")
    sla = next(line for line in lines if line.startswith("acme: SLA: "))
    would_move = _number(sla, " breached lead(s) would move")
    assert would_move > 0 and dry.stdout.count(": would move from ") == would_move
    planned = _number(lines[-1], " planned (dry run: nothing was written)")
    assert planned > 0 and dry.stdout.count(": would go to ") == planned
    assert _counts(engine) == before

    done = run_cli("route", "--tenant", "acme", url=database_url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith(f"acme: grace: {due} untouched lead(s)")
    sla = next(line for line in lines if line.startswith("acme: SLA: "))
    moved = _number(sla, " breached lead(s) re-routed")
    assert moved == would_move and done.stdout.count(": first-contact SLA breached") == moved
    placed = _number(lines[-1], " placed")
    assert done.stdout.count(": assigned to ") == placed and placed > 0
    new, stretches, batches, _ = _counts(engine)
    # Three batches: the pass's grace release, its SLA re-routes and its routing run, each named.
    assert (new, stretches, batches) == (before[0] + due - placed, before[1] + moved + placed, before[2] + 3)
    with Session(engine) as s:
        kinds = dict(s.execute(select(Batch.kind, Batch.id)
                               .where(Batch.kind.in_(["grace_release", "sla_reroute", "routing"]))).all())
    assert lines[0].startswith(f"acme: grace: {due} untouched lead(s) of agents away or offline past the "
                               f"grace period returned to routing in batch {kinds['grace_release']} (")
    assert f" breached lead(s) re-routed in batch {kinds['sla_reroute']}, " in sla
    assert lines[-1].startswith(f"acme: {placed} placed in batch {kinds['routing']}, ")
    assert untouched_of_away_agents(engine, away_since=past_grace) == 0
    assert untouched_of_away_agents(engine, away_since=demo_clock) == kept  # still within the grace
    with Session(engine) as s:
        actions = dict(s.execute(select(AuditRow.action, func.count()).group_by(AuditRow.action)).all())
        notes = set(s.scalars(select(Assignment.note).where(Assignment.note.like("routed by rule %"))))
    assert (actions["lead.released"], actions["lead.sla_rerouted"]) == (due, moved)
    assert (actions["routing.released"], actions["routing.sla_rerouted"]) == (1, 1)
    assert notes and all(note.startswith("routed by rule '") for note in notes)

    again = run_cli("route", url=database_url)  # every tenant; nothing is moved twice
    assert again.returncode == 0, again.stderr
    assert "acme: grace: 0 untouched" in again.stdout
    assert "acme: SLA: 0 breached lead(s) re-routed" in again.stdout
    assert "globex: " in again.stdout
    assert run_cli("check", url=database_url).returncode == 0


def test_route_names_an_unknown_tenant(engine, database_url):
    seed_demo(engine, leads=10, agents=2, password_rounds=4, second_tenant=False)
    result = run_cli("route", "--tenant", "nope", url=database_url)
    assert result.returncode == 1 and "Tenant 'nope' does not exist" in result.stderr
