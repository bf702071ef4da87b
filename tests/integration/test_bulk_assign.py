"""Bulk assignment on a real database: strategies, preview = commit, re-plan, undo."""

import threading

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.bulk import assign_commit
from core.bulk.assign import AgentScope, BulkPlan, BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.undo import undo_batch
from core.bulk.update import LeadChange, bulk_update
from core.domain.errors import PermissionDenied, RuleViolation
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Role
from core.domain.placement import Strategy
from core.leads import lifecycle
from db.invariants import find_violations
from db.models import Agent, AuditRow, Batch, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user

NEW = LeadFilters(statuses=("new",))


@pytest.fixture
def world(engine):
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    agents = {
        "ana": make_agent(engine, tenant, "Ana", max_capacity=4, open_leads=0),
        "bo": make_agent(engine, tenant, "Bo", max_capacity=4, open_leads=0, skills={"sales", "spanish"}),
        "cy": make_agent(engine, tenant, "Cy", max_capacity=10, open_leads=0),
    }
    leads = [make_lead(engine, tenant, f"Lead {i}") for i in range(12)]
    return dict(engine=engine, actor=actor, agents=agents, leads=leads, tenant=tenant)


def uow_factory(world):
    return lambda: SqlUnitOfWork(world["engine"])


def plan(world, **changes) -> BulkPlan:
    request = BulkRequest(**({"strategy": Strategy.LEAST_LOADED, "filters": NEW, "limit": 100} | changes))
    return plan_bulk_assign(SqlUnitOfWork(world["engine"]), world["actor"], request)


def agent_of(engine, lead_id):
    with Session(engine) as s:
        return s.scalar(select(Lead.agent_id).where(Lead.id == lead_id))


def test_least_loaded_fills_most_free_first_and_commit_matches_the_preview(world):
    preview = plan(world)
    first_three = [agent for _, agent in preview.placed[:3]]
    assert first_three[0] == world["agents"]["cy"]  # 10 free beats 4 free
    assert len(preview.placed) == 12 and preview.unplaced == []
    assert max(preview.load_after().values()) <= 10
    result = commit_bulk_assign(uow_factory(world), world["actor"], preview)
    assert result.assigned == 12 and result.refused == []
    assert {lead: agent_of(world["engine"], lead) for lead, _ in preview.placed} == dict(preview.placed)
    assert find_violations(world["engine"]) == []
    with Session(world["engine"]) as s:
        audited = s.scalar(select(func.count()).select_from(AuditRow).where(
            AuditRow.batch_id == result.batch_id, AuditRow.action == "lead.assigned"))
    assert audited == 12


def test_leads_beyond_total_capacity_are_reported_with_why(world):
    for i in range(10):
        make_lead(world["engine"], world["tenant"], f"Extra {i}")
    preview = plan(world)
    assert len(preview.placed) == 18 and len(preview.unplaced) == 4
    assert {why for _, why in preview.unplaced} == {"Every eligible agent is full or unavailable."}


def test_round_robin_resumes_where_the_last_run_stopped(world):
    first = plan(world, strategy=Strategy.ROUND_ROBIN, limit=2)
    ana, bo, cy = world["agents"]["ana"], world["agents"]["bo"], world["agents"]["cy"]
    assert [a for _, a in first.placed] == [ana, bo]
    commit_bulk_assign(uow_factory(world), world["actor"], first)
    second = plan(world, strategy=Strategy.ROUND_ROBIN, limit=2)
    assert [a for _, a in second.placed] == [cy, ana]


def test_skills_strategy_and_missing_skill(world):
    e = world["engine"]
    with e.begin() as c:
        c.execute(update(Lead).where(Lead.id.in_(world["leads"][:2])).values(required_skill="spanish"))
        c.execute(update(Lead).where(Lead.id == world["leads"][2]).values(required_skill="enterprise"))
    preview = plan(world, strategy=Strategy.SKILLS)
    placed = dict(preview.placed)
    assert placed[world["leads"][0]] == placed[world["leads"][1]] == world["agents"]["bo"]
    assert dict(preview.unplaced)[world["leads"][2]] == "No agent in this run has skill enterprise."


