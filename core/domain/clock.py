"""One notion of now: naive UTC, as stored in every timestamp column."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
