"""How refusals reach a person: one sentence, never a traceback."""

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.errors import LeadOpsError

T = TypeVar("T")
log = logging.getLogger("leadops")


def attempt(action: Callable[[], T]) -> T | None:
    """Run a use case; show its refusal as an error message and return None."""
    try:
        return action()
    except LeadOpsError as exc:
        st.error(exc.message, icon="🚫")
    except Exception:  # noqa: BLE001 - the page must not show a traceback; the log keeps it
        log.exception("Unexpected error")
        st.error(
            "Something went wrong and nothing was changed. Try again; if it keeps happening, "
            "tell your admin the time it happened.",
            icon="⚠️",
        )
    return None
