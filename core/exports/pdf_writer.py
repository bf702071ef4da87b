"""PDF: a titled table that says when it was exported, by whom and with which filters, with
the column heads on every page and "Page n of m" at the foot. DejaVu Sans (shipped in
assets/fonts, free licence beside it) shows Cyrillic, Greek and most Latin-script names."""

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from fpdf import FPDF

from core.domain.exports import CellKind, Column, ExportHeading
from core.exports.cells import Chunks, rows_of, shown

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT = "DejaVu"
ROW_MM, HEAD_MM, FOOT_MM = 6.0, 7.0, 14.0
TEXT_PT, HEAD_PT, TITLE_PT = 7.5, 8.0, 14.0
LONGEST_CELL = 300  # characters measured before cutting a cell to its column's width
ELLIPSIS = "…"
NUMBERS = {CellKind.INTEGER, CellKind.DECIMAL, CellKind.PERCENT}  # right-aligned, as figures are


class _TablePdf(FPDF):
    def __init__(self, columns: Sequence[Column], heading: ExportHeading) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.columns, self.heading = columns, heading
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=False)  # rows break pages themselves, heads repeated
        self.set_margins(10, 10, 10)
        self.set_title(heading.title)
        self.set_creator("LeadOps")
        total = sum(column.width for column in columns) or 1
        self.widths = [self.epw * column.width / total for column in columns]

    def header(self) -> None:
        if self.page_no() == 1:
            self.set_font(FONT, "B", TITLE_PT)
            self.cell(0, 8, self.heading.title, new_x="LMARGIN", new_y="NEXT")
            self.set_font(FONT, "", 9)
            heading = self.heading
            for line in (f"Exported {heading.exported_at:%Y-%m-%d %H:%M} UTC by {heading.exported_by}",
                         f"Filters: {heading.filters}"):
                self.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
            self.ln(2)
        self.set_font(FONT, "B", HEAD_PT)
        self.set_fill_color(230, 230, 230)
        for column, width in zip(self.columns, self.widths, strict=True):
            self.cell(width, HEAD_MM, fit(self, column.title, width), border=1, fill=True)
        self.ln(HEAD_MM)
        self.set_font(FONT, "", TEXT_PT)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 8)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_font(FONT, "", TEXT_PT)


def fit(pdf: FPDF, text: str, width: float) -> str:
    """The text, cut with an ellipsis to fit the cell (a click on the app shows it whole)."""
    text = " ".join(text[:LONGEST_CELL].split())  # one line: tabs and line breaks as spaces
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    while text and pdf.get_string_width(text + ELLIPSIS) > room:
        text = text[:-1]
    return text + ELLIPSIS


def write_pdf(out: BinaryIO, columns: Sequence[Column], chunks: Chunks, heading: ExportHeading) -> int:
    """Write the rows as a PDF table; returns how many rows were written."""
    pdf = _TablePdf(columns, heading)
    pdf.add_page()
    count = 0
    for row in rows_of(chunks):
        if pdf.get_y() + ROW_MM > pdf.h - FOOT_MM:
            pdf.add_page()
        for value, column, width in zip(row, columns, pdf.widths, strict=True):
            pdf.cell(width, ROW_MM, fit(pdf, shown(value, column), width), border=1,
                     align="R" if column.kind in NUMBERS else "L")
        pdf.ln(ROW_MM)
        count += 1
    if count == 0:
        pdf.cell(0, ROW_MM, "No rows match these filters.")
    out.write(bytes(pdf.output()))
    return count
