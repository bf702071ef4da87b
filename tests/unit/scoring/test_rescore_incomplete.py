"""A rescore cut short (docs/design.md §8): each chunk is retried on its own; one that still fails
stops the run with a sentence naming the leads that may carry an earlier version's scores, and
saving weights keeps the new version and says which leads wait for the next rescore."""

from datetime import datetime

import pytest

from core.domain.errors import RescoreIncomplete
from core.domain.scoring import Thresholds, Weights
from core.retry import STAYED_BUSY, UNREACHABLE
from core.scoring.rescoring import rescore_tenant
from core.scoring.weights import SaveReport, save_weights
from tests.unit.builders import ADMIN, lead, user_of
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.faults import FOR_GOOD, fail, lost

pytestmark = pytest.mark.usefixtures("pauses")
NOW = datetime(2026, 11, 22, 9, 0)


def ten_leads() -> FakeUnitOfWork:
    return FakeUnitOfWork(users=[user_of(ADMIN)], leads=[lead(i) for i in range(1, 11)])


def rescore(uow):
    return rescore_tenant(lambda: uow, ADMIN, NOW, refresh_components=False, chunk_ids=3)


def stopped_sentence(cause, *, first, version):
    return (f"Rescoring stopped: {cause} Leads with ids from {first:,} to 10 may still carry scores "
            f"of an earlier weights version than {version}; the next `python cli.py rescore` (nightly, "
            "or run it now) brings every lead to the current version.")


def rescored(uow):
    return [i for i in range(1, 11) if uow.leads.fields[i].last_calculated == NOW]


def test_a_chunk_that_conflicts_once_is_retried_and_the_rescore_completes():
    uow = ten_leads()
    apply = fail(uow, "scoring", "apply_overall", times=1, after=1)
    assert rescore(uow).leads == 10 and apply.calls == 5  # four chunks, the second twice
    assert rescored(uow) == list(range(1, 11))


def test_a_chunk_that_keeps_failing_names_the_leads_from_it_to_the_end_and_the_current_version():
    uow = ten_leads()
    fail(uow, "scoring", "apply_overall", times=FOR_GOOD, after=1)  # chunks: 1-3, 4-6, 7-9, 10
    with pytest.raises(RescoreIncomplete) as stopped:
        rescore(uow)
    assert stopped.value.message == stopped_sentence(STAYED_BUSY, first=4, version=1)
    assert rescored(uow) == [1, 2, 3]


def test_a_rescore_that_lost_the_database_says_it_cannot_be_reached():
    uow = ten_leads()
    fail(uow, "scoring", "apply_overall", error=lost, times=FOR_GOOD, after=2)
    with pytest.raises(RescoreIncomplete) as stopped:
        rescore(uow)
    assert stopped.value.message == stopped_sentence(UNREACHABLE, first=7, version=1)


def save(uow):
    return save_weights(lambda: uow, ADMIN, weights=Weights(), thresholds=Thresholds(), reason="Q1 review",
                        now=NOW)


def test_weights_saved_while_the_rescore_stops_keep_their_version_and_say_which_leads_wait():
    uow = ten_leads()
    fail(uow, "scoring", "apply_overall", times=FOR_GOOD)  # the tenant's one chunk
    report = save(uow)
    assert isinstance(report, SaveReport) and report.version == 2
    assert report.unfinished == stopped_sentence(STAYED_BUSY, first=1, version=2)
    assert [v.version for v in uow.store.versions] == [1, 2]
    assert [(e.action, e.entity_id) for e in uow.audit.entries] == [("scoring.weights_saved", "2")]


def test_weights_saved_and_rescored_in_full_have_nothing_unfinished():
    uow = ten_leads()
    report = save(uow)
    assert (report.version, report.leads, report.unfinished) == (2, 10, None)


def test_weights_saved_while_the_rescore_cannot_start_keep_their_version_and_say_so():
    uow = ten_leads()
    fail(uow, "scoring", "id_bounds", times=FOR_GOOD)
    report = save(uow)
    assert report.version == 2 and report.unfinished
