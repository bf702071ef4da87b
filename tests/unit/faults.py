"""Faults for the fake unit of work: a repository call or a commit that fails, as a cluster's
conflicts and a lost connection make them fail, a chosen number of times; and time passing
over a batch's heartbeat.

The fake's repositories are plain objects, so a method is replaced on the one instance the
test holds; the store behind it is untouched, and transactions roll back as before.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from core.domain.batches import LEASE
from core.domain.errors import ConnectionLost, TransientConflict
from core.retry import ATTEMPTS
from tests.unit.fake_bulk import FakeBulk
from tests.unit.fakes import FakeUnitOfWork

FOR_GOOD = ATTEMPTS * 100  # more failures than any retry loop tries


def conflict() -> TransientConflict:
    return TransientConflict("Deadlock found when trying to get lock; try restarting transaction")


def lost() -> ConnectionLost:
    return ConnectionLost("Lost connection to server during query")


class Fault:
    """Calls number `after` + 1 to `after` + `times` of the method raise `error()`; the others
    run as before. `calls` counts them all."""

    def __init__(self, target: object, method: str, error: Callable[[], Exception], *,
                 times: int, after: int) -> None:
        self.calls = 0
        self.healed = False
        original = getattr(target, method)

        def failing(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if not self.healed and after < self.calls <= after + times:
                raise error()
            return original(*args, **kwargs)

        setattr(target, method, failing)

    def heal(self) -> None:
        """The database is back: every call from now on runs."""
        self.healed = True


def fail(uow: FakeUnitOfWork, repository: str, method: str, *,
         error: Callable[[], Exception] = conflict, times: int = 1, after: int = 0) -> Fault:
    """`uow.<repository>.<method>` fails `times` times once `after` calls have gone through;
    `times=FOR_GOOD`: every retry fails too, so the step gives up."""
    return Fault(getattr(uow, repository), method, error, times=times, after=after)


class UnclearCommit:
    """Commit number `at` is kept, but its caller hears that the connection broke: the
    transaction is run again over what it already wrote."""

    def __init__(self, uow: FakeUnitOfWork, *, at: int) -> None:
        self.commits = 0
        commit = uow.commit

        def kept_then_lost() -> None:
            self.commits += 1
            commit()
            if self.commits == at:
                raise lost()

        uow.commit = kept_then_lost  # type: ignore[method-assign]


def silent_for(uow: FakeUnitOfWork, batch_id: str,
               quiet: timedelta = LEASE + timedelta(seconds=1)) -> None:
    """As if `quiet` had passed since the batch's last heartbeat (core reads the real clock,
    so the heartbeat moves back instead)."""
    row = cast(FakeBulk, uow.bulk).batches[batch_id]
    assert row.heartbeat_at is not None
    row.heartbeat_at -= quiet
