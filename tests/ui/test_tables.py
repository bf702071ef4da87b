"""Tables as people read them on a 1400 px screen: every column in view, empty cells as a dash.

The room was measured in Chromium at 1400×1000 with the sidebar open: a table across the page
gets 938 px, one in the lead detail's three fifths 554 px. Streamlit sizes a column without a
width to its content, so a long reason or JSON pushed the last columns out of view; with pixel
widths a long cell is cut short on screen and shows whole when clicked.
"""

import ast
import json
from pathlib import Path

from sqlalchemy.orm import Session

from db.models import Lead, ScoreHistory
from pages._shared.tables import EMPTY
from tests.ui.conftest import logged_in_app, table_with
from tests.ui.test_lead_assignment_page import new_lead_and_agents, open_page, pick_agent, pick_lead

ROOT = Path(__file__).resolve().parents[2]
ACROSS_THE_PAGE, IN_THE_DETAIL = 938, 554


def frame_with(at, *columns: str):
    table_with(at, *columns)  # fails naming the columns when no table shows them
    return next(f for f in at.dataframe if set(columns) <= set(f.value.columns))


def assert_fits(frame, room: int) -> None:
    config = json.loads(frame.proto.columns)
    widths = {column: config.get(column, {}).get("width") for column in frame.value.columns}
    assert all(isinstance(width, int) for width in widths.values()), widths
    assert sum(widths.values()) <= room, widths
    assert frame.proto.placeholder == EMPTY


def test_the_audit_log_fits_across_the_page(demo_url):
    at = logged_in_app("manager", "manager")
    at.switch_page("pages/audit_log.py").run()
    assert_fits(frame_with(at, "Action", "Changes", "Row"), ACROSS_THE_PAGE)


def test_recent_batches_fit_across_the_page(demo_url):
    at = logged_in_app("supervisor", "supervisor")
    at.switch_page("pages/bulk_operations.py").run()
    at.number_input(key="bk_limit").set_value(2)
    at.button(key="bk_preview").click().run()
    at.button(key="bk_commit").click().run()
    assert_fits(frame_with(at, "Batch", "Undone by"), ACROSS_THE_PAGE)


def test_a_leads_history_and_audit_trail_fit_in_the_detail(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    with Session(engine) as s:  # a score that moved once (the demo's first scoring was no move)
        lead = s.get(Lead, lead_id)
        s.add(ScoreHistory(tenant_id=lead.tenant_id, lead_id=lead_id, previous_score=40,
                           new_score=lead.overall_score, previous_category="cold",
                           new_category=lead.score_category, weights_version_id=lead.weights_version_id,
                           calculated_at=lead.last_calculated))
        s.commit()
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", next(a for a in agents if a.open_leads < a.max_capacity).name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    tabs = {tab.label: tab for tab in at.tabs}
    for name in ("Assignment history", "Audit trail", "Score history"):
        assert_fits(tabs[name].dataframe[0], IN_THE_DETAIL)
    trail = tabs["Audit trail"].dataframe[0].value
    changes = trail["Changes"].iloc[0].split("; ")  # not JSON: the fields that changed
    assert "status: new → assigned" in changes and any(c.startswith("agent: ") for c in changes)


def test_every_table_shows_an_empty_cell_as_a_dash_not_none():
    missing = []
    for path in sorted((ROOT / "pages").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("dataframe", "data_editor")
                    and "placeholder" not in {k.arg for k in node.keywords}):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []
