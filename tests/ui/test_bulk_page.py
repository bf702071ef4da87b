"""The bulk operations page: preview → commit → undo, as a supervisor drives it."""

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.domain.identity import Actor
from core.domain.placement import Strategy
from core.routing.reroute import reroute_breached
from db.models import Agent, Batch, Lead, TeamHours, Tenant
from db.unit_of_work import SqlUnitOfWork
from tests.ui.conftest import logged_in_app, messages, page_run_directly, table_with

PAGE = "pages/bulk_operations.py"


def open_page(role="supervisor"):
    at = logged_in_app(role, role)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def loads(engine) -> dict[int, int]:
    with Session(engine) as s:
        return dict(s.execute(select(Agent.id, Agent.open_leads).join(Tenant)
                              .where(Tenant.slug == "acme")).all())


def metric(at, label) -> int:
    return int(next(m for m in at.metric if m.label == label).value)


def test_preview_commit_undo_round_trip(demo_url, engine):
    before = loads(engine)
    at = open_page()
    at.number_input(key="bk_limit").set_value(20)
    at.button(key="bk_preview").click().run()
    placed = metric(at, "Leads placed")
    assert placed > 0 and loads(engine) == before  # a preview writes nothing
    at.button(key="bk_commit").click().run()
    assert not at.exception
    assert f"{placed} leads assigned" in messages(at)
    after = loads(engine)
    assert sum(after.values()) == sum(before.values()) + placed
    batch = at.selectbox(key="bk_undo_batch").value
    # The confirmation, opened from "Undo this batch…", names the change first.
    assert f"Batch {batch[:8]} assigned {placed} leads: undoing it sends each back to new and frees " \
           "its agent's slot, unless the lead changed since." in [c.value for c in at.caption]
    assert loads(engine) == after
    at.button(key="bk_undo").click().run()
    assert f"undone: {placed} leads back to new" in messages(at)
    assert loads(engine) == before


def test_commit_replans_when_an_agent_changed_after_the_preview(demo_url, engine):
    before = loads(engine)
    at = open_page()
    at.number_input(key="bk_limit").set_value(20)
    at.button(key="bk_preview").click().run()
    with engine.begin() as c:
        c.execute(update(Agent).values(version=Agent.version + 1))
    at.button(key="bk_commit").click().run()
    assert "The data moved since the preview" in messages(at)
    assert loads(engine) == before  # re-planned, nothing written
    assert metric(at, "Leads placed") > 0  # the new plan is on screen, ready to commit


def test_a_bad_file_is_refused_with_the_reason(demo_url):
    at = open_page()
    at.radio(key="bk_source").set_value("A CSV file of lead ids").run()
    at.file_uploader(key="bk_file").upload("ids.csv", b"name\nx\n", "text/csv").run()
    assert "needs a lead_id column" in messages(at)
    assert at.button(key="bk_preview").disabled


@pytest.mark.parametrize("role", ["manager"])
def test_bulk_page_is_refused_to_managers(demo_url, role):
    at = logged_in_app(role, role)
    with pytest.raises(ValueError):
        at.switch_page(PAGE)
    page = page_run_directly(PAGE, role)
    assert "Your role may not run bulk operations" in messages(page)


