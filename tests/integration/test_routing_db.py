"""Routing on a real database, both backends: on arrival after an import, and runs racing
each other and a supervisor's bulk run (no lead placed twice, no capacity breach)."""

import threading
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import retry
from core.bulk.assign import AgentScope, BulkPlan, BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.import_file import default_mapping, read_import_file
from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Role
from core.domain.placement import Strategy
from core.domain.routing import RuleSpec
from core.routing import run as routing_run
from core.routing.arrival import import_and_route
from core.routing.rules import add_rule
from core.routing.run import run_routing
from db.audit_verify import verify_audit_chains
from db.invariants import find_violations
from db.models import Agent, Assignment, AuditRow, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user


@pytest.fixture
def world(engine):
    tenant = make_tenant(engine, "acme")
    supervisor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    admin = Actor(make_user(engine, tenant, "adm", "admin"), "adm", "Adm", tenant, Role.ADMIN)
    return SimpleNamespace(engine=engine, tenant=tenant, supervisor=supervisor, admin=admin,
                           new_uow=lambda: SqlUnitOfWork(engine))


def test_imported_leads_are_routed_on_arrival_with_the_rule_named_in_their_history(world):
    sales = make_agent(world.engine, world.tenant, "Sal", team="Sales")
    make_agent(world.engine, world.tenant, "Nora", team="North")
    add_rule(world.new_uow(), world.admin, RuleSpec("Event leads", sources=("event",), teams=("Sales",),
                                                    on_arrival=True))
    add_rule(world.new_uow(), world.admin, RuleSpec("Website leads later", sources=("website",)))
    file = read_import_file(b"name,email,source\nEve,eve@example.com,event\nWes,wes@example.com,website\n"
                            b"Eva,eva@example.com,event\n")
    result = import_and_route(world.new_uow, world.supervisor, file, default_mapping(file.columns),
                              all_or_nothing=False)
    assert (result.imported, result.routed) == (3, 2) and result.routing_batch_id
    with Session(world.engine) as s:
        leads = dict(s.execute(select(Lead.name, Lead.agent_id)).all())
        notes = s.execute(select(Lead.name, Assignment.note, Assignment.batch_id)
                          .join(Assignment, Assignment.lead_id == Lead.id).order_by(Lead.name)).all()
    assert leads == {"Eve": sales, "Eva": sales, "Wes": None}  # the website rule waits for cron
    assert [tuple(n) for n in notes] == [("Eva", "routed by rule 'Event leads'", result.routing_batch_id),
                                         ("Eve", "routed by rule 'Event leads'", result.routing_batch_id)]
    later = run_routing(world.new_uow, world.supervisor)
    assert [r.lead_id for r in later.placed] and find_violations(world.engine) == []


RUNS, LEADS, AGENTS, CAPACITY = 3, 240, 8, 20


def test_routing_runs_racing_each_other_and_a_bulk_run_place_no_lead_twice_nor_overfill(world, monkeypatch):
    monkeypatch.setattr(retry, "time", SimpleNamespace(sleep=lambda seconds: None))
    monkeypatch.setattr(routing_run, "CHUNK", 40)  # several chunks per run: in lanes on MySQL
    for i in range(AGENTS):
        make_agent(world.engine, world.tenant, f"Agent {i}", max_capacity=CAPACITY, team="Sales")
    for i in range(LEADS):
        make_lead(world.engine, world.tenant, f"Lead {i}", source="website")
    add_rule(world.new_uow(), world.admin, RuleSpec("Everything", strategy=Strategy.ROUND_ROBIN))
    start, failures = threading.Barrier(RUNS + 1), []

    def route() -> None:
        start.wait()
        try:
            run_routing(world.new_uow, world.supervisor)
        except LeadOpsError as exc:  # a refusal is allowed; a crash or a breach is not
            failures.append(exc.message)

    def bulk() -> None:
        request = BulkRequest(Strategy.LEAST_LOADED, LeadFilters(statuses=("new",)), limit=200,
                              scope=AgentScope(teams=("Sales",)))
        plan = plan_bulk_assign(world.new_uow(), world.supervisor, request)
        start.wait()
        for _ in range(3):  # the data moves under it: commit re-plans, as a person would retry
            outcome = commit_bulk_assign(world.new_uow, world.supervisor, plan)
            if not isinstance(outcome, BulkPlan) or not outcome.placed:
                return
            plan = outcome

    threads = [threading.Thread(target=route) for _ in range(RUNS - 1)] + [threading.Thread(target=bulk)]
    for thread in threads:
        thread.start()
    route_once_more = threading.Thread(target=route)
    route_once_more.start()
    for thread in [*threads, route_once_more]:
        thread.join(timeout=120)
    with Session(world.engine) as s:
        stretches = s.execute(select(Assignment.lead_id, func.count()).group_by(Assignment.lead_id)).all()
        assigned = s.scalar(select(func.count()).select_from(Lead).where(Lead.status == "assigned"))
        loads = s.execute(select(Agent.open_leads, Agent.max_capacity)).all()
        audited = s.scalar(select(func.count()).select_from(AuditRow)
                           .where(AuditRow.action == "lead.assigned"))
    assert all(count == 1 for _, count in stretches)          # no lead placed twice
    assert assigned == len(stretches) == audited == AGENTS * CAPACITY  # every slot filled once
    assert all(open_leads <= capacity for open_leads, capacity in loads)
    assert find_violations(world.engine) == []
    assert verify_audit_chains(world.engine)[1] == []
    assert not [f for f in failures if "busy" not in f], failures


