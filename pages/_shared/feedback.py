"""How outcomes reach a person: one sentence, never a traceback, user text shown as typed."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from core.domain.errors import LeadOpsError
from pages._shared import state
from pages._shared.literal import literal

T = TypeVar("T")
log = logging.getLogger("leadops")


def attempt(action: Callable[[], T]) -> T | None:
    """Run a use case; show its refusal as an error message and return None."""
    try:
        return action()
    except LeadOpsError as exc:
        st.error(literal(exc.message), icon=":material/block:")
    except Exception:  # noqa: BLE001 - the page must not show a traceback; the log keeps it
        log.exception("Unexpected error")
        st.error(
            "Something went wrong and nothing was changed. Try again; if it keeps happening, "
            "tell your admin the time it happened.",
            icon=":material/warning:",
        )
    return None


def attempt_or_stop(action: Callable[[], T]) -> T:
    """Run a use case the rest of the page needs; if it is refused, show why and stop here."""
    result = attempt(action)
    if result is None:
        st.stop()
    return result


@contextmanager
def progress_bar(text: str) -> Iterator[Callable[[float], None]]:
    """A bar that a long job moves (0.0 to 1.0), removed when the job ends however it ends:
    left on screen, a full bar reads as work still going on."""
    bar = st.progress(0.0, text=text)

    def move(done: float) -> None:
        bar.progress(done, text=f"{text} {done:.0%}")

    try:
        yield move
    finally:
        bar.empty()


def succeed_and_refresh(*messages: str, warnings: tuple[str, ...] = ()) -> None:
    """Keep the outcome for the next run, then rerun so every figure on the page is fresh."""
    st.session_state[state.FLASH] = [("success", m) for m in messages] + [
        ("warning", w) for w in warnings]
    st.rerun()


def show_flash() -> None:
    for kind, message in st.session_state.pop(state.FLASH, []):
        if kind == "success":
            st.success(literal(message), icon=":material/check_circle:")
        else:
            st.warning(literal(message), icon=":material/warning:")
