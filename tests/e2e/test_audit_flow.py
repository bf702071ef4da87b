"""The audit log in the browser: an admin assigns a lead, runs a bulk assignment and changes a
weight; the manager finds the three on the audit log and downloads them as CSV."""

import csv
import json
import re

import pytest

from tests.backends import in_ci

if not in_ci():  # without Playwright the conftest skips these tests; under CI they fail
    pytest.importorskip("playwright", reason="Playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.helpers import (  # noqa: E402
    action_form,
    agents_with_room,
    bulk_commit,
    bulk_preview,
    click,
    enter_text,
    expect_message,
    go_to,
    grid_cell,
    grid_with_column,
    log_in,
    new_lead_without_skill,
    open_lead,
    pick_agent,
    press_on_slider,
    save_screenshot,
)

BULK_LEADS = 2
REASON = "Urgent leads first this quarter"


def test_manager_finds_an_admins_changes_in_the_audit_log_and_exports_them(page, new_page, demo_app,
                                                                           tmp_path):
    # The changes, made by the admin in the browser.
    lead_id, lead_name = new_lead_without_skill(demo_app.engine)
    agent = agents_with_room(demo_app.engine)[0].name
    admin = page
    log_in(admin, demo_app.url, "admin")
    go_to(admin, "Lead assignment")
    open_lead(admin, lead_id)
    assign = action_form(admin, "Assign")
    pick_agent(admin, assign, agent)
    click(admin, assign.get_by_role("button", name="Assign", exact=True))
    expect_message(admin, f"Lead #{lead_id} ({lead_name}) is assigned to {agent}.")

    go_to(admin, "Bulk operations")
    bulk_preview(admin, BULK_LEADS)
    batch = bulk_commit(admin, BULK_LEADS)

    go_to(admin, "Scoring weights")
    urgency = press_on_slider(admin, "Urgency", "ArrowRight")  # one step of 0.05 up
    admin.get_by_role("textbox", name=re.compile(r"^Why this change\?")).fill(REASON)
    click(admin, admin.get_by_role("button", name="Save and rescore every lead"))
    saved = expect_message(admin, re.compile(r"Saved version \d+;"))
    version = re.search(r"Saved version (\d+);", saved.text_content()).group(1)

    # The manager finds them, newest first.
    manager = new_page()
    log_in(manager, demo_app.url, "manager")
    go_to(manager, "Audit log")
    enter_text(manager, manager.get_by_role("textbox", name="By (user name or display name)"), "admin")
    caption = manager.get_by_text(re.compile(r"^[\d,]+ changes, newest first"))
    expect(caption).to_be_visible()
    assert "more…" not in caption.text_content()  # one screen holds them all: its count is theirs
    total = int(re.match(r"[\d,]+", caption.text_content()).group().replace(",", ""))
    table = grid_with_column(manager, "Action")
    expected = [  # (action, entity, id) of the admin's last changes, newest first
        ("scoring.weights_saved", "scoring_weights", version),
        ("bulk.assigned", "batch", re.compile(f"^{batch}")),
        *[("lead.assigned", "lead", re.compile(r"^\d+$"))] * BULK_LEADS,
        ("lead.assigned", "lead", str(lead_id)),
    ]
    table.scroll_into_view_if_needed()
    for row, (action, entity, entity_id) in enumerate(expected, start=1):
        expect(grid_cell(table, row, "By")).to_have_text("admin")
        expect(grid_cell(table, row, "Action")).to_have_text(action)
        expect(grid_cell(table, row, "Entity")).to_have_text(entity)
        expect(grid_cell(table, row, "Id")).to_have_text(entity_id)
    # (Reason and Batch are further right, out of the grid's view: the CSV below has them.)

    # ... and downloads them.
    click(manager, manager.get_by_role("button", name="Prepare export"))  # CSV, the first format
    download_button = manager.get_by_test_id("stDownloadButton").get_by_role("button")
    # (The total grows by one: the export is audited, after the file was written.)
    expect(download_button).to_have_text(re.compile(rf"^Download audit-log-.*\.csv \({total:,} rows\)$"))
    save_screenshot(manager, "audit-log.png")
    with manager.expect_download() as download_info:
        download_button.click()  # no rerun: the file is already made (pages/_shared/export_control.py)
    download = download_info.value
    assert re.fullmatch(r"audit-log-\d{8}-\d{4}\.csv", download.suggested_filename)
    path = tmp_path / "audit-log.csv"
    download.save_as(path)
    with path.open(newline="", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))

    assert len(rows) == total
    assert {row["By"] for row in rows} == {"admin"}
    weights, bulk, *bulk_leads, single = rows[:len(expected)]
    assert (weights["Action"], weights["Id"], weights["Reason"]) == ("scoring.weights_saved", version, REASON)
    assert json.loads(weights["After"])["weights"][3] == urgency
    assert (bulk["Action"], bulk["Entity"], bulk["Batch"]) == ("bulk.assigned", "batch", bulk["Id"])
    assert bulk["Id"].startswith(batch)
    assert json.loads(bulk["After"])["assigned"] == BULK_LEADS
    assert [(r["Action"], r["Batch"]) for r in bulk_leads] == [("lead.assigned", bulk["Id"])] * BULK_LEADS
    assert (single["Action"], single["Id"], single["Batch"]) == ("lead.assigned", str(lead_id), "")
    after = json.loads(single["After"])
    assert (after["status"], after["agent"]) == ("assigned", agent)
    assert json.loads(single["Before"]) == {"status": "new", "agent_id": None}
