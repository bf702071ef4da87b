import pandas as pd

from core.exports.safe_csv import to_safe_csv


def test_exports_neutralize_formulas_but_keep_the_text():
    data = to_safe_csv(pd.DataFrame({"Why": ["=HYPERLINK(\"x\")", "+1", "-2", "@a", "\tx", "plain"],
                                     "Lead": [1, 2, 3, 4, 5, 6]}))
    lines = data.decode().splitlines()
    assert lines[1].startswith("\"'=HYPERLINK") and lines[2] == "'+1,2" and lines[6] == "plain,6"
