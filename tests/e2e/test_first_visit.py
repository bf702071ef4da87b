"""A link is the first thing a freshly started server is asked for (after a deploy or a
restart): it opens the login form at that link's page and, once logged in, the page itself.

Streamlit treats the folder `pages/` beside app.py as a folder of pages until app.py has
called st.navigation once in that server process, so this needs a server of its own that has
served no one yet."""

import pytest

from tests.backends import in_ci
from tests.e2e.conftest import streamlit_server, wait_for_app

if not in_ci():  # without Playwright the conftest skips these tests; under CI they fail
    pytest.importorskip("playwright", reason="Playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.helpers import submit_login  # noqa: E402
from tests.ui.test_login import PASSWORDS  # noqa: E402


def test_a_link_as_a_fresh_servers_first_request_logs_in_to_that_page(page, demo_app, tmp_path):
    url = demo_app.engine.url.render_as_string(hide_password=False)
    with streamlit_server(url, tmp_path / "streamlit.log") as (base, _process):
        page.goto(f"{base}/bulk_operations")
        wait_for_app(page)
        expect(page.get_by_role("textbox", name="Username")).to_be_visible()
        expect(page.get_by_text("You are not logged in")).to_have_count(0)
        submit_login(page, "supervisor", PASSWORDS["supervisor"], succeeds=True)
        expect(page.get_by_role("heading", name="Bulk operations", level=1)).to_be_visible()
        assert page.url.rstrip("/").endswith("/bulk_operations")
