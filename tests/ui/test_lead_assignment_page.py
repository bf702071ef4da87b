"""The lead assignment page, driven as a supervisor would, with every refusal path."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from core.domain.leads import DETAIL_ROWS
from db.models import Agent, AuditRow, Lead, ScoreHistory, Tenant
from pages._shared import state
from tests.ui.conftest import logged_in_app, messages, page_run_directly
from tests.ui.rendering import as_text

PAGE = "pages/lead_assignment.py"


def open_page(role="supervisor", username="supervisor"):
    at = logged_in_app(username, role)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def new_lead_and_agents(engine):
    with Session(engine) as s:
        acme = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
        lead = s.scalars(select(Lead).where(Lead.tenant_id == acme, Lead.status == "new",
                                            Lead.required_skill.is_(None)).order_by(Lead.id)).first()
        agents = s.scalars(select(Agent).where(Agent.tenant_id == acme,
                                               Agent.availability == "available")
                           .order_by(Agent.id)).all()
        return lead.id, agents


def lead_list(at):
    """The lead table (its key changes with the leads it lists, see the page)."""
    return next(frame for frame in at.dataframe if (frame.key or "").startswith(state.LEAD_LIST))


def click_row(at, lead_id):
    """Select the lead's row in the lead table, as a click on it does in the browser."""
    table = lead_list(at)
    row = table.value["Lead"].tolist().index(lead_id)
    at.session_state[table.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    return at


def open_lead_id(at):
    """The lead whose detail is shown, read from the detail's heading."""
    headings = [h.value for h in at.subheader if h.value.startswith("Lead #")]
    return int(headings[0].removeprefix("Lead #")) if headings else None


def pick_lead(at, lead_id):
    at.text_input(key="f_text").input(f"#{lead_id}").run()
    return click_row(at, lead_id)


def pick_agent(at, key, agent_name):
    box = at.selectbox(key=key)
    index = next(i for i, label in enumerate(box.options) if label.startswith(f"{agent_name} — "))
    box.select_index(index)


def open_leads(engine, agent_id):
    with Session(engine) as s:
        return s.scalar(select(Agent.open_leads).where(Agent.id == agent_id))


def test_supervisor_assigns_a_lead_to_an_agent_with_room(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    roomy = next(a for a in agents if a.open_leads < a.max_capacity)
    before = open_leads(engine, roomy.id)
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", roomy.name)
    at.text_input(key="assign_note").input("<script>alert(1)</script>")
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert not at.exception
    assert f"is assigned to {roomy.name}" in messages(at)
    assert open_leads(engine, roomy.id) == before + 1
    with Session(engine) as s:
        assert s.scalar(select(Lead.agent_id).where(Lead.id == lead_id)) == roomy.id
        assert s.scalar(select(AuditRow.reason).where(AuditRow.action == "lead.assigned")) == \
            "<script>alert(1)</script>"  # stored as typed


def test_assigning_to_a_full_agent_is_refused_with_the_reason(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    full = agents[0]
    with engine.begin() as c:
        c.execute(update(Agent).where(Agent.id == full.id).values(max_capacity=full.open_leads))
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", full.name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert not at.exception
    assert f"{full.name} is full: {full.open_leads} of {full.open_leads} open leads." in messages(at)
    with Session(engine) as s:
        assert s.scalar(select(Lead.agent_id).where(Lead.id == lead_id)) is None


def test_reassign_demands_a_reason_then_moves_the_lead(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    first, second = [a for a in agents if a.open_leads < a.max_capacity][:2]
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", first.name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    pick_agent(at, "reassign_agent", second.name)
    at.button(key="FormSubmitter:reassign_form-Reassign").click().run()
    assert "Reassigning needs a reason" in messages(at)
    at.text_input(key="reassign_reason").input("Speaks the language")
    at.button(key="FormSubmitter:reassign_form-Reassign").click().run()
    assert f"moved from {first.name} to {second.name}" in messages(at)
    with Session(engine) as s:
        assert s.scalar(select(Lead.agent_id).where(Lead.id == lead_id)) == second.id


def test_status_change_unassign_and_activity(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    agent = next(a for a in agents if a.open_leads < a.max_capacity)
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", agent.name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    at.selectbox(key="status_target").set_value("contacted")
    at.button(key="FormSubmitter:status_form-Change status").click().run()
    assert f"Lead #{lead_id} is now contacted." in messages(at)
    at.selectbox(key="activity_kind").set_value("call")
    at.text_area(key="activity_note").input("=HYPERLINK(\"x\")")
    at.button(key="FormSubmitter:activity_form-Log activity").click().run()
    assert f"Call logged on lead #{lead_id}." in messages(at)
    unassign(at, "Moved to the nurture list")
    assert f"Lead #{lead_id} is back to new" in messages(at)
    with Session(engine) as s:
        assert s.scalar(select(Lead.status).where(Lead.id == lead_id)) == "new"


def unassign(at, reason):
    at.text_input(key="unassign_reason").input(reason)
    at.button(key="FormSubmitter:unassign_form-Unassign").click().run()
    assert not at.exception


def test_unassign_says_what_will_change_and_asks_for_a_reason(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    agent = next(a for a in agents if a.open_leads < a.max_capacity)
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", agent.name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    # The confirmation, opened from "Unassign…", names the change before anything is done.
    with Session(engine) as s:
        name = s.scalar(select(Lead.name).where(Lead.id == lead_id))
    assert any(as_text(c.value) == f"Lead #{lead_id} ({name}) goes back to new, and {agent.name} no longer "
               "has it. Say why: the reason goes to the lead's audit trail." for c in at.caption)
    unassign(at, "  ")
    assert "Unassigning needs a reason" in messages(at)
    unassign(at, "Customer asked to pause")
    assert f"Lead #{lead_id} is back to new; {agent.name} has one slot more." in messages(at)
    with Session(engine) as s:
        assert s.scalar(select(AuditRow.reason).where(AuditRow.action == "lead.unassigned")) == \
            "Customer asked to pause"


def test_a_change_by_someone_else_is_reported_not_overwritten(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    roomy = [a for a in agents if a.open_leads < a.max_capacity]
    at = pick_lead(open_page(), lead_id)
    with engine.begin() as c:  # another supervisor edits the lead meanwhile
        c.execute(update(Lead).where(Lead.id == lead_id).values(version=Lead.version + 1))
    pick_agent(at, "assign_agent", roomy[0].name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert "was changed by someone else" in messages(at)


@pytest.mark.parametrize("role, username", [("manager", "manager")])
def test_roles_without_assignment_rights_are_refused_on_the_page(demo_url, role, username):
    at = logged_in_app(username, role)
    with pytest.raises(ValueError):
        at.switch_page(PAGE)  # not offered in the navigation
    page = page_run_directly(PAGE, username)
    assert "Your role may not assign leads" in messages(page)
    assert not page.selectbox


def _lead_requiring(engine, skill):
    with Session(engine) as s:
        acme = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
        lead = s.scalars(select(Lead).where(Lead.tenant_id == acme, Lead.status == "new")
                         .order_by(Lead.id)).first()
    with engine.begin() as c:
        c.execute(update(Lead).where(Lead.id == lead.id).values(required_skill=skill))
    return lead.id


def test_agent_lacking_the_required_skill_is_refused(demo_url, engine):
    lead_id = _lead_requiring(engine, "spanish")
    _, agents = new_lead_and_agents(engine)
    with engine.begin() as c:  # make one available agent with room lack the skill
        c.execute(update(Agent).where(Agent.id == agents[0].id).values(skills="sales", max_capacity=99))
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", agents[0].name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert f"{agents[0].name} lacks skill spanish, which lead #{lead_id} requires." in messages(at)


def test_unavailable_agent_is_refused(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    with engine.begin() as c:
        c.execute(update(Agent).where(Agent.id == agents[0].id).values(availability="offline"))
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", agents[0].name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert f"{agents[0].name} is offline: only available agents receive leads." in messages(at)


def test_admin_can_assign_and_filter_by_agent(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    roomy = next(a for a in agents if a.open_leads < a.max_capacity)
    at = pick_lead(open_page("admin", "admin"), lead_id)
    pick_agent(at, "assign_agent", roomy.name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert f"is assigned to {roomy.name}" in messages(at)
    at.text_input(key="f_text").input("").run()
    at.multiselect(key="f_status").set_value([]).run()
    at.selectbox(key="f_agent").set_value(roomy.id).run()
    shown = at.dataframe[0].value  # the lead list is the first table on the page
    assert len(shown) > 0 and set(shown["Agent"]) == {roomy.name}


def test_recalculate_score_button_rescores_the_lead(demo_url, engine):
    lead_id, _ = new_lead_and_agents(engine)
    at = pick_lead(open_page(), lead_id)
    at.button(key="rescore_lead").click().run()
    assert not at.exception
    with Session(engine) as s:
        lead = s.get(Lead, lead_id)
    assert f"Lead #{lead_id} rescored: {lead.overall_score} ({lead.score_category})." in messages(at)
    calculated = f"{lead.last_calculated:%Y-%m-%d %H:%M:%S} UTC ({lead.calculation_method})"
    assert any(calculated in caption.value for caption in at.caption)  # to the second, no µs
    fields = next(table.value for table in at.dataframe if list(table.value.columns) == ["Field", "Value"])
    assert dict(zip(fields["Field"], fields["Value"], strict=True))["Created"] == (
        f"{lead.created_at:%Y-%m-%d %H:%M:%S} UTC")


def test_score_history_tab_lists_the_leads_score_changes(demo_url, engine):
    lead_id, _ = new_lead_and_agents(engine)  # the demo's first scoring was no move: no row
    with Session(engine, expire_on_commit=False) as s:
        lead = s.get(Lead, lead_id)
        assert not s.scalars(select(ScoreHistory).where(ScoreHistory.lead_id == lead_id)).all()
        later = [lead.last_calculated + timedelta(days=d) for d in (1, 2)]
        s.execute(insert(ScoreHistory), [
            {"tenant_id": lead.tenant_id, "lead_id": lead_id, "previous_score": 45,
             "new_score": 65.5, "previous_category": "cold", "new_category": "warm",
             "weights_version_id": lead.weights_version_id, "calculated_at": later[0]},
            {"tenant_id": lead.tenant_id, "lead_id": lead_id, "previous_score": 65.5,
             "new_score": 70.25, "previous_category": "warm", "new_category": "warm",
             "weights_version_id": lead.weights_version_id, "calculated_at": later[1]}])
        s.commit()
    at = pick_lead(open_page(), lead_id)
    tab = next(t for t in at.tabs if t.label == "Score history")
    shown = tab.dataframe[0].value
    assert shown.columns.tolist() == ["When", "Before", "After", "Category", "Version"]
    assert shown[["Before", "After", "Category"]].values.tolist() == [
        [65.5, 70.25, "warm"], [45.0, 65.5, "cold → warm"]]  # newest first
    assert shown["When"].tolist() == later[::-1]
    assert (shown["Version"] == 2).all()  # the demo admin's version (db/demo_scoring.py)


def test_score_history_tab_says_when_it_shows_only_the_newest_rows(demo_url, engine):
    lead_id, _ = new_lead_and_agents(engine)
    with Session(engine) as s:
        lead = s.get(Lead, lead_id)
        s.execute(insert(ScoreHistory), [
            {"tenant_id": lead.tenant_id, "lead_id": lead_id, "previous_score": 10,
             "new_score": 11, "previous_category": "nurture", "new_category": "nurture",
             "weights_version_id": lead.weights_version_id, "calculated_at": lead.last_calculated}
            for _ in range(DETAIL_ROWS + 1)])  # one more than shown
        s.commit()
    at = pick_lead(open_page(), lead_id)
    tabs = {t.label: t for t in at.tabs}
    assert len(tabs["Score history"].dataframe[0].value) == DETAIL_ROWS
    said = f"The newest {DETAIL_ROWS:,} rows; older ones are not listed here."
    assert [c.value for c in tabs["Score history"].caption] == [said]
    assert not any(said == c.value for c in tabs["Activities"].caption)


# --- the open lead: picked by its row, kept by id whatever the list shows (issue 21) ---------

def test_a_lead_opens_by_clicking_its_row(demo_url):
    at = open_page()
    assert open_lead_id(at) is None and "Click a lead's row" in " ".join(i.value for i in at.info)
    second = lead_list(at).value["Lead"].tolist()[1]
    click_row(at, second)
    assert open_lead_id(at) == second


def test_the_open_lead_stays_open_after_assign_then_log_activity(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    roomy = next(a for a in agents if a.open_leads < a.max_capacity)
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", roomy.name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert lead_id not in lead_list(at).value["Lead"].tolist()  # no longer new: not listed
    at.button(key="FormSubmitter:activity_form-Log activity").click().run()
    assert f"logged on lead #{lead_id}." in messages(at)
    assert open_lead_id(at) == lead_id


def test_the_open_lead_stays_open_after_a_new_sort_then_recalculate(demo_url):
    at = open_page()
    listed = lead_list(at).value["Lead"].tolist()
    click_row(at, listed[3])
    at.selectbox(key="f_sort").select_index(1).run()
    assert lead_list(at).value["Lead"].tolist()[3] != listed[3]  # the row now holds another lead
    at.button(key="rescore_lead").click().run()
    assert f"Lead #{listed[3]} rescored" in messages(at)
    assert open_lead_id(at) == listed[3]


def test_searching_an_id_keeps_the_open_lead_until_its_row_is_clicked(demo_url):
    at = open_page()
    first, other = lead_list(at).value["Lead"].tolist()[:2]
    click_row(at, first)
    at.text_input(key="f_text").input(f"#{other}").run()
    assert lead_list(at).value["Lead"].tolist() == [other]
    assert open_lead_id(at) == first
    click_row(at, other)
    assert open_lead_id(at) == other


def test_a_late_click_on_a_lead_someone_else_assigned_is_answered(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    first, second = [a for a in agents if a.open_leads < a.max_capacity][:2]
    mine, theirs = pick_lead(open_page(), lead_id), pick_lead(open_page("admin", "admin"), lead_id)
    pick_agent(theirs, "assign_agent", first.name)
    theirs.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert f"is assigned to {first.name}" in messages(theirs)
    pick_agent(mine, "assign_agent", second.name)  # the form as it was when I opened the lead
    mine.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert not mine.exception
    said = messages(mine)
    assert f"Lead #{lead_id} was changed by someone else since this page showed it" in said
    assert f"it is now assigned to {first.name}" in said and "was not applied" in said
    with Session(engine) as s:
        assert s.scalar(select(Lead.agent_id).where(Lead.id == lead_id)) == first.id
    mine.run()  # said once: the page now shows the lead as it is
    assert "changed by someone else" not in messages(mine)


def test_my_own_change_is_not_reported_as_someone_elses(demo_url, engine):
    lead_id, agents = new_lead_and_agents(engine)
    roomy = next(a for a in agents if a.open_leads < a.max_capacity)
    at = pick_lead(open_page(), lead_id)
    pick_agent(at, "assign_agent", roomy.name)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    at.button(key="rescore_lead").click().run()
    assert "someone else" not in messages(at) and f"Lead #{lead_id} rescored" in messages(at)


def test_a_closed_lead_says_it_is_closed_and_offers_no_agents_nor_assignment(demo_url, engine):
    with Session(engine) as s:
        converted = s.scalar(select(Lead.id).where(Lead.status == "converted").order_by(Lead.id))
    at = open_page()
    at.multiselect(key="f_status").set_value([]).run()
    at = pick_lead(at, converted)
    assert open_lead_id(at) == converted
    assert f"Lead #{converted} is converted: it is closed" in messages(at)
    assert not [f for f in at.dataframe if f.key == "ranked_agents"]
    assert not [s for s in at.subheader if s.value == "Agents for this lead"]
    forms = {b.key for b in at.button}
    assert not any(k.startswith(("FormSubmitter:assign_form", "FormSubmitter:reassign_form"))
                   for k in forms if k)
    assert "rescore_lead" not in forms  # a closed lead keeps its score
    assert "FormSubmitter:activity_form-Log activity" in forms  # notes may still be logged
