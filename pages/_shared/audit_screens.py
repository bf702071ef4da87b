"""Where the audit log page stands: the screen's cursor, kept for as long as the filters stay
the same (a changed filter starts again from the newest rows), and a batch opened from a row."""

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from core.domain.audit import AuditCursor, AuditFilters, AuditRecord
from core.domain.batches import short_id
from pages._shared import state

SCREEN_ROWS = 50


def _cursors(filters: AuditFilters) -> list[AuditCursor]:
    """The cursors that opened each screen since the newest, under these filters (a changed
    filter starts again from the newest rows)."""
    kept = st.session_state.get(state.AUDIT_SCREEN)
    return list(kept[1]) if kept and kept[0] == filters else []


def position(filters: AuditFilters) -> AuditCursor | None:
    """The cursor of the screen to show: None for the newest rows."""
    cursors = _cursors(filters)
    return cursors[-1] if cursors else None


def older(filters: AuditFilters, last_row: AuditCursor) -> None:
    st.session_state[state.AUDIT_SCREEN] = (filters, [*_cursors(filters), last_row])
    st.rerun()


def newer(filters: AuditFilters) -> None:
    """Back to the screen before: read again from the cursor that opened it."""
    st.session_state[state.AUDIT_SCREEN] = (filters, _cursors(filters)[:-1])
    st.rerun()


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Batches by the short id every screen names them with."""
    frame["Batch"] = [short_id(b) if isinstance(b, str) else b for b in frame["Batch"]]
    return frame


def _open_batch(batch_id: str) -> None:
    st.session_state[state.AUDIT_BATCH] = short_id(batch_id)
    for key in ("au_action", "au_entity"):
        st.session_state[key] = ""
    for key in ("au_actor", "au_entity_id", "au_reason"):
        st.session_state[key] = ""
    for key in ("au_since", "au_until"):
        st.session_state[key] = None


def batch_button(column: Any, rows: Sequence[AuditRecord], selected: Sequence[int]) -> None:
    """For a selected row of a batch: a button that shows the whole batch (every filter but the
    batch cleared)."""
    picked = [rows[i] for i in selected if i < len(rows)]
    if not picked or not picked[0].batch_id:
        column.caption("Select a row of a batch to see the whole batch.")
        return
    batch_id = picked[0].batch_id
    column.button(f"Show all of batch {short_id(batch_id)}", key="au_open_batch",
                  on_click=_open_batch, args=(batch_id,))
