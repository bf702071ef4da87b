"""End-to-end fixtures: the app served by `streamlit run`, and Debian's Chromium driving it.

The browser tests run on SQLite only (the database layer runs on both backends elsewhere).
Without /usr/bin/chromium (or without Playwright) they skip with one line, except under
CI=true, where a missing browser fails the run, as a missing MySQL backend does.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from db.demo import seed_demo
from settings import Settings
from tests.backends import in_ci

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# `playwright install` is not used: Playwright drives the distribution's Chromium.
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
)
VIEWPORT = {"width": 1400, "height": 1000}
COOKIE_KEY = "e2e-test-cookie-key-0123456789abcdefghij"
LOGIN_COOKIE = Settings.cookie_name  # the cookie streamlit-authenticator sets after a login
START_SECONDS = 60
START_ATTEMPTS = 3  # another process may take our "free" port before streamlit binds it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def _healthy(base: str) -> bool:
    try:
        return http_get(f"{base}/_stcore/health") == (200, "ok")
    except OSError:
        return False


def _start(database_url: str, log_path: Path) -> tuple[subprocess.Popen, str] | None:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, LEADOPS_COOKIE_KEY=COOKIE_KEY)
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.address=127.0.0.1", f"--server.port={port}", "--server.headless=true",
             # Files edited while the tests run must not reload the app under them.
             "--server.fileWatcherType=none", "--server.runOnSave=false",
             # A full garbage collection after every run costs ~0.1 s of CPU each time.
             "--runner.postScriptGC=false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if _healthy(base):
            return process, base
        time.sleep(0.2)  # polling a server that is starting: nothing to wait on but time
    _stop(process)
    return None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@contextmanager
def streamlit_server(database_url: str, log_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run app.py` on a free 127.0.0.1 port: (base URL, process) once healthy."""
    for _ in range(START_ATTEMPTS):
        started = _start(database_url, log_path)
        if started is not None:
            break
    else:
        tail = log_path.read_text()[-2000:] if log_path.exists() else ""
        pytest.fail(f"streamlit run did not become healthy; its output:\n{tail}")
    process, base = started
    try:
        yield base, process
    finally:
        _stop(process)


@dataclass(frozen=True)
class DemoApp:
    url: str
    engine: Engine  # the served database, for arranging and checking data behind the UI


@pytest.fixture(scope="session")
def demo_app(sqlite_backend, tmp_path_factory) -> Iterator[DemoApp]:
    """A freshly seeded SQLite demo served by `streamlit run`, shared by the browser tests."""
    directory = tmp_path_factory.mktemp("e2e-demo")
    engine = sqlite_backend.fresh_engine(directory)
    seed_demo(engine, leads=300, agents=12, password_rounds=4)
    with streamlit_server(engine.url.render_as_string(hide_password=False),
                          directory / "streamlit.log") as (base, _process):
        yield DemoApp(base, engine)
    engine.dispose()


@pytest.fixture(scope="session")
def app_url(demo_app) -> str:
    return demo_app.url


