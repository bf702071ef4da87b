"""Running a batch's plan: chunk by chunk, each chunk one transaction, retried on its own, that
records its items and progress together with its changes (core.domain.batches says why).

Run again over the same plan (a resume), every chunk skips the positions already recorded, so
a run can stop anywhere and pick up where it stopped without applying anything twice.
"""

import json
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NoReturn, TypeVar

from core.bulk.lanes import LaneFailed, chunked, lanes_of, run_lanes
from core.domain.audit import AuditEntry
from core.domain.batches import (
    RUN_CLOSING,
    Batch,
    BatchItem,
    BatchKind,
    BatchState,
    interrupted_sentence,
    silent_since,
)
from core.domain.clock import utcnow
from core.domain.errors import BatchInterrupted, DatabaseUnavailable, NotFound, TransientConflict
from core.domain.identity import Actor
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction

T = TypeVar("T")
RECENT = 20  # the newest batches a run looks through for a run of its kind that stopped part-way
Apply = Callable[[UnitOfWork, list[tuple[int, T]]], list[BatchItem]]
Progress = Callable[[float], object]
log = logging.getLogger("leadops")


def open_batch(new_uow: UnitOfWorkFactory, actor: Actor, *, kind: BatchKind, now: datetime,
               plan: Any, positions: int, strategy: str | None = None, refused: int = 0) -> str:
    """Record a running batch and its plan in their own short transaction, before the chunks
    that fill it, so that every chunk can reference it and a stopped run can be found.
    `refused` leads were refused before the plan (a preview's unplaced leads, an import's bad
    rows): they count among the batch's leads, done from the start."""
    batch_id = str(uuid.uuid4())

    def record(uow: UnitOfWork) -> None:
        uow.bulk.add_batch(batch_id, tenant_id=actor.tenant_id, kind=kind, strategy=strategy,
                           by_user_id=actor.user_id, now=now, plan=json.dumps(plan),
                           planned=positions + refused, refused=refused)

    in_transaction(new_uow, record)
    return batch_id


def _start(uow: UnitOfWork, actor: Actor, batch_id: str, positions: int) -> tuple[set[int], int, int]:
    """Positions recorded before this run, and the batch's leads done and in all."""
    batch = uow.bulk.batch(actor.tenant_id, batch_id)
    if batch is None:
        raise NotFound(f"Batch {batch_id} does not exist in your tenant.")
    before = {item.position for item in uow.bulk.recorded_items(batch_id, range(positions))}
    return before, batch.recorded, batch.planned


def run_plan(new_uow: UnitOfWorkFactory, actor: Actor, batch_id: str, kind: BatchKind,
             plan: Sequence[T], apply: Apply[T], *, chunk: int,
             progress: Progress = lambda done: None,
             lane_key: Callable[[T], int] | None = None) -> list[BatchItem]:
    """Apply the plan's positions not yet recorded, `chunk` at a time; returns the items this
    run recorded, in plan order. With `lane_key` (a position's agent id), chunks are applied
    in lanes at once where the database takes several writers (core/bulk/lanes.py). A chunk
    that still fails after its retries leaves the batch interrupted and raises
    BatchInterrupted, saying what was done and what to do next."""
    before, done_before, planned = in_transaction(
        new_uow, lambda uow: _start(uow, actor, batch_id, len(plan)))

    def apply_chunk(positions: list[int]) -> list[BatchItem]:
        def step(uow: UnitOfWork) -> list[BatchItem]:
            recorded = uow.bulk.recorded_items(batch_id, positions)
            done = {item.position for item in recorded}
            todo = [(position, plan[position]) for position in positions if position not in done]
            new = apply(uow, todo) if todo else []
            if new:
                uow.bulk.add_items(batch_id, new)
                uow.bulk.record_progress(batch_id, changed=sum(item.applied for item in new),
                                         refused=sum(not item.applied for item in new), now=utcnow())
            # A retry after a commit that did happen finds this run's items already recorded.
            return new + [item for item in recorded if item.position not in before]
        return in_transaction(new_uow, step)

    by_lane = [list(range(len(plan)))]
    if lane_key is not None and len(plan) > chunk:
        by_lane = lanes_of(plan, lanes=new_uow().concurrent_writers, key=lane_key)
    lanes = [chunked(lane, chunk) for lane in by_lane]
    items: list[BatchItem] = []
    try:
        if len(lanes) == 1:
            for positions in lanes[0]:
                items += apply_chunk(positions)
                progress((positions[-1] + 1) / len(plan))
        else:
            items = run_lanes(lanes, apply_chunk, total=len(plan), progress=progress)
    except LaneFailed as failed:
        _interrupted(new_uow, batch_id, kind, failed.cause, done=done_before + len(failed.items),
                     planned=planned)
    except Exception as exc:  # noqa: BLE001 - said as an interruption, or raised again
        _interrupted(new_uow, batch_id, kind, exc, done=done_before + len(items), planned=planned)
    return sorted(items, key=lambda item: item.position)


