"""Bounded retries of a whole use case after a deadlock or lock timeout."""

import functools
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from core.domain.errors import TransientConflict

P = ParamSpec("P")
T = TypeVar("T")
ATTEMPTS = 4


def retry_on_conflict(use_case: Callable[P, T]) -> Callable[P, T]:
    """Re-run the use case (each attempt is a fresh transaction), then give up with a message."""

    @functools.wraps(use_case)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return use_case(*args, **kwargs)
            except TransientConflict:
                if attempt == ATTEMPTS:
                    raise TransientConflict(
                        "The database stayed busy with other changes and nothing was saved. "
                        "Try again in a moment."
                    ) from None
                time.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable")

    return wrapper