def browser_unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if find_spec("playwright") is None:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = browser_unavailable()
    if reason is None or in_ci():  # under CI the browser fixture fails instead
        return
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    reason = browser_unavailable()
    if reason:
        pytest.fail(f"browser unavailable under CI=true: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


class ScriptRuns:
    """The script runs of one page, read from the page's websocket traffic.

    The DOM alone cannot tell "the click's run is over" from "the click's run has not
    started yet": `data-test-script-state` reads "notRunning" in both. `st.rerun()` (after a
    login or a change) ends a run early and starts another, with "notRunning" in between.
    And the frontend itself sometimes asks for one more run (a data editor resetting its
    edits after a save). The messages say it exactly: each rerun request the browser sends
    (BackMsg `rerun_script`) is answered by a run that starts after it (`new_session`) and
    ends for good (`script_finished` with a final status), after which the session is idle.

    A login has one more step. Once the login cookie is set, the cookie manager of
    streamlit-authenticator (a component keyed "init") reports the browser's cookies again,
    which reruns the app a second or third time, sometimes half a second after the runs before
    it ended. A click in that window is lost (the run it asked for is replaced by the cookie
    manager's, for the page shown before). So a login is over only once a run asked for with
    the login cookie in the cookie manager's report has ended.
    """

    FINAL = frozenset({ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
                       ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY})

    def __init__(self, page) -> None:
        self.socket = None
        self.requested = 0  # rerun requests sent, over every socket of the page
        self.started_for = 0  # requests sent before the run in progress started
        self.done_for = 0  # requests sent before the last run that ended for good started
        self.running = False
        self.waited_for = 0  # `requested` when wait_for_app last returned
        self.cookie_reported_by = 0  # the first request whose cookie report holds the login cookie
        page.on("domcontentloaded", self._new_document)
        page.on("websocket", self._attach)

    def _new_document(self, _page) -> None:
        # A reload does not report the old socket closed: forget it. Streamlit opens the new
        # one only after it has pinged the server, so well after DOMContentLoaded.
        self.socket = None
        self.running = False

    def _attach(self, socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            self.socket = socket
            self.running = False
            socket.on("framesent", self._on_sent)
            socket.on("framereceived", self._on_received)

    def _on_sent(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = BackMsg.FromString(payload)
        if message.HasField("rerun_script"):
            self.requested += 1
            if not self.cookie_reported_by and any(
                    widget.id.endswith("-init") and LOGIN_COOKIE in widget.json_value
                    for widget in message.rerun_script.widget_states.widgets):
                self.cookie_reported_by = self.requested

    def _on_received(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.started_for = self.requested
        elif kind == "session_status_changed":
            self.running = message.session_status_changed.script_is_running
        elif kind == "script_finished" and message.script_finished in self.FINAL:
            self.done_for = self.started_for

    @property
    def idle(self) -> bool:
        """Every request has had its full run."""
        return self.done_for == self.requested and not self.running

    def settled(self, *, logging_in: bool = False) -> bool:
        """A request was sent since the last wait, and every request has had its full run (for a
        login, also the run that the cookie manager's report of the login cookie asked for)."""
        logged_in = not logging_in or 0 < self.cookie_reported_by <= self.done_for
        return self.requested > self.waited_for and self.idle and logged_in

    def pump(self, page, timeout_ms: float) -> None:
        """Let Playwright deliver events until the next websocket frame (or the new socket)."""
        if self.socket is None:
            page.wait_for_event("websocket", timeout=timeout_ms)
        else:
            self.socket.wait_for_event("framereceived", timeout=timeout_ms)


_RUNS: dict[object, ScriptRuns] = {}
IDLE_APP = ('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
            '[data-test-script-state="notRunning"]')
LOADING = '[data-testid="stAppSkeleton"], [data-testid^="stSkeleton"]'
WAIT_MS = 30_000


def wait_for_app(page, timeout_ms: float = WAIT_MS, *, logging_in: bool = False) -> None:
    """Wait until the script run asked for by the last action (goto, reload, click) is over.

    Call it once after every action that makes Streamlit rerun the script (not after typing
    into a form, which does not). Then the page is idle as Streamlit's own e2e tests define
    it: `stApp` connected and its script "notRunning". After submitting the login form, pass
    `logging_in=True`: the login is over only after the cookie manager's reruns (ScriptRuns).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    runs = _RUNS[page]
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        while not runs.settled(logging_in=logging_in):
            remaining_ms = (deadline - time.monotonic()) * 1000
            try:
                if remaining_ms <= 0:
                    raise PlaywrightTimeout("deadline passed")
                runs.pump(page, remaining_ms)
            except PlaywrightTimeout as exc:
                why = ("the cookie manager never reported the login cookie (a component keyed "
                       "'init' in streamlit-authenticator)" if logging_in and not runs.cookie_reported_by
                       else "did the action make Streamlit rerun?")
                raise AssertionError(f"no script run ended within {timeout_ms / 1000:.0f} s of the "
                                     f"last action ({why})") from exc
        # The frontend renders the run's last messages a moment after they arrive, and shows a
        # skeleton for an element (a chart, a grid) until its code has loaded. (wait_for checks
        # every animation frame; expect() would back off to 100-1000 ms between checks.)
        page.locator(IDLE_APP).wait_for(state="attached", timeout=timeout_ms)
        page.locator(LOADING).first.wait_for(state="detached", timeout=timeout_ms)
        if runs.idle:  # no request (a component's, say) came in while the page was drawn
            break
    runs.waited_for = runs.requested


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed  # read by new_page's teardown
    return report


@pytest.fixture
def new_page(browser, request, tmp_path):
    """Opens pages, each in a browser context of its own (a second user, say), 1400x1000.
    After a failed test each page's screenshot is kept in the test's tmp_path."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        _RUNS[page] = ScriptRuns(page)
        return page

    yield open_page
    for number, context in enumerate(contexts):
        for page in context.pages:
            if getattr(request.node, "e2e_failed", False):
                with suppress(Exception):  # a picture to debug with, if the page still can
                    page.screenshot(path=tmp_path / f"failed-page-{number}.png", full_page=True)
            _RUNS.pop(page, None)
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context: no cookies or storage carried over from another test."""
    return new_page()
