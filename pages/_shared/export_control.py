"""The Export control of every list: a format, "Prepare export", then the download.

The file is built only when asked for (an export reads every matching row and is audited),
and offered in that same run; the download itself does not rerun the page. Core checks the
role, the tenant and the row limit, and refuses with a message shown here.
"""

from collections.abc import Callable

import streamlit as st

from core.domain.exports import PDF_MAX_ROWS, ExportFile, ExportFormat
from pages._shared import context
from pages._shared.feedback import attempt

# (format, the most rows a file may hold) -> the file
Exporter = Callable[[ExportFormat, int], ExportFile]


def export_control(key: str, what: str, export: Exporter) -> None:
    """Widgets keyed `{key}_…`; `what` names the rows ("the 1,234 matching leads")."""
    max_rows = context.settings().export_max_rows
    choice, prepare, download = st.columns([2, 1, 2], vertical_alignment="bottom")
    fmt = choice.radio(f"Export {what} as", list(ExportFormat), format_func=lambda f: f.label,
                       horizontal=True, key=f"{key}_format",
                       help=f"Every matching row, up to {max_rows:,} ({min(max_rows, PDF_MAX_ROWS):,} in a "
                            "PDF). Text that a spreadsheet would run as a formula starts with an "
                            "apostrophe. Each export is recorded in the audit log.")
    if not prepare.button("Prepare export", key=f"{key}_prepare", icon=":material/download:"):
        return
    with st.spinner("Preparing the file…"):
        file = attempt(lambda: export(fmt or ExportFormat.CSV, max_rows))
    if file is not None:
        download.download_button(f"Download {file.file_name} ({file.rows:,} rows)", file.data, file.file_name,
                                 file.mime, key=f"{key}_download", on_click="ignore", type="primary")
