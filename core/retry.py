"""Bounded retries of a transaction after a conflict or a lost connection (docs/design.md §8).

On a cluster a certification conflict is an ordinary event, so the whole transaction is run
again, after a pause that grows and is randomized ("full jitter") so that writers which
collided do not collide again in step. Sized for a cluster: up to ATTEMPTS tries within about
MAX_TOTAL_WAIT seconds in the worst case, then one sentence for a person.
"""

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from core.domain.errors import ConnectionLost, DatabaseUnavailable, TransientConflict
from core.ports import UnitOfWork, UnitOfWorkFactory

P = ParamSpec("P")
T = TypeVar("T")
ATTEMPTS = 8
FIRST_WAIT = 0.02  # seconds: the cap of the first pause; each later cap doubles
LONGEST_WAIT = 1.0
MAX_TOTAL_WAIT = sum(min(LONGEST_WAIT, FIRST_WAIT * 2**n) for n in range(ATTEMPTS - 1))

STAYED_BUSY = ("The database stayed busy with other changes and nothing was saved. "
               "Try again in a moment.")
UNREACHABLE = ("The database cannot be reached, so this was not done. Check that the database "
               "server is running (or ask your admin), then try again.")


def pause_before(attempt: int) -> float:
    """Seconds to wait before try `attempt + 1`: anywhere up to a cap that doubles each time."""
    return random.uniform(0, min(LONGEST_WAIT, FIRST_WAIT * 2 ** (attempt - 1)))


def with_retries(action: Callable[[], T]) -> T:
    """Run `action` (one whole transaction) until it succeeds or ATTEMPTS tries have failed
    on transient errors; then raise the sentence a person reads."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return action()
        except TransientConflict as exc:
            if attempt == ATTEMPTS:
                if isinstance(exc, ConnectionLost):
                    raise DatabaseUnavailable(UNREACHABLE) from exc
                raise TransientConflict(STAYED_BUSY) from exc
            time.sleep(pause_before(attempt))
    raise AssertionError("unreachable")


def retry_on_conflict(use_case: Callable[P, T]) -> Callable[P, T]:
    """A use case run again, each time in a fresh transaction, after a transient error."""

    @functools.wraps(use_case)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return with_retries(lambda: use_case(*args, **kwargs))

    return wrapper


def in_transaction(new_uow: UnitOfWorkFactory, work: Callable[[UnitOfWork], T]) -> T:
    """`work` in one transaction that commits, retried as a whole: each chunk of a long job
    goes through here, so one conflict costs one chunk's retry, not the job."""

    def attempt() -> T:
        with new_uow() as uow:
            result = work(uow)
            uow.commit()
        return result

    return with_retries(attempt)
