"""The capacity page renders the tenant's agents and the team figures."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Agent, AuditRow, Tenant
from tests.ui.conftest import logged_in_app, messages


def test_capacity_page_shows_every_demo_agent_of_the_tenant(demo_url, engine):
    at = logged_in_app("manager", "manager")
    assert not at.exception
    assert [t.value for t in at.title] == ["Agent capacity"]
    with Session(engine) as s:
        acme_agents = set(s.scalars(select(Agent.name).join(Tenant).where(Tenant.slug == "acme")))
        globex_agents = set(s.scalars(select(Agent.name).join(Tenant).where(Tenant.slug == "globex")))
    table = at.dataframe[0].value
    assert len(table) == 12 and set(table["Agent"]) == acme_agents
    assert not (set(table["Agent"]) & (globex_agents - acme_agents))
    labels = {m.label for m in at.metric}
    assert {"Agents available", "Free slots (available agents)", "Team utilization",
            "Fairness (Gini)"} <= labels
    assert any("0 means every available agent is equally loaded" in c.value for c in at.caption)
    assert table["Performance"].between(0, 100).all() and table["Performance"].nunique() > 1


def test_other_tenant_sees_only_its_own_agents(demo_url):
    at = logged_in_app("globex.admin", "admin")
    assert not at.exception
    assert len(at.dataframe[0].value) == 6


def test_no_page_shows_the_cookie_signing_key(demo_url):
    key = "test-cookie-key-of-at-least-32-characters"  # set by the demo_url fixture
    at = logged_in_app("manager", "manager")
    assert at.markdown and not any(key in m.value for m in at.markdown)


def _acme_agents(engine):
    with Session(engine) as s:
        return s.scalars(select(Agent).join(Tenant).where(Tenant.slug == "acme")
                         .order_by(Agent.name, Agent.id)).all()


def _edit(at, row: int, **changes):
    at.session_state["cap_editor"] = {"edited_rows": {row: changes}, "added_rows": [],
                                      "deleted_rows": []}
    return at.run()


def test_manager_sees_capacity_but_cannot_edit(demo_url):
    at = logged_in_app("manager", "manager")
    assert at.dataframe and not at.data_editor
    assert not [b for b in at.button if b.key == "cap_save"]


def test_supervisor_lowers_capacity_below_load_and_it_is_flagged_and_audited(demo_url, engine):
    agents = _acme_agents(engine)
    row, target = next((i, a) for i, a in enumerate(agents) if a.open_leads >= 2)
    at = logged_in_app("supervisor", "supervisor")
    assert at.data_editor
    at = _edit(at, row, Max=target.open_leads - 1)
    at.button(key="cap_save").click().run()
    assert not at.exception
    assert f"{target.name} holds {target.open_leads} open leads, above the new capacity" in messages(at)
    with Session(engine) as s:
        assert s.get(Agent, target.id).max_capacity == target.open_leads - 1
        audit = s.scalars(select(AuditRow).where(AuditRow.action == "agent.capacity_changed")).one()
        assert audit.entity_id == str(target.id)
    flagged = at.data_editor[0].value.set_index("agent_id").loc[target.id, "Over capacity"]
    assert bool(flagged)


def test_out_of_range_capacity_is_refused_and_nothing_changes(demo_url, engine):
    target = _acme_agents(engine)[0]
    at = _edit(logged_in_app("supervisor", "supervisor"), 0, Max=600)
    at.button(key="cap_save").click().run()
    assert "Max capacity 600 is out of range: use 0 to 500." in messages(at)
    with Session(engine) as s:
        assert s.get(Agent, target.id).max_capacity == target.max_capacity


def test_edit_of_an_agent_changed_meanwhile_is_refused(demo_url, engine):
    target = _acme_agents(engine)[0]
    at = _edit(logged_in_app("supervisor", "supervisor"), 0, Availability="offline")
    with engine.begin() as c:  # another supervisor saves first
        c.execute(update(Agent).where(Agent.id == target.id).values(version=Agent.version + 1))
    at.button(key="cap_save").click().run()
    assert "was changed by someone else" in messages(at)


def test_filters_narrow_table_and_chart(demo_url, engine):
    agents = _acme_agents(engine)
    with engine.begin() as c:
        c.execute(update(Agent).where(Agent.id == agents[0].id).values(availability="away"))
    away = {a.name for a in _acme_agents(engine) if a.availability == "away"}
    at = logged_in_app("manager", "manager")
    at.multiselect(key="cap_availability").set_value(["away"]).run()
    assert not at.exception
    assert set(at.dataframe[0].value["Agent"]) == away
    at.text_input(key="cap_name").input("no such agent").run()
    assert "No agent matches these filters." in messages(at)


def save_label(at) -> str:
    return next(b.label for b in at.button if b.key == "cap_save")


def test_filters_wait_while_the_table_has_unsaved_edits(demo_url, engine):
    target = _acme_agents(engine)[0]
    at = _edit(logged_in_app("supervisor", "supervisor"), 0, Max=target.max_capacity + 1)
    assert save_label(at) == "Save 1 change(s)"
    # Changing a filter would rebuild the table and lose the edit: the filters wait for a save
    # or a discard, and say so.
    assert at.multiselect(key="cap_availability").disabled and at.text_input(key="cap_name").disabled
    assert at.selectbox(key="cap_skill").disabled and at.checkbox(key="cap_high").disabled
    assert "1 unsaved change in the table: save or discard it to change the filters." in messages(at)
    at.run()
    assert save_label(at) == "Save 1 change(s)"  # kept
    at.button(key="cap_discard").click().run()
    assert save_label(at) == "Save 0 change(s)" and not at.text_input(key="cap_name").disabled
    with Session(engine) as s:
        assert s.get(Agent, target.id).max_capacity == target.max_capacity


def test_utilization_over_capacity_reads_red_in_the_table_not_as_a_bar(demo_url, engine):
    import json

    with Session(engine, expire_on_commit=False) as s:
        loaded = s.scalars(select(Agent).join(Tenant).where(Tenant.slug == "acme", Agent.open_leads > 1)
                           .order_by(Agent.id)).first()
        s.execute(update(Agent).where(Agent.id == loaded.id).values(max_capacity=loaded.open_leads - 1))
        s.commit()
    at = logged_in_app("manager", "manager")
    frame = at.dataframe[0]
    table = frame.value
    over = table.index[table["Agent"] == loaded.name][0]
    assert table.loc[over, "Utilization"] > 100
    assert json.loads(frame.proto.columns)["Utilization"].get("type_config", {}).get("type") != "progress"
    styles = frame.proto.arrow_data.styler.styles
    assert "#c62828" in styles  # the chart's "over capacity" red
    assert styles.count("#c62828") == int((table["Utilization"] > 100).sum())
