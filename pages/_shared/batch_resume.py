"""Batches that stopped part-way: what each did, and a button to finish it."""

import streamlit as st

from core.bulk.resume import resume_batch
from core.domain.batches import Batch, BatchKind, short_id
from core.domain.identity import Actor
from pages._shared import context
from pages._shared.feedback import attempt, progress_bar, succeed_and_refresh


def render_resume(actor: Actor, stopped: list[Batch]) -> None:
    if not stopped:
        return
    for batch in stopped:
        undo = " or undo what it applied" if batch.kind == BatchKind.BULK_ASSIGN else ""
        st.warning(f"Batch {short_id(batch.id)} ({batch.kind.value}) stopped after {batch.recorded:,} "
                   f"of {batch.planned:,} leads. Resume it to finish the rest{undo}.",
                   icon=":material/pause_circle:")
    chosen = st.selectbox("Batch to resume", [batch.id for batch in stopped], format_func=short_id,
                          key="bk_resume_batch")
    if chosen and st.button("Resume this batch", key="bk_resume"):
        with progress_bar("Resuming…") as progress:
            result = attempt(lambda: resume_batch(context.writer, actor, chosen, progress=progress))
        if result is not None:
            succeed_and_refresh(f"Batch {short_id(chosen)} is complete: {result.applied} more lead(s) "
                                f"done now, {result.refused} refused.")