def test_performance_gives_the_best_lead_to_the_best_performer(world):
    e, cy = world["engine"], world["agents"]["cy"]
    for i in range(3):  # Cy has converted before
        make_lead(e, world["tenant"], f"Won {i}", status="converted", agent_id=cy)
    with e.begin() as c:
        c.execute(update(Lead).where(Lead.id == world["leads"][5]).values(overall_score=95))
    preview = plan(world, strategy=Strategy.PERFORMANCE)
    assert preview.placed[0] == (world["leads"][5], cy)


def test_manual_strategy_fills_one_agent_then_says_full(world):
    ana = world["agents"]["ana"]
    preview = plan(world, strategy=Strategy.MANUAL, manual_agent_id=ana, limit=6)
    assert [a for _, a in preview.placed] == [ana] * 4
    assert [why for _, why in preview.unplaced] == ["Ana is full: 4 of 4 open leads."] * 2


def test_agent_scope_limits_who_takes_part(world):
    preview = plan(world, scope=AgentScope(skill="spanish"))
    assert {a for _, a in preview.placed} == {world["agents"]["bo"]}


def test_commit_replans_when_the_data_moved(world):
    preview = plan(world)
    with world["engine"].begin() as c:
        c.execute(update(Agent).where(Agent.id == world["agents"]["cy"]).values(
            max_capacity=1, version=Agent.version + 1))
    outcome = commit_bulk_assign(uow_factory(world), world["actor"], preview)
    assert isinstance(outcome, BulkPlan)
    assert "The data moved since the preview: 1 agent(s) changed (Cy)" in outcome.notice
    assert sum(1 for _, a in outcome.placed if a == world["agents"]["cy"]) == 1
    with Session(world["engine"]) as s:
        assert s.scalar(select(func.count()).select_from(Lead).where(Lead.agent_id.is_not(None))) == 0


def test_commit_replans_when_a_planned_lead_changed(world):
    preview = plan(world)
    moved = preview.placed[-1].lead_id
    with world["engine"].begin() as c:
        c.execute(update(Lead).where(Lead.id == moved).values(name="Renamed", version=Lead.version + 1))
    outcome = commit_bulk_assign(uow_factory(world), world["actor"], preview)
    assert isinstance(outcome, BulkPlan)
    assert "The data moved since the preview: 1 lead(s) changed" in outcome.notice
    assert agent_of(world["engine"], moved) is None


def test_a_lead_changed_during_the_commit_is_refused_not_overwritten(world, monkeypatch):
    preview = plan(world)
    moved = preview.placed[3].lead_id
    real = assign_commit.open_batch

    def a_change_then(*args, **kwargs):  # after the snapshot's check, before the lead's chunk
        with world["engine"].begin() as c:
            c.execute(update(Lead).where(Lead.id == moved).values(status="lost", version=Lead.version + 1))
        return real(*args, **kwargs)

    monkeypatch.setattr(assign_commit, "open_batch", a_change_then)
    result = commit_bulk_assign(uow_factory(world), world["actor"], preview)
    assert result.assigned == len(preview.placed) - 1
    assert result.refused == [(moved, f"Lead #{moved} changed during the commit.")]
    assert agent_of(world["engine"], moved) is None
    assert find_violations(world["engine"]) == []


def test_undo_restores_everything_and_refuses_twice(world):
    e = world["engine"]
    result = commit_bulk_assign(uow_factory(world), world["actor"], plan(world))
    undone = undo_batch(uow_factory(world), world["actor"], result.batch_id)
    assert (undone.reverted, undone.blocked) == (12, [])
    with Session(e) as s:
        assert s.scalar(select(func.sum(Agent.open_leads))) == 0
        assert s.scalar(select(func.count()).select_from(Lead).where(Lead.status != "new")) == 0
    assert find_violations(e) == []
    with pytest.raises(Exception, match="already undone"):
        undo_batch(uow_factory(world), world["actor"], result.batch_id)


def test_undo_is_blocked_by_a_lead_changed_since(world):
    result = commit_bulk_assign(uow_factory(world), world["actor"], plan(world))
    moved = world["leads"][0]
    lifecycle.change_status(SqlUnitOfWork(world["engine"]), world["actor"], lead_id=moved,
                             new_status="contacted")
    outcome = undo_batch(uow_factory(world), world["actor"], result.batch_id)
    assert outcome.reverted == 0 and [lead for lead, _ in outcome.blocked] == [moved]
    assert agent_of(world["engine"], world["leads"][1]) is not None  # nothing was undone


