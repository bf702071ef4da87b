"""Stale-view detection across Streamlit reruns.

A click reruns the page, and the rerun reads fresh rows before the button's code runs. What
the person actually saw is the previous run's version, so each run remembers the versions it
showed and hands the previous ones to the use case as `expected_version`.
"""

import streamlit as st

from pages._shared import state


def versions_seen_before(kind: str, shown_now: dict[int, int]) -> dict[int, int]:
    key = state.SEEN_VERSIONS + kind
    seen = st.session_state.get(key, {})
    st.session_state[key] = dict(shown_now)
    return {row_id: seen.get(row_id, version) for row_id, version in shown_now.items()}


def forget_seen(kind: str, row_id: int) -> None:
    """After the person's own change: the next run takes the version it reads as the one seen,
    so their own change is not reported as someone else's."""
    st.session_state.get(state.SEEN_VERSIONS + kind, {}).pop(row_id, None)
