"""Bad import files (docs/design.md §9): a clear refusal per row, or per file when the file cannot be
read; never a traceback, nothing written in all-or-nothing mode, lines named as in the file."""

import re

import pytest

from core.bulk.import_file import read_import_file
from core.domain.errors import InvalidInput
from tests.unit.bulk.test_import import run, tenant_with_one_lead

HEADER = "name,email,company,source\n"


def test_a_cell_longer_than_the_csv_reader_takes_refuses_the_file_naming_its_line():
    data = (HEADER + "Pat,pat@x.example,,referral\n\n" + "Kim,kim@x.example," + "A" * 200_000
            + ",event\n").encode()
    with pytest.raises(InvalidInput, match=re.escape("Line 4 holds a cell longer than 131,072 "
                                                     "characters")) as refused:
        read_import_file(data)
    assert "Nothing was read" in refused.value.message


@pytest.mark.parametrize("name, company, why", [
    ("Pa\x00t", "", "name contains a control character (U+0000)"),
    ("Pat", "Acme\x1b[31m", "company contains a control character (U+001B)"),
    ('"Pat\nDoe"', "", "name contains a line break"),
    ("Pat\tDoe", "", "name contains a tab"),
    ("Pat\x7f", "", "name contains a control character (U+007F)"),
    ("Pa\x85t", "", "name contains a control character (U+0085)"),
])
def test_control_characters_are_refused_per_row_and_all_or_nothing_writes_nothing(name, company, why):
    uow = tenant_with_one_lead()
    before = uow.store.snapshot()
    result = run(uow, f"{HEADER}Kim,kim@x.example,,event\n{name},pat@x.example,{company},referral\n",
                 all_or_nothing=True)
    assert (result.imported, result.report) == (0, [(3, "refused", why)])
    assert uow.store == before


def test_surrounding_blanks_are_trimmed_not_refused():
    uow = tenant_with_one_lead()
    result = run(uow, f"{HEADER}\tPat Doe \r\n")
    assert result.report[0][2] == "needs an email or a phone"
    assert run(uow, f'{HEADER}"\tPat Doe\n",pat@x.example,,referral\n').imported == 1
    assert uow.leads.rows[3].name == "Pat Doe"


def test_an_oversize_cell_is_refused_per_row_and_quoted_short_in_the_report():
    result = run(tenant_with_one_lead(), f"{HEADER}Pat,pat@x.example,,{'x' * 100_000}\n"
                                         f"Kim,kim@x.example,{'C' * 121},event\n")
    [(_, _, source), (_, _, company)] = result.report
    assert source.startswith("source 'xxxx") and len(source) < 200
    assert company == "company is longer than 120 characters"


def test_lines_in_the_report_count_blank_lines_and_lone_carriage_returns():
    result = run(tenant_with_one_lead(), f"{HEADER}\nPat,pat@x.example,,referral\n\n,,,\nKim,,,event\n")
    assert result.report == [(3, "imported", "lead #3"), (6, "refused", "needs an email or a phone")]
    mac = run(tenant_with_one_lead(), f"{HEADER}Pat,pat@x.example,,referral\rKim,,,event\r")
    assert mac.report == [(2, "imported", "lead #3"), (3, "refused", "needs an email or a phone")]


def test_a_header_holding_control_characters_refuses_the_file():
    with pytest.raises(InvalidInput, match=re.escape("The header row holds a control character")):
        read_import_file(b"name,em\x00ail,source\nPat,pat@x.example,referral\n")
