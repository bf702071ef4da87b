"""cli.py sla-sweep: the availability grace for cron, on the demo."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.clock import utcnow
from db.demo import seed_demo
from db.models import Agent, AuditRow, Lead, Tenant
from tests.cli.test_cli import run_cli


def untouched_of_away_agents(engine, *, away_since) -> int:
    """acme's leads still assigned and never contacted, held by agents away or offline since
    `away_since` or earlier."""
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Lead).join(Agent, Agent.id == Lead.agent_id)
                        .join(Tenant, Tenant.id == Lead.tenant_id).where(
            Tenant.slug == "acme", Agent.availability.in_(["away", "offline"]), Lead.status == "assigned",
            Lead.first_contact_at.is_(None), Agent.availability_changed_at <= away_since))


def test_sla_sweep_returns_the_untouched_leads_of_agents_away_past_the_grace(engine, database_url):
    demo_clock = utcnow()
    seed_demo(engine, leads=400, agents=20, password_rounds=4, now=demo_clock)
    past_grace = demo_clock - timedelta(minutes=15)  # the demo's grace
    due = untouched_of_away_agents(engine, away_since=past_grace)
    kept = untouched_of_away_agents(engine, away_since=demo_clock) - due
    assert due > 0 and kept > 0  # the demo has agents away long enough, and some that just left
    result = run_cli("sla-sweep", "--tenant", "acme", url=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"acme: {due} untouched lead(s) of agents away or offline past")
    assert "open SLA breach(es)" in result.stdout
    assert untouched_of_away_agents(engine, away_since=past_grace) == 0
    assert untouched_of_away_agents(engine, away_since=demo_clock) == kept  # still within the grace
    with Session(engine) as s:
        released = select(func.count()).select_from(AuditRow).where(AuditRow.action == "lead.released")
        assert s.scalar(released) == due
    again = run_cli("sla-sweep", url=database_url)
    assert again.returncode == 0 and "acme: 0 untouched" in again.stdout and "globex:" in again.stdout
    assert run_cli("check", url=database_url).returncode == 0
