"""Bounded retries (docs/design.md §8): a transient error runs the whole transaction again after a
randomized pause that grows; after ATTEMPTS tries a person reads one sentence."""

import pytest

from core import retry
from core.domain.errors import DatabaseUnavailable, RuleViolation, TransientConflict
from core.retry import (
    ATTEMPTS,
    FIRST_WAIT,
    LONGEST_WAIT,
    STAYED_BUSY,
    UNREACHABLE,
    in_transaction,
    retry_on_conflict,
    with_retries,
)
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.faults import conflict, lost


def failing(*errors: Exception, result: object = "done"):
    """An action that raises `errors` one per call, then returns `result`; `calls` counts."""
    calls = []

    def action():
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result

    return action, calls


def test_a_transient_error_is_retried_and_the_actions_result_returned(pauses):
    action, calls = failing(conflict(), lost(), result=42)
    assert with_retries(action) == 42
    assert (len(calls), len(pauses)) == (3, 2)


def test_after_every_try_conflicts_the_person_reads_that_the_database_stayed_busy(pauses):
    action, calls = failing(*[conflict() for _ in range(ATTEMPTS)])
    with pytest.raises(TransientConflict) as raised:
        with_retries(action)
    assert raised.value.message == STAYED_BUSY
    assert (len(calls), len(pauses)) == (ATTEMPTS, ATTEMPTS - 1)


def test_when_the_last_try_lost_the_connection_the_person_reads_that_it_cannot_be_reached(pauses):
    action, calls = failing(*[conflict() for _ in range(ATTEMPTS - 1)], lost())
    with pytest.raises(DatabaseUnavailable) as raised:
        with_retries(action)
    assert raised.value.message == UNREACHABLE and len(calls) == ATTEMPTS


def test_a_lost_connection_followed_by_conflicts_ends_as_busy_not_unreachable(pauses):
    action, _ = failing(lost(), *[conflict() for _ in range(ATTEMPTS - 1)])
    with pytest.raises(TransientConflict) as raised:
        with_retries(action)
    assert not isinstance(raised.value, DatabaseUnavailable) and raised.value.message == STAYED_BUSY


@pytest.mark.parametrize("error", [RuleViolation("Ana Ruiz is full."), ValueError("a bug"),
                                   DatabaseUnavailable("Access denied for user")])
def test_an_error_that_is_not_transient_is_raised_at_once_without_a_retry(pauses, error):
    action, calls = failing(error)
    with pytest.raises(type(error)) as raised:
        with_retries(action)
    assert raised.value is error and (len(calls), pauses) == (1, [])


class TopOfRange:
    """Stands in for `random`: notes each range a pause is drawn from and answers its top."""

    def __init__(self):
        self.ranges = []

    def uniform(self, low, high):
        self.ranges.append((low, high))
        return high


def test_each_pause_is_drawn_from_zero_to_a_cap_that_doubles_up_to_the_longest_wait(monkeypatch, pauses):
    draws = TopOfRange()
    monkeypatch.setattr(retry, "random", draws)
    with pytest.raises(TransientConflict):
        with_retries(failing(*[conflict() for _ in range(ATTEMPTS)])[0])
    caps = [min(LONGEST_WAIT, FIRST_WAIT * 2 ** n) for n in range(ATTEMPTS - 1)]
    assert draws.ranges == [(0, cap) for cap in caps] and pauses == caps
    assert caps[:3] == [0.02, 0.04, 0.08] and caps[-1] == LONGEST_WAIT


def test_the_pauses_slept_lie_between_zero_and_their_cap_and_vary(pauses):
    for _ in range(200):
        with pytest.raises(TransientConflict):
            with_retries(failing(*[conflict() for _ in range(ATTEMPTS)])[0])
    by_try = [pauses[n::ATTEMPTS - 1] for n in range(ATTEMPTS - 1)]
    for n, slept in enumerate(by_try):
        cap = min(LONGEST_WAIT, FIRST_WAIT * 2 ** n)
        assert all(0 <= pause <= cap for pause in slept)
        assert min(slept) < cap / 4 and max(slept) > cap * 3 / 4  # spread over the range: jitter
    assert max(pauses) <= LONGEST_WAIT


def test_a_pause_is_never_longer_than_the_longest_wait_however_many_tries():
    assert all(retry.pause_before(attempt) <= LONGEST_WAIT for attempt in range(1, 60) for _ in range(20))


def test_a_use_case_marked_retry_on_conflict_runs_again_with_the_same_arguments(pauses):
    seen = []

    @retry_on_conflict
    def use_case(uow, actor, *, lead_id):
        seen.append((uow, actor, lead_id))
        if len(seen) == 1:
            raise conflict()
        return lead_id

    assert use_case("uow", "sup", lead_id=7) == 7 and seen == [("uow", "sup", 7)] * 2
    assert use_case.__name__ == "use_case"


def test_in_transaction_keeps_the_successful_try_only_and_commits_it_once(pauses):
    uow, tries = FakeUnitOfWork(), []

    def work(uow):
        tries.append(1)
        uow.bulk.set_round_robin_pointer(1, 10 + len(tries))  # written, then the try fails
        if len(tries) < 3:
            raise conflict()
        return "kept"

    assert in_transaction(lambda: uow, work) == "kept"
    assert (uow.bulk.round_robin_pointer(1), uow.committed) == (13, 1)


def test_in_transaction_that_never_succeeds_keeps_nothing_and_commits_nothing(pauses):
    uow = FakeUnitOfWork()

    def work(uow):
        uow.bulk.set_round_robin_pointer(1, 10)
        raise conflict()

    with pytest.raises(TransientConflict, match="stayed busy"):
        in_transaction(lambda: uow, work)
    assert (uow.bulk.round_robin_pointer(1), uow.committed) == (None, 0)
