"""The Export control on the pages: the file is made only when asked for, counts every matching
row (not the page shown), is audited, and a refusal is a sentence, not a traceback."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test

from core.domain.exports import ExportFormat
from db.models import Agent, AuditRow, Lead, Tenant
from tests.ui.conftest import logged_in_app, messages


def open_page(page, username, role):
    at = logged_in_app(username, role)
    at.switch_page(page).run()
    assert not at.exception
    return at


def acme_count(engine, query):
    with Session(engine) as s:
        acme = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
        return s.scalar(query(acme))


def exports_audited(engine):
    return acme_count(engine, lambda acme: select(func.count()).select_from(AuditRow).where(
        AuditRow.tenant_id == acme, AuditRow.action == "export.created"))


@pytest.fixture
def media(monkeypatch):
    """The files the runs served: AppTest keeps them in a storage it makes for each run."""
    made = []

    class Kept(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Kept)
    return made


def downloaded(at, media):
    """The download button's label and the file behind it, as the browser would fetch it."""
    [button] = at.get("download_button")
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    return button.label, media[-1].get_file(file_id).content


def test_the_lead_list_exports_every_matching_lead_to_excel_not_only_the_page(demo_url, engine, media):
    at = open_page("pages/lead_assignment.py", "supervisor", "supervisor")
    assert not at.get("download_button") and exports_audited(engine) == 0  # nothing made unasked
    new_leads = acme_count(engine, lambda acme: select(func.count()).select_from(Lead).where(
        Lead.tenant_id == acme, Lead.status == "new"))
    assert new_leads > 25  # more than the page of 25 shown
    at.radio(key="f_export_format").set_value(ExportFormat.EXCEL).run()
    at.button(key="f_export_prepare").click().run()
    assert not at.exception
    label, data = downloaded(at, media)
    assert label.startswith("Download leads-") and label.endswith(f".xlsx ({new_leads} rows)")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.max_row == new_leads + 1 and {c.value for c in sheet["D"][1:]} == {"new"}
    assert exports_audited(engine) == 1


def test_the_capacity_page_exports_its_agents_and_a_manager_may(demo_url, engine, media):
    at = open_page("pages/agent_capacity.py", "manager", "manager")
    agents = acme_count(engine, lambda acme: select(func.count()).select_from(Agent).where(
        Agent.tenant_id == acme))
    at.button(key="cap_export_prepare").click().run()
    assert not at.exception
    label, data = downloaded(at, media)
    assert label.endswith(f".csv ({agents} rows)")
    assert data.decode("utf-8-sig").splitlines()[0].startswith("Agent,Team,Availability")


def test_an_export_above_the_limit_is_refused_with_the_rule(demo_url, engine, monkeypatch):
    monkeypatch.setenv("LEADOPS_EXPORT_MAX_ROWS", "5")
    at = open_page("pages/lead_assignment.py", "supervisor", "supervisor")
    at.button(key="f_export_prepare").click().run()
    assert not at.exception and not at.get("download_button")
    rule = "an export holds at most 5 rows (the export limit, setting LEADOPS_EXPORT_MAX_ROWS)"
    assert rule in messages(at)
    assert exports_audited(engine) == 0


def test_a_bulk_runs_outcome_exports_lead_by_lead(demo_url, engine, media):
    at = open_page("pages/bulk_operations.py", "supervisor", "supervisor")
    at.number_input(key="bk_limit").set_value(12)
    at.button(key="bk_preview").click().run()
    at.button(key="bk_commit").click().run()
    at.button(key="bk_export_prepare").click().run()
    assert not at.exception
    label, data = downloaded(at, media)
    lines = data.decode("utf-8-sig").splitlines()
    assert label.startswith("Download batch-") and label.endswith("(12 rows)")
    assert lines[0] == "Position,Lead,Name,Agent,Outcome,Why not applied"
    assert {line.split(",")[4] for line in lines[1:]} == {"applied"}


def test_the_leaderboard_exports_its_leads_to_a_titled_pdf(demo_url, engine, media):
    at = open_page("pages/scoring_leaderboard.py", "manager", "manager")
    at.radio(key="lb_export_format").set_value(ExportFormat.PDF).run()
    at.button(key="lb_export_prepare").click().run()
    assert not at.exception
    label, data = downloaded(at, media)
    reader = PdfReader(io.BytesIO(data))
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    assert "Scoring leaderboard: leads" in first and "by Demo Manager (manager)" in first
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last
    leads = acme_count(engine, lambda acme: select(func.count()).select_from(Lead).where(
        Lead.tenant_id == acme))
    assert label.endswith(f".pdf ({leads} rows)")
