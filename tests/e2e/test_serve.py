"""README command 1 in miniature: `streamlit run app.py` serves, and its health check answers."""

import pytest

from db.demo import seed_demo
from tests.e2e.conftest import http_get, streamlit_server


@pytest.fixture
def served_app(engine, database_url, tmp_path):
    seed_demo(engine, leads=100, agents=5, password_rounds=4)
    with streamlit_server(database_url, tmp_path / "out.log") as served:
        yield served


def test_streamlit_serves_the_app_and_reports_healthy(served_app):
    base, process = served_app
    assert process.poll() is None, "streamlit exited early"
    assert http_get(f"{base}/_stcore/health") == (200, "ok")
    status, html = http_get(base)
    assert status == 200 and "<noscript>" in html
