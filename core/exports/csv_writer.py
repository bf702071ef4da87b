"""CSV: a header line, then one line per row; every text cell neutralized."""

import codecs
import csv
from collections.abc import Sequence
from typing import BinaryIO

from core.domain.exports import Column
from core.exports.cells import Chunks, rows_of, shown


def write_csv(out: BinaryIO, columns: Sequence[Column], chunks: Chunks) -> int:
    """Write the rows as UTF-8 CSV (with a byte-order mark, so that Excel reads non-Latin names
    right); returns how many rows were written."""
    out.write(codecs.BOM_UTF8)
    text = codecs.getwriter("utf-8")(out)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([column.title for column in columns])
    count = 0
    for row in rows_of(chunks):
        writer.writerow([shown(value, column) for value, column in zip(row, columns, strict=True)])
        count += 1
    return count
