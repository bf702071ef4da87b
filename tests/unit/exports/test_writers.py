"""The three writers, read back as a person's tools read them: formulas never live, Excel cells
typed, a PDF that names its list and pages and shows non-Latin names, and rows taken a chunk
at a time."""

import csv
import gc
import io
import weakref
from datetime import datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core.domain.exports import CellKind, Column, ExportFormat, ExportHeading
from core.exports.export import write_file

EVIL = '=HYPERLINK("http://evil.example","x")'
COLUMNS = (Column("Lead", CellKind.INTEGER, 8), Column("Name", width=20), Column("Company", width=30),
           Column("Score", CellKind.DECIMAL, 8), Column("Utilization", CellKind.PERCENT, 10),
           Column("Created", CellKind.DATETIME, 19), Column("Over", CellKind.FLAG, 6))
CREATED = datetime(2026, 11, 30, 14, 5, 7)
HEADING = ExportHeading("Leads", datetime(2026, 12, 2, 9, 30), "Mia Manager (man)",
                        "status new; category hot")
NAMES = ["Анна Петрова", "Νίκος Παπαδόπουλος", "Zoë", "a", "b", "c"]
FORMULAS = [EVIL, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def rows():
    """A formula-looking text in every way a spreadsheet starts one, and numbers, negative too."""
    return [(i + 1, name, company, -3.5 if i == 0 else 87.25, 112.5, CREATED, i == 0)
            for i, (name, company) in enumerate(zip(NAMES, FORMULAS, strict=True))]


def exported(fmt):
    data, count = write_file(fmt, COLUMNS, [rows()[:3], rows()[3:]], HEADING)
    assert count == len(FORMULAS)
    return data


def test_csv_cells_that_start_a_formula_get_an_apostrophe_and_numbers_stay_numbers():
    read = list(csv.reader(io.StringIO(exported(ExportFormat.CSV).decode("utf-8-sig"), newline="")))
    assert read[0] == [c.title for c in COLUMNS]
    assert [r[2] for r in read[1:]] == ["'" + f for f in FORMULAS]
    assert read[1][:2] == ["1", "Анна Петрова"] and read[1][3] == "-3.50"  # a negative number is no formula
    assert read[1][5:] == ["2026-11-30 14:05:07", "yes"]


def test_excel_holds_text_as_text_never_a_formula():
    sheet = load_workbook(io.BytesIO(exported(ExportFormat.EXCEL))).worksheets[0]
    companies = [sheet.cell(row=r, column=3) for r in range(2, 8)]
    # (without lxml, openpyxl writes a carriage return that XML reads back as a line feed)
    assert [c.value.replace("\n", "\r") for c in companies] == ["'" + f for f in FORMULAS]
    assert {c.data_type for c in companies} == {"s"}  # "f" would be a live formula


def test_excel_cells_are_typed_under_a_bold_frozen_header_with_widths():
    book = load_workbook(io.BytesIO(exported(ExportFormat.EXCEL)))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [c.title for c in COLUMNS] and all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 30
    first = [c.value for c in sheet[2]]
    assert first == [1, "Анна Петрова", "'" + EVIL, -3.5, 112.5, CREATED, True]
    assert (sheet["D2"].data_type, sheet["D2"].number_format) == ("n", "0.00")
    assert sheet["F2"].is_date
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["Exported by"] == "Mia Manager (man)" and about["Rows"] == 6
    assert about["Filters"] == "status new; category hot"


def test_the_pdf_names_its_list_date_filters_and_user_shows_non_latin_names_and_no_live_formula():
    reader = PdfReader(io.BytesIO(exported(ExportFormat.PDF)))
    text = reader.pages[0].extract_text()
    assert "Leads" in text and "2026-12-02 09:30 UTC by Mia Manager (man)" in text
    assert "Filters: status new; category hot" in text
    assert "Анна Петрова" in text and "Νίκος Παπαδόπουλος" in text
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'+1+1" in text
    assert "Page 1 of 1" in text


def test_a_long_pdf_repeats_the_column_heads_and_counts_its_pages():
    many = [(i, "Анна", "x", 1.0, 1.0, CREATED, False) for i in range(200)]
    reader = PdfReader(io.BytesIO(write_file(ExportFormat.PDF, COLUMNS, [many], HEADING)[0]))
    pages = len(reader.pages)
    assert pages > 2
    last = reader.pages[-1].extract_text()
    assert f"Page {pages} of {pages}" in last and "Lead Name Company" in last


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_writers_take_rows_a_chunk_at_a_time_and_keep_none_of_the_chunks_done(fmt):
    """Memory stays flat: when the next chunk is asked for, the writer holds no chunk before the
    one it just wrote (it would hold them all if it gathered the rows before writing)."""

    class Chunk(list):  # a plain list cannot be weakly referenced
        pass

    done: list[weakref.ref] = []
    still_held = []

    def chunks():
        for start in range(0, 3_000, 1_000):
            gc.collect()
            still_held.extend(ref for ref in done[:-1] if ref() is not None)
            chunk = Chunk((i, "n", "c", 1.0, 1.0, CREATED, False) for i in range(start, start + 1_000))
            done.append(weakref.ref(chunk))
            yield chunk
            del chunk

    data, count = write_file(fmt, COLUMNS, chunks(), HEADING)
    assert count == 3_000 and data and len(done) == 3
    assert still_held == []
