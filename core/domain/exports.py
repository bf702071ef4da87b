"""Exports (docs/exports.md): the formats, the columns of a list as a file, what a file says
about itself, and the limits on how many rows one may hold."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# Rows read from storage and written at a time: the rows in memory stay this many, however
# many the file holds.
CHUNK_ROWS = 2_000
DEFAULT_MAX_ROWS = 100_000  # the setting LEADOPS_EXPORT_MAX_ROWS overrides it
# A PDF is a table to read on paper or screen: 5,000 rows are about a hundred pages already,
# and fpdf2 keeps the whole document in memory until it is written.
PDF_MAX_ROWS = 5_000


class ExportFormat(StrEnum):
    CSV = "csv"
    EXCEL = "xlsx"
    PDF = "pdf"

    @property
    def label(self) -> str:
        return {ExportFormat.CSV: "CSV", ExportFormat.EXCEL: "Excel", ExportFormat.PDF: "PDF"}[self]

    @property
    def mime(self) -> str:
        return {ExportFormat.CSV: "text/csv",
                ExportFormat.EXCEL: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ExportFormat.PDF: "application/pdf"}[self]


class ExportList(StrEnum):
    """The lists that export, named as the audit trail and the file name name them."""

    LEADS = "leads"
    LEADERBOARD = "leaderboard"
    AGENTS = "agents"
    BATCH = "batch"
    AUDIT_LOG = "audit-log"


class CellKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"        # shown with two decimals
    PERCENT = "percent"        # a number of percent points (87.5 reads "87.5%")
    DATETIME = "datetime"      # naive UTC
    FLAG = "flag"              # yes / no


@dataclass(frozen=True)
class Column:
    title: str
    kind: CellKind = CellKind.TEXT
    width: int = 14  # characters: Excel's column width, and the PDF's share of the page


@dataclass(frozen=True)
class ExportHeading:
    """What a file says about itself (the PDF's heading, the workbook's "About" sheet)."""

    title: str
    exported_at: datetime
    exported_by: str   # "Mia Manager (man)"
    filters: str       # "status new; category hot" or "none"


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    mime: str
    data: bytes
    rows: int
