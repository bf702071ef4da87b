"""Excel: typed cells (numbers as numbers, times as dates), a bold header row frozen in place,
column widths, and an "About" sheet saying what the file is. Written with openpyxl's write-only
workbook, which streams rows to the file instead of keeping them (docs/exports.md)."""

from collections.abc import Sequence
from datetime import datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.domain.exports import CellKind, Column, ExportHeading
from core.exports.cells import Chunks, rows_of, typed

# Decimals and percents need a format to read right; integers and times read right as they are
# (openpyxl gives a datetime its date format). Only these cells are styled: a styled cell costs
# several times a plain one, and a 100,000-row export writes a million cells.
NUMBER_FORMATS = {CellKind.DECIMAL: "0.00", CellKind.PERCENT: '0.0"%"'}
SHEET_TITLE_LENGTH = 31  # Excel's limit


def _cell(sheet: WriteOnlyWorksheet, value: object, column: Column) -> object:
    stored = typed(value, column)
    assert stored is None or isinstance(stored, str | int | float | datetime)  # as `typed` returns
    if isinstance(stored, str):
        return ILLEGAL_CHARACTERS_RE.sub("", stored)  # control characters Excel refuses to open
    if column.kind in NUMBER_FORMATS and stored is not None:
        cell = WriteOnlyCell(sheet, value=stored)
        cell.number_format = NUMBER_FORMATS[column.kind]
        return cell
    return stored


def write_excel(out: BinaryIO, columns: Sequence[Column], chunks: Chunks, heading: ExportHeading) -> int:
    """Write the rows as an .xlsx workbook; returns how many rows were written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(heading.title[:SHEET_TITLE_LENGTH])
    sheet.freeze_panes = "A2"  # before any row: a write-only sheet writes its settings first
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", column.title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows_of(chunks):
        sheet.append([_cell(sheet, value, column) for value, column in zip(row, columns, strict=True)])
        count += 1
    about = book.create_sheet("About")
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 14, 80
    text = Column("", CellKind.TEXT)
    for label, value in (("List", heading.title), ("Exported at", heading.exported_at),
                         ("Exported by", heading.exported_by), ("Filters", heading.filters),
                         ("Rows", count)):
        about.append([label, _cell(about, value, Column("", CellKind.DATETIME) if label == "Exported at"
                                   else text)])
    book.save(out)
    return count
