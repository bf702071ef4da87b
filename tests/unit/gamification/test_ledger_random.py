"""Random work, undo included: every stored total stays the sum of the ledger, and no lead's
step is ever held twice (net points per lead and reason are 0 or the step's points)."""

import random
from collections import defaultdict
from datetime import timedelta

import pytest

from core.bulk.assign import BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.undo import undo_batch
from core.bulk.update import LeadChange, bulk_update
from core.domain.clock import utcnow
from core.domain.errors import LeadOpsError
from core.domain.gamification import POINTS, PointsReason
from core.domain.leads import LeadFilters
from core.domain.placement import Strategy
from core.leads import assignment, lifecycle
from tests.unit.builders import SUPERVISOR, agent, lead, user_of
from tests.unit.fakes import FakeUnitOfWork, LeadFields

STATUSES = ["contacted", "qualified", "converted", "lost"]


def one_operation(rnd: random.Random, uow: FakeUnitOfWork, batches: list[str]) -> None:
    lead_id, agent_id = rnd.randint(1, 30), rnd.randint(10, 14)
    kind = rnd.choice(["assign", "reassign", "unassign", "status", "activity", "bulk", "undo", "update"])
    if kind == "assign":
        assignment.assign_lead(uow, SUPERVISOR, lead_id=lead_id, agent_id=agent_id)
    elif kind == "reassign":
        assignment.reassign_lead(uow, SUPERVISOR, lead_id=lead_id, agent_id=agent_id, reason="balance")
    elif kind == "unassign":
        assignment.unassign_lead(uow, SUPERVISOR, lead_id=lead_id, reason="back to the pool")
    elif kind == "status":
        lifecycle.change_status(uow, SUPERVISOR, lead_id=lead_id, new_status=rnd.choice(STATUSES),
                                reason="random")
    elif kind == "activity":
        lifecycle.log_activity(uow, SUPERVISOR, lead_id=lead_id, kind=rnd.choice(["call", "email", "note"]))
    elif kind == "bulk":
        plan = plan_bulk_assign(uow, SUPERVISOR, BulkRequest(
            strategy=Strategy.PERFORMANCE, filters=LeadFilters(statuses=("new",)), limit=4))
        outcome = commit_bulk_assign(lambda: uow, SUPERVISOR, plan)
        if getattr(outcome, "batch_id", None):
            batches.append(outcome.batch_id)
    elif kind == "undo" and batches:
        undo_batch(lambda: uow, SUPERVISOR, batches.pop())
    elif kind == "update":
        bulk_update(lambda: uow, SUPERVISOR,
                    [LeadChange(i, status=rnd.choice(STATUSES), lost_reason="random")
                     for i in rnd.sample(range(1, 31), 3)], all_or_nothing=rnd.random() < 0.5)


@pytest.mark.parametrize("seed", range(2))
def test_totals_are_the_ledger_after_random_work_with_undo(seed):
    rnd = random.Random(seed)
    recently = utcnow() - timedelta(minutes=20)
    uow = FakeUnitOfWork(users=[user_of(SUPERVISOR)],
                         agents=[agent(i, max_capacity=6) for i in range(10, 15)],
                         leads=[lead(i) for i in range(1, 31)],
                         lead_fields={i: LeadFields(created_at=recently) for i in range(1, 31)})
    batches: list[str] = []
    for _ in range(150):
        try:
            one_operation(rnd, uow, batches)
        except LeadOpsError:
            pass
    sums: dict[int, int] = defaultdict(int)
    per_step: dict[tuple[int, str], int] = defaultdict(int)
    for row in uow.store.ledger:
        sums[row.agent_id] += row.points
        per_step[(row.lead_id, row.reason)] += row.points
    assert {a: t for a, t in uow.store.points_totals.items() if t or a in sums} == dict(sums)
    for (lead_id, reason), net in per_step.items():
        assert net in (0, POINTS[PointsReason(reason)]), (lead_id, reason, net)
    assert sum(r.points > 0 for r in uow.store.ledger) > 20  # real work was done
    assert any(r.points < 0 for r in uow.store.ledger)       # and some of it taken back