def test_undoing_a_bulk_update_is_refused_and_writes_nothing(world):
    e = world["engine"]
    changes = [LeadChange(lead_id, source="referral") for lead_id in world["leads"][:3]]
    updated = bulk_update(uow_factory(world), world["actor"], changes, all_or_nothing=False)
    assert updated.applied == 3

    def written():
        with Session(e) as s:
            return (s.scalar(select(func.count()).select_from(Batch)),
                    s.scalar(select(func.count()).select_from(AuditRow)),
                    s.scalar(select(Batch.undone_by_batch).where(Batch.id == updated.batch_id)))

    before = written()
    with pytest.raises(RuleViolation,
                       match="only bulk assignments, routing runs and SLA re-routes can be undone"):
        undo_batch(uow_factory(world), world["actor"], updated.batch_id)
    assert written() == before and before[2] is None
    with Session(e) as s:
        assert set(s.scalars(select(Lead.source).where(Lead.id.in_(world["leads"][:3])))) == {"referral"}


def test_managers_cannot_run_bulk_operations(world):
    manager = Actor(world["actor"].user_id, "m", "M", world["tenant"], Role.MANAGER)
    with pytest.raises(PermissionDenied):
        plan_bulk_assign(SqlUnitOfWork(world["engine"]), manager,
                         BulkRequest(strategy=Strategy.LEAST_LOADED, filters=NEW))


def test_two_concurrent_bulk_runs_never_exceed_capacity(world):
    e = world["engine"]
    for i in range(30):
        make_lead(e, world["tenant"], f"More {i}")
    plans = [plan(world, limit=40), plan(world, strategy=Strategy.ROUND_ROBIN, limit=40)]
    outcomes, barrier = [], threading.Barrier(2)

    def run(p):
        barrier.wait()
        outcomes.append(commit_bulk_assign(uow_factory(world), world["actor"], p))

    threads = [threading.Thread(target=run, args=(p,)) for p in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2
    assert find_violations(e) == []
    with Session(e) as s:
        assert s.scalar(select(func.sum(Agent.open_leads))) <= 18


def test_file_ids_of_another_tenant_or_unknown_are_reported_not_touched(world):
    other = make_tenant(world["engine"], "globex")
    foreign = make_lead(world["engine"], other, "Foreign")
    preview = plan(world, lead_ids=(world["leads"][0], foreign, 999999), filters=None)
    assert [lead for lead, _ in preview.placed] == [world["leads"][0]]
    assert dict(preview.unplaced) == {foreign: f"Lead #{foreign} does not exist in your tenant.",
                                      999999: "Lead #999999 does not exist in your tenant."}


def test_a_commit_longer_than_a_chunk_writes_in_two_lanes_on_mysql_progress_reported_here(world, monkeypatch):
    monkeypatch.setattr(assign_commit, "CHUNK", 3)
    apply_chunk, chunks = assign_commit._apply_chunk, []

    def spied(uow, actor, todo, *args):
        chunks.append((threading.current_thread().name, {planned.agent_id for _, planned in todo}))
        return apply_chunk(uow, actor, todo, *args)

    monkeypatch.setattr(assign_commit, "_apply_chunk", spied)
    progress: list[tuple[str, float]] = []
    result = commit_bulk_assign(
        uow_factory(world), world["actor"], plan(world),
        progress=lambda done: progress.append((threading.current_thread().name, done)))
    lanes: dict[str, set[int]] = {}
    for thread, agent_ids in chunks:
        lanes.setdefault(thread, set()).update(agent_ids)
    here = threading.current_thread().name
    if world["engine"].dialect.name == "mysql":
        assert len(lanes) == 2 and not set.intersection(*lanes.values()) and here not in lanes
    else:
        assert list(lanes) == [here]
    assert result.assigned == 12 and {thread for thread, _ in progress} == {here} and progress[-1][1] == 1.0
    assert find_violations(world["engine"]) == []