def test_bulk_update_all_or_nothing_reports_and_changes_nothing(demo_url, engine):
    from sqlalchemy import func as f

    from db.models import Lead

    def counts():
        with Session(engine) as s:
            return dict(s.execute(select(Lead.status, f.count()).group_by(Lead.status)).all())

    before = counts()
    at = open_page()
    at.multiselect(key="bkf_status").set_value(["new"])
    at.number_input(key="bk_limit").set_value(5)
    at.selectbox(key="bu_status").set_value("qualified")  # new leads cannot jump to qualified
    at.radio(key="bu_mode").set_value("All or nothing")
    at.button(key="bu_apply").click().run()
    assert not at.exception
    # A confirmation names the change and the leads first; nothing is written yet.
    assert "Set status to qualified on 5 leads (all or nothing)? Nothing changes until you confirm." \
        in messages(at)
    assert counts() == before
    at.button(key="bu_confirm").click().run()
    assert "5 row(s) refused. Nothing was changed." in messages(at)
    assert counts() == before
    at.selectbox(key="bu_status").set_value("(no change)")
    at.selectbox(key="bu_source").set_value("event")
    at.radio(key="bu_mode").set_value("Best effort")
    at.button(key="bu_apply").click().run()
    assert "Set source to event on 5 leads (best effort)?" in messages(at)
    at.selectbox(key="bu_source").set_value("partner").run()  # changed after: asked again
    assert not [b for b in at.button if b.key == "bu_confirm"]
    at.button(key="bu_apply").click().run()
    at.button(key="bu_cancel").click().run()
    assert not [b for b in at.button if b.key == "bu_confirm"]
    at.button(key="bu_apply").click().run()
    at.button(key="bu_confirm").click().run()
    assert "5 lead(s) updated." in messages(at)
    outcome = next(t.value for t in at.dataframe if "Result" in t.value.columns)
    assert outcome["Result"].tolist() == ["updated"] * 5
    with Session(engine) as s:
        assert s.scalar(select(f.count()).select_from(Lead).where(Lead.source == "partner")) >= 5


def test_import_reports_each_row_and_escapes_nothing_into_html(demo_url, engine):
    at = open_page()
    data = (b"name,email,source\nNew Person,new.person@example.com,partner\n"
            b"<script>x</script>,bad-email,partner\n")
    at.file_uploader(key="im_file").upload("leads.csv", data, "text/csv").run()
    assert not at.exception
    at.button(key="im_go").click().run()
    assert "1 lead(s) imported." in messages(at) and "1 row(s) refused." in messages(at)
    report = next(
        t.value for t in at.dataframe if "Detail" in t.value.columns)
    assert report["Result"].tolist() == ["imported", "refused"]
    assert not any("<script>" in m.value for m in at.markdown)


def test_import_of_a_non_utf8_file_is_refused(demo_url):
    at = open_page()
    at.file_uploader(key="im_file").upload("leads.csv", "name\nJosé\n".encode("utf-16"), "text/csv").run()
    assert "not UTF-8" in messages(at)


def test_import_refuses_an_unreadable_file_and_control_characters_as_the_cli_does(demo_url):
    at = open_page()
    huge = b"name,email,source\n" + b"x" * 200_000 + b",a@example.com,event\n"
    at.file_uploader(key="im_file").upload("leads.csv", huge, "text/csv").run()
    assert not at.exception
    assert "Line 2 holds a cell longer than 131,072 characters" in messages(at)
    nul = b"name,email,source\nAna,ana@example.com,event\nB\x00b,bob@example.com,event\n"
    at.file_uploader(key="im_file").upload("leads.csv", nul, "text/csv").run()
    at.checkbox(key="im_all").check()
    at.button(key="im_go").click().run()
    assert "1 row(s) refused. Nothing was imported." in messages(at)
    report = next(t.value for t in at.dataframe if "Detail" in t.value.columns)
    assert report.values.tolist() == [[3, "refused", "name contains a control character (U+0000)"]]


def test_the_bulk_update_progress_bar_goes_away_when_the_update_ends(demo_url):
    at = open_page()
    at.number_input(key="bk_limit").set_value(3)
    at.selectbox(key="bu_source").set_value("event")
    at.button(key="bu_apply").click().run()
    at.button(key="bu_confirm").click().run()
    assert "3 lead(s) updated." in messages(at)
    assert at.get("progress") == []
    at.selectbox(key="bu_source").set_value("(no change)")
    at.selectbox(key="bu_status").set_value("lost")  # without the reason it needs
    at.radio(key="bu_mode").set_value("All or nothing")
    at.button(key="bu_apply").click().run()
    at.button(key="bu_confirm").click().run()
    assert "Nothing was changed" in messages(at) and at.get("progress") == []


