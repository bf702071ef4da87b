"""One Streamlit run of each page at the bench's size, through app.py as a served app does."""

import logging
import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
# Every page of app.py, as the admin (who may open all of them) first sees it.
TITLES = {"agent_capacity": "Agent capacity", "lead_assignment": "Lead assignment",
          "bulk_operations": "Bulk operations", "scoring_leaderboard": "Scoring leaderboard",
          "scoring_weights": "Scoring weights", "audit_log": "Audit log"}
PAGES = {name: f"pages/{name}.py" for name in TITLES}
RUN_TIMEOUT_S = 600


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _navigation_as_in_a_running_server() -> Iterator[None]:
    """AppTest re-detects `pages/` before every run and would then run a page file without
    app.py; a served app stops doing that once app.py calls st.navigation (tests/ui/conftest.py
    does the same with monkeypatch)."""
    from streamlit.runtime.pages_manager import PagesManager

    original_init, original_flag = PagesManager.__init__, PagesManager.uses_pages_directory

    def init_then_use_navigation(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init_then_use_navigation  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original_init  # type: ignore[method-assign]
        PagesManager.uses_pages_directory = original_flag


def _timed_run(at: "AppTest", name: str, *, switch: bool = True) -> float:
    """One run of the page `name`; without `switch`, the default page (app.py's first)."""
    started = time.perf_counter()
    (at.switch_page(PAGES[name]) if switch else at).run()
    seconds = time.perf_counter() - started
    problems = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
    if not problems and TITLES[name] not in [t.value for t in at.title]:
        problems = [f"the page did not render (titles: {[t.value for t in at.title]})"]
    if problems:
        raise RuntimeError(f"{PAGES[name]} failed in the bench: {problems[0][:500]}")
    return seconds


def _open_first_listed_lead(at: "AppTest") -> None:
    """Lead assignment opens a lead only once its row is clicked: open the first one listed, so
    that page's run times the lead's detail and the agents ranked for it too."""
    from pages._shared import state

    at.switch_page(PAGES["lead_assignment"]).run()
    listed = next(frame.value for frame in at.dataframe if "Lead" in frame.value.columns)
    at.session_state[state.OPEN_LEAD] = int(listed["Lead"].iloc[0])


def page_runs(url: str, username: str, audit_secret: str,
              progress: Callable[[str], None]) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds of each page's cold run, then of one warm run per page.

    A cold run is the page's first in a fresh process, as after a deploy: its caches are empty
    and the engine not yet opened, but the imports (of Streamlit, pandas, plotly and of every
    page's modules) are done before, untimed.

    The session is seeded as logged in, as the UI tests do: the cookie component of the login
    does not render under AppTest.
    """
    from streamlit.testing.v1 import AppTest

    _import_pages()
    # AppTest's own calls outside a script run warn about a missing ScriptRunContext: harmless.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    with _environment(DATABASE_URL=url, LEADOPS_COOKIE_KEY=secrets.token_urlsafe(32),
                      LEADOPS_AUDIT_KEY=audit_secret), \
            _navigation_as_in_a_running_server():
        at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_S)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["roles"] = ["admin"]
        at.session_state["leadops_session_generation"] = 0  # the bench admin was just created
        cold = {"agent_capacity": _timed_run(at, "agent_capacity", switch=False)}
        cold.update({name: _timed_run(at, name) for name in PAGES if name != "agent_capacity"})
        progress("cold page runs (first run of each, caches empty, imports done before): "
                 + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in cold.items()))
        _open_first_listed_lead(at)
        return cold, {name: _timed_run(at, name) for name in PAGES}


def _import_pages() -> None:
    """Import every module the pages import, so that a cold run times the page's own work and
    not the imports (a served app pays them once per process, before its first user)."""
    import importlib
    import pkgutil

    import pages._shared

    # Imported outside a script run, each cached function warns that it keeps its entries in
    # memory, which is where a running server keeps them too.
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    importlib.import_module("plotly.express")
    for module in pkgutil.iter_modules(pages._shared.__path__, "pages._shared."):
        importlib.import_module(module.name)
