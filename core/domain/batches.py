"""Batches (DESIGN.md §4): one per bulk run, shared by its audit rows, and which can be undone."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class BatchKind(StrEnum):
    BULK_ASSIGN = "bulk_assign"
    BULK_UPDATE = "bulk_update"
    IMPORT = "import"
    UNDO = "undo"


# How a batch is named to a person, here and in every message: the first characters of its id.
SHORT_ID = 8


def short_id(batch_id: str) -> str:
    return batch_id[:SHORT_ID]


@dataclass(frozen=True)
class BatchItem:
    """A lead a bulk assignment placed, and the lead's version right after it: undo reverts the
    lead only while that version still holds."""

    lead_id: int
    agent_id: int
    lead_version: int


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

    @property
    def undoable(self) -> bool:
        return why_batch_cannot_be_undone(self) is None


_KIND_NAMES = {BatchKind.BULK_UPDATE: "a bulk update", BatchKind.IMPORT: "an import",
               BatchKind.UNDO: "an undo", BatchKind.BULK_ASSIGN: "a bulk assignment"}


def why_batch_cannot_be_undone(batch: Batch) -> str | None:
    """Only a bulk assignment can be undone, and only once. (Whether its leads changed since
    is read when the undo runs.)"""
    if batch.kind != BatchKind.BULK_ASSIGN:
        return (f"Batch {short_id(batch.id)} is {_KIND_NAMES[batch.kind]}: only bulk assignments "
                "can be undone. Change those leads back with a bulk update or one by one.")
    if batch.undone_by:
        return f"Batch {short_id(batch.id)} was already undone (by batch {short_id(batch.undone_by)})."
    return None