def test_a_run_skips_leads_another_transaction_holds_instead_of_waiting_for_them(world):
    if world.engine.dialect.name != "mysql":
        pytest.skip("SQLite has one writer at a time: there is no row lock to skip")
    make_agent(world.engine, world.tenant, "Sal", team="Sales", max_capacity=50)
    leads = [make_lead(world.engine, world.tenant, f"Lead {i}") for i in range(6)]
    add_rule(world.new_uow(), world.admin, RuleSpec("Everything"))
    with world.engine.connect() as holder:  # a supervisor's transaction, in the middle of its work
        for held in leads[:2]:  # by primary key, as a single assignment locks its lead
            holder.execute(select(Lead.id).where(Lead.id == held).with_for_update())
        started = time.perf_counter()
        result = run_routing(world.new_uow, world.supervisor)
        waited = time.perf_counter() - started
        holder.rollback()
    assert waited < 5  # waiting would take the server's lock wait timeout (10 s here, 50 s by default)
    assert sorted(r.lead_id for r in result.placed) == leads[2:]
    assert sorted(r.lead_id for r in result.left) == leads[:2]
    assert all("taken by someone else at the same moment" in r.why for r in result.left)
    again = run_routing(world.new_uow, world.supervisor)  # the next run places them
    assert sorted(r.lead_id for r in again.placed) == leads[:2]


def test_a_run_longer_than_a_chunk_writes_in_two_lanes_on_mysql_each_agent_in_one(world, monkeypatch):
    monkeypatch.setattr(routing_run, "CHUNK", 10)
    agents = [make_agent(world.engine, world.tenant, f"Agent {i}", max_capacity=20) for i in range(6)]
    leads = [make_lead(world.engine, world.tenant, f"Lead {i}") for i in range(75)]
    add_rule(world.new_uow(), world.admin, RuleSpec("Everything", strategy=Strategy.LEAST_LOADED))
    chunks: list[tuple[str, set[int]]] = []
    apply_chunk = routing_run._apply_chunk

    def spied(uow, actor, todo, *args):
        chunks.append((threading.current_thread().name, {planned.agent_id for _, planned in todo}))
        return apply_chunk(uow, actor, todo, *args)

    monkeypatch.setattr(routing_run, "_apply_chunk", spied)
    result = run_routing(world.new_uow, world.supervisor)
    lanes: dict[str, set[int]] = {}
    for thread, agent_ids in chunks:
        lanes.setdefault(thread, set()).update(agent_ids)
    if world.engine.dialect.name == "mysql":
        assert len(lanes) == 2 and not set.intersection(*lanes.values())  # no agent in both lanes
        assert threading.current_thread().name not in lanes
    else:  # one writer: the caller's thread, chunk after chunk
        assert list(lanes) == [threading.current_thread().name]
    assert sorted(r.lead_id for r in result.placed) == leads and result.left == []
    with Session(world.engine) as s:
        loads = dict(s.execute(select(Agent.id, Agent.open_leads)).all())
        items = s.scalar(select(func.count()).select_from(Assignment)
                         .where(Assignment.batch_id == result.batch_id))
    assert sorted(loads[a] for a in agents) == [12, 12, 12, 13, 13, 13] and items == 75
    assert find_violations(world.engine) == [] and verify_audit_chains(world.engine)[1] == []
