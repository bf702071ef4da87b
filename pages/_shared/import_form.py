"""The import panel: upload a CSV, map its columns to lead fields, import, read the report."""

import pandas as pd
import streamlit as st

from core.bulk.import_file import FIELDS, REQUIRED_FIELDS, default_mapping, read_import_file
from core.domain.identity import Actor
from core.exports.safe_csv import to_safe_csv
from core.routing.arrival import import_and_route
from pages._shared import context
from pages._shared.feedback import attempt
from pages._shared.literal import literal
from pages._shared.tables import EMPTY

NOT_MAPPED = "(none)"


def render_import(actor: Actor) -> None:
    upload = st.file_uploader("CSV of new leads (UTF-8, a header row)", type="csv", key="im_file")
    if upload is None:
        st.caption("Columns named like the fields (name, email, phone, company, source, "
                   "required_skill, due_date) are mapped for you.")
        return
    file = attempt(lambda: read_import_file(upload.getvalue()))
    if file is None:
        return
    st.caption(f"{len(file.rows):,} rows, columns: {literal(', '.join(file.columns))}")
    guessed, mapping = default_mapping(file.columns), {}
    columns = st.columns(4)
    for index, field in enumerate(FIELDS):
        options = [NOT_MAPPED, *file.columns]
        label = f"{field}{' *' if field in REQUIRED_FIELDS else ''}"
        chosen = columns[index % 4].selectbox(label, options, key=f"im_map_{field}",
                                              index=options.index(guessed[field] or NOT_MAPPED))
        mapping[field] = None if chosen == NOT_MAPPED else chosen
    all_or_nothing = st.checkbox("All or nothing (import only if every row is valid)", key="im_all")
    if not st.button("Import", type="primary", key="im_go"):
        return
    result = attempt(lambda: import_and_route(context.writer, actor, file, mapping,
                                              all_or_nothing=all_or_nothing))
    if result is None:
        return
    refused = sum(1 for _, outcome, _ in result.report if outcome == "refused")
    if result.imported:
        routed = (f" {result.routed} of them routed at once by the rules that route on arrival "
                  f"(batch {result.routing_batch_id[:8]})." if result.routing_batch_id else "")
        st.success(f"{result.imported} lead(s) imported.{routed}", icon=":material/check_circle:")
    if result.note:
        st.warning(literal(result.note), icon=":material/warning:")
    if refused:
        nothing = " Nothing was imported." if not result.imported else ""
        st.error(f"{refused} row(s) refused.{nothing}", icon=":material/block:")
    report = pd.DataFrame(result.report, columns=["Line", "Result", "Detail"])
    st.dataframe(report, hide_index=True, key="im_report", placeholder=EMPTY)
    st.download_button("Download the report (CSV)", to_safe_csv(report), "import-report.csv",
                       "text/csv", key="im_report_csv")
