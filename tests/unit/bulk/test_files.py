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
