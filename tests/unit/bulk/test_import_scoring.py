"""An import is done once its leads are written: if scoring them cannot finish, the import still
succeeds and the person is told the new leads wait for the next rescore."""

import pytest

from core.bulk.import_file import default_mapping, read_import_file
from core.bulk.lead_import import import_leads
from core.domain.batches import BatchState
from tests.unit.builders import SUPERVISOR
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.faults import FOR_GOOD, fail, lost

pytestmark = pytest.mark.usefixtures("pauses")
FILE = b"name,email,source\nPat Doe,pat@x.example,referral\nKim Lee,kim@x.example,event\n"
NOT_SCORED = ("The leads are imported, but scoring them could not finish: they show a score of 0 "
              "until the next `python cli.py rescore` (nightly) or a recalculation.")


def run(uow, *, all_or_nothing=False):
    file = read_import_file(FILE)
    return import_leads(lambda: uow, SUPERVISOR, file, default_mapping(file.columns),
                        all_or_nothing=all_or_nothing)


@pytest.mark.parametrize("all_or_nothing", [False, True])
def test_an_import_whose_scoring_cannot_start_succeeds_and_says_the_leads_wait(all_or_nothing):
    uow = FakeUnitOfWork()
    fail(uow, "scoring", "conversion_stats", error=lost, times=FOR_GOOD)
    result = run(uow, all_or_nothing=all_or_nothing)
    assert (result.imported, result.note) == (2, NOT_SCORED)
    assert [uow.leads.fields[i].overall_score for i in (1, 2)] == [0, 0]
    assert uow.bulk.batch(1, result.batch_id).state == BatchState.COMPLETE
    assert [e.action for e in uow.audit.entries][-1] == "bulk.imported"


def test_an_import_scored_in_full_has_no_note():
    uow = FakeUnitOfWork()
    assert run(uow).note is None and uow.leads.fields[1].overall_score > 0


def test_an_import_whose_scoring_stops_part_way_succeeds_and_says_the_leads_wait():
    uow = FakeUnitOfWork()
    fail(uow, "scoring", "write_components", times=FOR_GOOD)
    result = run(uow)
    assert (result.imported, result.note) == (2, NOT_SCORED)
