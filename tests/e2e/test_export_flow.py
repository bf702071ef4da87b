"""Exports in a real browser: a table's own toolbar offers no raw "Download as CSV", and the
Export control's file reaches the browser with the formula neutralized."""

import csv
import io
import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Lead
from tests.backends import in_ci

if not in_ci():  # without Playwright the conftest skips these tests; under CI they fail
    pytest.importorskip("playwright", reason="Playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.helpers import acme_id, click, enter_text, go_to, grid_with_column, log_in  # noqa: E402

EVIL = '=HYPERLINK("http://evil.example","x")'


def lead_with_evil_company(engine) -> int:
    """A new lead of acme (the newest: the flows pick the oldest) whose company is a formula."""
    with Session(engine) as s:
        lead_id = s.scalar(select(Lead.id).where(Lead.tenant_id == acme_id(s), Lead.status == "new")
                           .order_by(Lead.id.desc()).limit(1))
        s.execute(update(Lead).where(Lead.id == lead_id).values(company=EVIL))
        s.commit()
    return lead_id


def test_no_table_download_writes_a_formula_raw(page, demo_app):
    lead_id = lead_with_evil_company(demo_app.engine)
    log_in(page, demo_app.url, "supervisor")
    go_to(page, "Lead assignment")
    enter_text(page, page.get_by_role("textbox", name="Search name, company, email, phone or #id"),
               "evil.example")
    expect(page.get_by_text(re.compile(r"^1 leads match"))).to_be_visible()
    grid = grid_with_column(page, "Company")
    grid.hover()  # the grid's toolbar shows on hover
    toolbar = page.get_by_test_id("stElementToolbar").filter(has=page.get_by_role("button", name="Search"))
    expect(toolbar.first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Download as CSV"))).to_have_count(0)

    # The way to a file is the Export control: its CSV holds the company as text, never a formula.
    click(page, page.get_by_role("button", name="Prepare export"))
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"^Download leads-.*\.csv \(1 rows\)")).click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"), newline="")))
    assert rows[0][:3] == ["Lead", "Name", "Company"]
    assert [row[0] for row in rows[1:]] == [str(lead_id)] and rows[1][2] == "'" + EVIL
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
