import re

import pytest

from core.bulk.files import read_lead_ids
from core.domain.errors import InvalidInput


def test_reads_ids_and_optional_agents():
    parsed = read_lead_ids(b"\xef\xbb\xbflead_id,agent_id\n#12,3\n13,\n")
    assert parsed.lead_ids == (12, 13) and parsed.agent_ids == {12: 3}


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty"),
    (b"lead_id\n", "no rows"),
    (b"name\nx\n", "needs a lead_id column; it has: name"),
    ("lead_id\n1\n".encode("utf-16"), "not UTF-8"),
    (b"lead_id\n1\n1\n", "line 3: lead 1 appears twice"),
    (b"lead_id\n=cmd()\n", "line 2: lead_id '=cmd()' is not a number"),
    (b"x" * (5 * 1024 * 1024 + 1), "may be at most 5 MB"),
    (b"lead_id\n" + b"1\n" * 10_001, "at most 10,000 per run"),
])
def test_bad_files_are_refused_whole_with_the_reason(data, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        read_lead_ids(data)


@pytest.mark.parametrize("data, message", [
    (b"lead_id\n1\n\n\nx\n", "line 5: lead_id 'x' is not a number"),
    (b"\nlead_id\n1\n,\n1\n", "line 5: lead 1 appears twice"),
    (b"lead_id\r\n1\r\n\r\n1\r\n", "line 4: lead 1 appears twice"),
])
def test_problems_name_the_line_of_the_file_counting_blank_lines(data, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        read_lead_ids(data)


@pytest.mark.parametrize("cell, message", [
    ("-5", "line 5: -5 is not a lead id"),
    ("0", "line 5: 0 is not a lead id"),
    ("2.5", "line 5: 2.5 is not a lead id"),
    pytest.param("9" * 5000, "is not a lead id", id="5000 digits"),
    ("²", "line 5: lead_id '²' is not a number"),
])
def test_a_number_that_cannot_be_a_lead_id_is_called_so(cell, message):
    data = f"lead_id,agent_id\n1,\n2,\n3,\n{cell},\n".encode()
    with pytest.raises(InvalidInput, match=re.escape(message)):
        read_lead_ids(data)


def test_an_agent_id_that_cannot_be_one_is_called_so():
    with pytest.raises(InvalidInput, match=re.escape("line 2: -3 is not an agent id")):
        read_lead_ids(b"lead_id,agent_id\n1,-3\n")


def test_old_mac_line_endings_are_read():
    assert read_lead_ids(b"lead_id\r7\r8\r").lead_ids == (7, 8)
