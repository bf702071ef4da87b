"""Issue 18 in a real browser: the lead filters live in the URL, so a reload keeps them and the
list stays filtered, and the same link opened in a fresh browser (through the login) shows the
same filters."""

import re

import pytest

from tests.backends import in_ci
from tests.e2e.conftest import wait_for_app

if not in_ci():  # without Playwright the conftest skips these tests; under CI they fail
    pytest.importorskip("playwright", reason="Playwright is not installed")
from playwright.sync_api import Locator, Page, expect  # noqa: E402

from tests.e2e.helpers import choose, go_to, log_in, submit_login  # noqa: E402
from tests.ui.test_login import PASSWORDS  # noqa: E402

MATCHING = re.compile(r"^(\d[\d,]*|more than [\d,]+) leads match")


def multiselect(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMultiSelect").filter(has=box(page, label))


def box(page: Page, label: str) -> Locator:
    return page.get_by_role("combobox", name=label, exact=True)


def pick(page: Page, label: str, option: str) -> None:
    choose(page, box(page, label), option, re.compile(f"^{option}$"), multiselect=True)
    wait_for_app(page)  # a filter outside a form reruns the script
    box(page, label).press("Escape")  # close the list, which stays open for a second choice


def matching(page: Page) -> str:
    caption = page.get_by_text(MATCHING)
    expect(caption).to_be_visible()
    return caption.inner_text()


def expect_hot_website_leads(page: Page, count: str) -> None:
    expect(multiselect(page, "Category")).to_contain_text("hot")
    expect(multiselect(page, "Source")).to_contain_text("website")
    expect(multiselect(page, "Status")).not_to_contain_text("new")
    assert matching(page) == count


def test_filters_survive_a_reload_and_a_link_through_the_login(page, new_page, demo_app):
    log_in(page, demo_app.url, "supervisor")
    go_to(page, "Lead assignment")
    every_new = matching(page)
    pick(page, "Category", "hot")
    pick(page, "Source", "website")
    box(page, "Status").click()
    box(page, "Status").press("Backspace")  # every status, not only new leads
    wait_for_app(page)
    box(page, "Status").press("Escape")
    expect(page).to_have_url(re.compile(r"lead_assignment\?.*categories=hot"))
    count = matching(page)
    assert count != every_new
    link = page.url
    assert "sources=website" in link and "statuses=" in link

    page.reload()
    wait_for_app(page)
    expect_hot_website_leads(page, count)
    expect(page).to_have_url(link)

    fresh = new_page()  # another browser: no session, no cookie
    fresh.goto(link)
    wait_for_app(fresh)
    submit_login(fresh, "supervisor", PASSWORDS["supervisor"], succeeds=True)
    expect(fresh.get_by_role("heading", name="Lead assignment", level=1)).to_be_visible()
    expect_hot_website_leads(fresh, count)
