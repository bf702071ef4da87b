"""The lead table of Lead assignment: a click on a row opens that lead.

The open lead is kept by id in session state, not as a position in the table: after a change,
a new sort or a search the table lists other leads (the one just assigned leaves a list of new
leads), and the open lead must stay open all the same. The table's key follows the ids it
lists, so a row selection is only ever read against the rows it was made on; a new list
starts with the open lead's row selected if it is there, else with none.
"""

import hashlib

import streamlit as st
from streamlit.elements.arrow import DataframeStateInput

from core.domain.leads import LeadRow
from pages._shared import state
from pages._shared.tables import EMPTY, LEAD_LIST, table

ROW_PX, VISIBLE_ROWS = 35, 8  # short enough that the open lead's detail shows below it


def _key(ids: list[int]) -> str:
    return state.LEAD_LIST + hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:12]


def lead_table(rows: list[LeadRow]) -> int | None:
    """Show the leads; return the id of the open lead (just clicked, or opened before)."""
    ids = [row.id for row in rows]
    opened = st.session_state.get(state.OPEN_LEAD)
    default: DataframeStateInput | None = (
        {"selection": {"rows": [ids.index(opened)]}} if opened in ids else None)
    event = st.dataframe(
        table(rows, LEAD_LIST), hide_index=True, key=_key(ids), on_select="rerun", placeholder=EMPTY,
        selection_mode="single-row", selection_default=default,
        height=ROW_PX * (min(len(ids), VISIBLE_ROWS) + 1) + 3,
        column_config={"Score": st.column_config.NumberColumn(format="%.2f")})
    picked = event.selection.rows
    if picked:
        st.session_state[state.OPEN_LEAD] = ids[picked[0]]
    return st.session_state.get(state.OPEN_LEAD)
