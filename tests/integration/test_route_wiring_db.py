"""Routing and the SLA work together on a real database, both backends, with a fixed clock:
team hours in the tenant's zone keep off-shift agents out of routing; `route_tenant` (what
`cli.py route` runs) releases past the grace, re-routes a breached lead once, then routes."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.bulk.batches import recent_batches
from core.bulk.undo import undo_batch
from core.domain.batches import BatchKind
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.routing import RuleSpec
from core.domain.sla import GRACE_RELEASE_REASON, SLA_REROUTE_REASON, SlaSettings
from core.domain.vocabulary import Availability
from core.domain.working_hours import interval
from core.routing.cycle import route_tenant
from core.routing.rules import add_rule
from core.routing.run import run_routing
from core.sla.settings import save_sla_settings, save_team_hours
from db.audit_verify import verify_audit_chains
from db.invariants import find_violations
from db.models import Agent, Assignment, AuditRow, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user

NOW = datetime(2026, 3, 2, 15, 1)          # a Monday: 16:01 in Berlin
EVENING = datetime(2026, 3, 2, 16, 30)     # 17:30 in Berlin


@pytest.fixture
def world(engine):
    tenant = make_tenant(engine, "acme")
    admin = Actor(make_user(engine, tenant, "adm", "admin"), "adm", "Adm", tenant, Role.ADMIN)
    ana = make_agent(engine, tenant, "Ana Ruiz", team="North")
    bo = make_agent(engine, tenant, "Bo Lin", team="South")
    new_uow = lambda: SqlUnitOfWork(engine)  # noqa: E731
    save_sla_settings(new_uow(), admin, settings=SlaSettings(time_zone="Europe/Berlin"),
                      expected_version=0, now=NOW)
    save_team_hours(new_uow(), admin, team="North", hours=[interval("Mon", "09:00", "17:00")],
                    expected_version=1, now=NOW)
    save_team_hours(new_uow(), admin, team="South", hours=[interval("Mon", "17:00", "23:00")],
                    expected_version=2, now=NOW)
    return dict(engine=engine, tenant=tenant, admin=admin, ana=ana, bo=bo, new_uow=new_uow)


def agents_of(engine, lead_ids):
    with Session(engine) as s:
        found = dict(s.execute(select(Lead.id, Lead.agent_id).where(Lead.id.in_(lead_ids))).all())
    return [found[i] for i in lead_ids]


def healthy(engine) -> bool:
    return find_violations(engine) == [] and verify_audit_chains(engine)[1] == []


def test_off_shift_agents_get_no_routed_leads_by_the_team_hours_in_the_tenant_zone(world):
    engine, admin = world["engine"], world["admin"]
    add_rule(world["new_uow"](), admin, RuleSpec("South first", teams=("South",)))
    add_rule(world["new_uow"](), admin, RuleSpec("North after"))
    first = [make_lead(engine, world["tenant"], f"Lead {n}") for n in range(3)]
    run = run_routing(world["new_uow"], admin, now=NOW)  # 16:01 Berlin: North works, South not
    assert agents_of(engine, first) == [world["ana"]] * 3
    assert run.plan.outcomes[0].passed_on[0].why == (
        "No agent of South is on shift now (team hours on the SLAs & hours page).")

    later = [make_lead(engine, world["tenant"], f"Later {n}") for n in range(2)]
    run_routing(world["new_uow"], admin, now=EVENING)  # 17:30 Berlin: South works, North not
    assert agents_of(engine, later) == [world["bo"]] * 2
    assert healthy(engine)


def test_route_releases_past_the_grace_re_routes_a_breached_lead_once_then_routes(world):
    engine, admin, ana, bo = world["engine"], world["admin"], world["ana"], world["bo"]
    carla = make_agent(engine, world["tenant"], "Carla Away", team="North", open_leads=1)
    breached = make_lead(engine, world["tenant"], "Breached", status="assigned", agent_id=ana)
    untouched = make_lead(engine, world["tenant"], "Untouched", status="assigned", agent_id=carla)
    with engine.begin() as c:
        c.execute(update(Agent).where(Agent.id == ana).values(open_leads=1))
        c.execute(update(Agent).where(Agent.id == carla).values(
            availability=Availability.AWAY.value, availability_changed_at=NOW - timedelta(minutes=30)))
        c.execute(update(Lead).where(Lead.id.in_([breached, untouched])).values(
            score_category="hot", assigned_at=NOW - timedelta(minutes=20)))
    add_rule(world["new_uow"](), admin, RuleSpec("Everyone", reroute_breached=True))

    dry = route_tenant(world["new_uow"], admin, dry_run=True, now=EVENING)
    assert dry.released.released == (("Carla Away", 1),)
    assert [(m.lead_id, m.to_agent_id) for m in dry.rerouted.moved] == [(breached, bo)]
    assert agents_of(engine, [breached, untouched]) == [ana, carla]  # nothing written

    cycle = route_tenant(world["new_uow"], admin, now=EVENING)  # South on shift at 17:30 Berlin
    assert cycle.released.total == 1 and [m.lead_id for m in cycle.rerouted.moved] == [breached]
    assert [r.lead_id for r in cycle.routed.placed] == [untouched]  # released, routed the same run
    assert agents_of(engine, [breached, untouched]) == [bo, bo]
    with Session(engine) as s:
        note = s.scalar(select(Assignment.note).where(Assignment.lead_id == breached,
                                                      Assignment.ended_at.is_(None)))
        reasons = dict(s.execute(select(AuditRow.action, AuditRow.reason).where(
            AuditRow.action.in_(["lead.sla_rerouted", "lead.released"]))).all())
    assert note == SLA_REROUTE_REASON
    assert reasons == {"lead.sla_rerouted": SLA_REROUTE_REASON, "lead.released": GRACE_RELEASE_REASON}

    again = route_tenant(world["new_uow"], admin, now=EVENING + timedelta(hours=1))  # Bo's SLA ran out
    assert again.rerouted.moved == [] and agents_of(engine, [breached]) == [bo]  # at most once
    assert healthy(engine)


def ana_s_breached_lead_and_a_re_routing_rule(world) -> int:
    """A hot lead Ana has held for 20 minutes uncontacted (past the hot SLA), and a rule that
    re-routes breached leads."""
    engine, ana = world["engine"], world["ana"]
    breached = make_lead(engine, world["tenant"], "Breached", status="assigned", agent_id=ana)
    with engine.begin() as c:
        c.execute(update(Agent).where(Agent.id == ana).values(open_leads=1))
        c.execute(update(Lead).where(Lead.id == breached).values(
            score_category="hot", assigned_at=NOW - timedelta(minutes=20)))
    add_rule(world["new_uow"](), world["admin"], RuleSpec("Everyone", reroute_breached=True))
    return breached


def test_a_pass_of_sla_re_routes_is_a_batch_undone_back_to_the_first_agent(world):
    engine, admin, ana, bo = world["engine"], world["admin"], world["ana"], world["bo"]
    breached = ana_s_breached_lead_and_a_re_routing_rule(world)
    cycle = route_tenant(world["new_uow"], admin, now=EVENING)
    batch_id = cycle.rerouted.batch_id
    assert agents_of(engine, [breached]) == [bo] and batch_id is not None
    [status] = [s for s in recent_batches(world["new_uow"](), admin) if s.batch.id == batch_id]
    assert (status.batch.kind, status.batch.leads_changed, status.undoable) == (
        BatchKind.SLA_REROUTE, 1, True)

    undone = undo_batch(world["new_uow"], admin, batch_id)
    assert (undone.reverted, undone.blocked) == (1, [])
    assert agents_of(engine, [breached]) == [ana]
    with Session(engine) as s:
        rows = s.execute(select(AuditRow.action, AuditRow.batch_id, AuditRow.reason)
                         .where(AuditRow.batch_id.in_([batch_id, undone.undo_batch_id]))
                         .order_by(AuditRow.id)).all()
        opens = dict(s.execute(select(Agent.id, Agent.open_leads).where(Agent.id.in_([ana, bo]))).all())
        marked = s.scalar(select(Lead.sla_rerouted_at).where(Lead.id == breached))
    assert [tuple(r) for r in rows] == [
        ("lead.sla_rerouted", batch_id, SLA_REROUTE_REASON), ("routing.sla_rerouted", batch_id, None),
        ("lead.reassigned", undone.undo_batch_id, f"undo of batch {batch_id}"),
        ("bulk.undone", undone.undo_batch_id, None)]
    assert opens == {ana: 1, bo: 0} and marked is not None  # its re-route stays used
    again = route_tenant(world["new_uow"], admin, now=EVENING + timedelta(hours=1))
    assert again.rerouted.moved == [] and agents_of(engine, [breached]) == [ana]
    assert healthy(engine)


def test_undo_of_sla_re_routes_is_refused_while_the_first_agent_is_full(world):
    engine, admin, ana, bo = world["engine"], world["admin"], world["ana"], world["bo"]
    breached = ana_s_breached_lead_and_a_re_routing_rule(world)
    batch_id = route_tenant(world["new_uow"], admin, now=EVENING).rerouted.batch_id
    with engine.begin() as c:
        c.execute(update(Agent).where(Agent.id == ana).values(max_capacity=0))
    refused = undo_batch(world["new_uow"], admin, batch_id)
    assert refused.undo_batch_id is None and refused.reverted == 0
    assert [r.why for r in refused.blocked] == [
        f"Lead #{breached} cannot go back: Ana Ruiz is full: 0 of 0 open leads."]
    assert agents_of(engine, [breached]) == [bo] and healthy(engine)