def test_a_bulk_close_as_lost_takes_its_reason_to_every_lead(demo_url, engine):
    at = open_page()
    at.number_input(key="bk_limit").set_value(3)
    at.selectbox(key="bu_status").set_value("lost").run()
    at.text_input(key="bu_lost_reason").input("duplicate entries")
    at.button(key="bu_apply").click().run()
    at.button(key="bu_confirm").click().run()
    assert "3 lead(s) updated." in messages(at)
    with Session(engine) as s:
        reasons = s.scalars(select(Lead.lost_reason).where(Lead.status == "lost",
                                                           Lead.lost_reason.is_not(None))).all()
    assert reasons == ["duplicate entries"] * 3


def test_a_performance_preview_says_per_lead_why_its_agent(demo_url):
    at = open_page()
    at.number_input(key="bk_limit").set_value(10)
    at.selectbox(key="bk_strategy").set_value(Strategy.PERFORMANCE)
    at.button(key="bk_preview").click().run()
    assert not at.exception
    plan = table_with(at, "Lead", "Agent", "Why this agent")
    assert len(plan) == metric(at, "Leads placed") > 0
    why = r"^lead score \d+ → .+, performance \d+ \(#\d+ of \d+ agents"
    assert plan["Why this agent"].str.match(why).all()
    ranks = plan["Why this agent"].str.extract(r"\(#(\d+) of")[0].astype(int)
    assert ranks.iloc[0] == ranks.min()  # the best lead goes to the best performer with room


def test_strategies_read_as_words_and_the_plan_names_each_lead_with_its_score(demo_url, engine):
    at = open_page()
    labels = at.selectbox(key="bk_strategy").options
    assert [label.split(" — ")[0] for label in labels] == [
        "Round robin", "Least loaded", "Performance", "Skills", "Manual"]
    at.number_input(key="bk_limit").set_value(8)
    at.button(key="bk_preview").click().run()
    plan = table_with(at, "Lead", "Name", "Score", "Agent")
    with Session(engine) as s:
        stored = dict(s.execute(select(Lead.id, Lead.name).where(Lead.id.in_(plan["Lead"].tolist()))).all())
    assert plan["Name"].tolist() == [stored[i] for i in plan["Lead"]]
    assert plan["Score"].is_monotonic_decreasing and plan["Score"].between(0, 100).all()


def test_sla_re_routes_show_as_one_batch_undone_back_to_the_first_agents(demo_url, engine):
    with engine.begin() as c:  # every team on shift, so the demo's breached referrals can move
        c.execute(delete(TeamHours))
    with Session(engine) as s:
        acme = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
    result = reroute_breached(lambda: SqlUnitOfWork(engine), Actor.operator(tenant_id=acme))
    assert result.moved and result.batch_id
    first = {m.lead_id: m.from_agent for m in result.moved}
    at = open_page()
    batches = table_with(at, "Batch", "Kind")
    assert list(batches.loc[batches["Batch"] == result.batch_id, "Kind"]) == ["sla_reroute"]
    at.selectbox(key="bk_undo_batch").set_value(result.batch_id).run()
    assert f"Batch {result.batch_id[:8]} re-routed {len(first)} breached leads: undoing it gives each back " \
           "to the agent it came from" in " ".join(c.value for c in at.caption)
    at.button(key="bk_undo").click().run()
    assert not at.exception
    assert f"undone: {len(first)} leads back with the agent they came from" in messages(at)
    with Session(engine) as s:
        now_with = dict(s.execute(select(Lead.id, Agent.name).join(Agent, Agent.id == Lead.agent_id)
                                  .where(Lead.id.in_(first))).all())
        undone_by = s.scalar(select(Batch.undone_by_batch).where(Batch.id == result.batch_id))
    assert now_with == first and undone_by is not None
