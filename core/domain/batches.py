"""Batches (docs/design.md §4, §8): one per bulk run, shared by its audit rows; durable, so that a
run cut short by a fault is seen as interrupted and can be resumed or undone.

A batch keeps its plan (what it is to apply, position by position) and, for each position
applied or refused, an item written in the same transaction as the change. A chunk that is
run again (a retry after an unclear commit, a resume) skips the positions already recorded,
so nothing is applied twice. While it runs, every chunk refreshes the batch's heartbeat; a
running batch whose heartbeat is older than LEASE has stopped: its process died, or lost the
database for good.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class BatchKind(StrEnum):
    BULK_ASSIGN = "bulk_assign"
    BULK_UPDATE = "bulk_update"
    IMPORT = "import"
    UNDO = "undo"
    ROUTING = "routing"  # a routing run (docs/routing.md): undone like a bulk assignment
    # The SLA re-routes of one `cli.py route` (docs/routing.md): undone by giving each lead back
    # to the agent it came from.
    SLA_REROUTE = "sla_reroute"
    # The untouched leads of agents away past the grace, given back to routing by one `cli.py
    # route` (docs/routing.md): shown, not undone (their agents are away).
    GRACE_RELEASE = "grace_release"


class BatchState(StrEnum):
    RUNNING = "running"
    INTERRUPTED = "interrupted"
    COMPLETE = "complete"


# A chunk takes well under a second and its retries a few more, so a running batch silent
# for a minute has stopped.
LEASE = timedelta(seconds=60)
# How a batch is named to a person, here and in every message: the first characters of its id.
SHORT_ID = 8


def silent_since(now: datetime) -> datetime:
    """A running batch whose heartbeat is older than this has stopped."""
    return now - LEASE


def short_id(batch_id: str) -> str:
    return batch_id[:SHORT_ID]


@dataclass(frozen=True)
class BatchItem:
    """What became of one position of a batch's plan."""

    position: int
    lead_id: int
    agent_id: int | None = None      # the lead's agent after it (bulk assign, undo, routing, SLA
                                     # re-route); a grace release: the agent it was taken from
    lead_version: int | None = None  # the lead's version right after; None when refused
    refused: str | None = None       # why the lead was left as it was

    @property
    def applied(self) -> bool:
        return self.refused is None


@dataclass(frozen=True)
class Batch:
    id: str
    kind: BatchKind
    created_at: datetime
    by_username: str | None
    strategy: str | None
    leads_changed: int
    leads_refused: int
    undone_by: str | None  # the undo batch's id, once undone
    state: BatchState = BatchState.COMPLETE
    planned: int = 0        # positions in its plan
    heartbeat_at: datetime | None = None

    def state_at(self, now: datetime) -> BatchState:
        """Running, unless its heartbeat stopped: then interrupted, as if it had said so."""
        if self.state == BatchState.RUNNING and (self.heartbeat_at is None
                                                  or self.heartbeat_at < silent_since(now)):
            return BatchState.INTERRUPTED
        return self.state

    @property
    def recorded(self) -> int:
        return self.leads_changed + self.leads_refused


_KIND_NAMES = {BatchKind.BULK_UPDATE: "a bulk update", BatchKind.IMPORT: "an import",
               BatchKind.UNDO: "an undo", BatchKind.BULK_ASSIGN: "a bulk assignment",
               BatchKind.ROUTING: "a routing run", BatchKind.SLA_REROUTE: "an SLA re-route",
               BatchKind.GRACE_RELEASE: "a grace release"}
UNDOABLE = (BatchKind.BULK_ASSIGN, BatchKind.ROUTING, BatchKind.SLA_REROUTE)
# Runs of `cli.py route`: one that stopped part-way is closed by the next, never resumed.
ROUTE_RUNS = (BatchKind.ROUTING, BatchKind.SLA_REROUTE)
# Their closing audit rows: the action, and how the row names the batch's changed and refused counts.
RUN_CLOSING = {BatchKind.ROUTING: ("routing.ran", "assigned", "left"),
               BatchKind.SLA_REROUTE: ("routing.sla_rerouted", "moved", "left")}


def why_batch_cannot_be_undone(batch: Batch, now: datetime) -> str | None:
    """Only a bulk assignment, a routing run or an SLA re-route can be undone, once, and not
    while it runs. (Whether its leads changed since is read when the undo runs.)"""
    if batch.kind == BatchKind.GRACE_RELEASE:
        return (f"Batch {short_id(batch.id)} is a grace release: its leads were taken from agents away "
                "past the grace period, who cannot receive leads. Undo the routing run that placed them "
                "to send them back to new, or assign them by hand.")
    if batch.kind not in UNDOABLE:
        return (f"Batch {short_id(batch.id)} is {_KIND_NAMES[batch.kind]}: only bulk assignments, "
                "routing runs and SLA re-routes can be undone. Change those leads back with a bulk update "
                "or one by one.")
    if batch.undone_by:
        return f"Batch {short_id(batch.id)} was already undone (by batch {short_id(batch.undone_by)})."
    if batch.state_at(now) == BatchState.RUNNING:
        return f"Batch {short_id(batch.id)} is still running. Wait until it completes, then undo it."
    return None


def why_batch_cannot_be_resumed(batch: Batch, now: datetime) -> str | None:
    """Only an interrupted batch resumes; a running one is someone's, a complete one is done."""
    state = batch.state_at(now)
    if batch.kind in ROUTE_RUNS and state == BatchState.INTERRUPTED:
        return (f"Batch {short_id(batch.id)} is {_KIND_NAMES[batch.kind]}: it is not resumed. The next "
                "`python cli.py route` closes it as it stands and places the leads it left; or undo "
                "what it placed.")
    if state == BatchState.COMPLETE:
        return f"Batch {short_id(batch.id)} is complete: there is nothing left to resume."
    if state == BatchState.RUNNING:
        return (f"Batch {short_id(batch.id)} is still running ({batch.recorded} of {batch.planned} "
                "leads done). Wait a minute: if it stops, it can be resumed.")
    return None


def interrupted_sentence(batch_id: str, kind: BatchKind, *, done: int, planned: int,
                         cause: str) -> str:
    """What a person reads when a long job stops part-way, with the next step."""
    undo = ", or undo what it applied" if kind in UNDOABLE else ""
    return (f"Batch {short_id(batch_id)} stopped after {done:,} of {planned:,} leads: {cause} What "
            "was done is kept. Once the database is back, resume the batch on the Bulk operations "
            f"page (or `python cli.py resume-batch {batch_id} --as YOU`){undo}.")
