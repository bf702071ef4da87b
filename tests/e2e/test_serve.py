"""README command 1 in miniature: `streamlit run app.py` serves, and its health check answers."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from db.demo import seed_demo

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


@pytest.fixture
def served_app(engine, database_url, tmp_path):
    seed_demo(engine, leads=100, agents=5, password_rounds=4)
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=database_url,
               LEADOPS_COOKIE_KEY="serve-test-cookie-key-0123456789abcdef")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.address=127.0.0.1", f"--server.port={port}", "--server.headless=true"],
        cwd=ROOT, env=env, stdout=(tmp_path / "out.log").open("w"), stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if _get(f"{base}/_stcore/health") == (200, "ok"):
                break
        except OSError:
            time.sleep(0.2)
    yield base, process
    process.terminate()
    process.wait(timeout=20)


def test_streamlit_serves_the_app_and_reports_healthy(served_app):
    base, process = served_app
    assert process.poll() is None, "streamlit exited early"
    assert _get(f"{base}/_stcore/health") == (200, "ok")
    status, html = _get(base)
    assert status == 200 and "<noscript>" in html