def _interrupted(new_uow: UnitOfWorkFactory, batch_id: str, kind: BatchKind, exc: BaseException,
                 *, done: int, planned: int) -> NoReturn:
    """The batch marked interrupted; a transient cause becomes the sentence a person reads,
    any other is raised again."""
    mark_interrupted(new_uow, batch_id)
    if isinstance(exc, (TransientConflict, DatabaseUnavailable)):
        raise BatchInterrupted(interrupted_sentence(
            batch_id, kind, done=done, planned=planned, cause=exc.message)) from exc
    raise exc


def finish_once(uow: UnitOfWork, actor: Actor, batch_id: str) -> Batch | None:
    """Mark the batch complete and return it with its totals, for its closing audit row; None
    when it was complete already (a retry of a closing step that did commit)."""
    batch = uow.bulk.batch(actor.tenant_id, batch_id)
    if batch is None or batch.state == BatchState.COMPLETE:
        return None
    uow.bulk.finish_batch(batch_id, now=utcnow())
    return batch


def close_batch(uow: UnitOfWork, actor: Actor, batch_id: str, *, action: str, changed: str,
                refused: str = "refused", interrupted: bool = False) -> None:
    """Complete the batch with its closing audit row, which names its totals `changed` and
    `refused` (and says when the batch stopped part-way and is closed as it stands); once
    (see finish_once)."""
    batch = finish_once(uow, actor, batch_id)
    if batch is None:
        return
    after: dict[str, Any] = {changed: batch.leads_changed, refused: batch.leads_refused}
    if interrupted:
        after["interrupted"] = True
    uow.audit.append(AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action=action, entity_type="batch", entity_id=batch_id, batch_id=batch_id, after=after))


def close_run_as_it_stands(uow: UnitOfWork, actor: Actor, batch_id: str, kind: BatchKind) -> None:
    """A routing run or SLA re-route pass that stopped, completed as it stands with its
    closing row (RUN_CLOSING)."""
    action, changed, refused = RUN_CLOSING[kind]
    close_batch(uow, actor, batch_id, action=action, changed=changed, refused=refused, interrupted=True)


def close_stopped_runs(new_uow: UnitOfWorkFactory, actor: Actor, kind: BatchKind) -> None:
    """Runs of this kind (routing, SLA re-route) that stopped part-way (their process died)
    are not resumed: the next run closes them as they stand, so that they read complete and
    may be undone, and plans again what they left."""
    now = utcnow()
    stopped = [b.id for b in in_transaction(new_uow, lambda uow: uow.bulk.recent(actor.tenant_id, RECENT))
               if b.kind == kind and b.state_at(now) == BatchState.INTERRUPTED]
    for batch_id in stopped:
        def close(uow: UnitOfWork, batch_id: str = batch_id) -> None:
            if uow.bulk.claim(batch_id, now=now, stopped_before=silent_since(now)):
                close_run_as_it_stands(uow, actor, batch_id, kind)
        in_transaction(new_uow, close)


def mark_interrupted(new_uow: UnitOfWorkFactory, batch_id: str) -> None:
    """Say so in the batch, if the database still listens; if not, its stopped heartbeat will
    say it once LEASE has passed."""
    try:
        with new_uow() as uow:
            uow.bulk.mark_interrupted(batch_id)
            uow.commit()
    except Exception:  # noqa: BLE001 - the interruption itself is what gets reported
        log.warning("Batch %s could not be marked interrupted; its heartbeat will show it.", batch_id)


def plan_of(uow: UnitOfWork, batch_id: str) -> Any:
    """A stopped batch's plan, as open_batch stored it."""
    stored = uow.bulk.plan(batch_id)
    return json.loads(stored) if stored else None
