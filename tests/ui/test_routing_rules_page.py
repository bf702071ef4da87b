"""The Routing rules page (admin): the demo's rules with their preview, and each change an
admin makes there: add, move, deactivate, and a stale edit refused."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import AuditRow, RoutingRule
from tests.ui.conftest import logged_in_app, messages, offered_pages, page_run_directly


def rules_page():
    at = logged_in_app("admin", "admin")
    at.switch_page("pages/routing_rules.py").run()
    assert not at.exception
    return at


def stored(engine) -> list[tuple[str, bool, int]]:
    with Session(engine) as s:
        rows = s.execute(select(RoutingRule.name, RoutingRule.active, RoutingRule.version)
                         .where(RoutingRule.tenant_id == 1).order_by(RoutingRule.position, RoutingRule.id))
        return [tuple(row) for row in rows]


def rule_id(engine, name: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(RoutingRule.id).where(RoutingRule.name == name))


def test_only_admins_are_offered_the_page_and_a_supervisor_is_refused(demo_url):
    assert "Routing rules" in offered_pages(logged_in_app("admin", "admin"))
    assert "Routing rules" not in offered_pages(logged_in_app("supervisor", "supervisor"))
    forged = page_run_directly("pages/routing_rules.py", "supervisor")
    assert "Only admins change routing rules" in messages(forged)


def test_the_page_lists_the_rules_in_order_with_what_each_would_do_now(demo_url):
    at = rules_page()
    labels = [e.label for e in at.expander]
    assert labels[0].startswith("1. Hot website leads — Least loaded · active · on arrival")
    assert any("Now it would place" in c.value for c in at.caption)
    assert "pass on to the next rule" in messages(at)


def test_an_admin_adds_a_rule_last_and_it_is_audited(demo_url, engine):
    at = rules_page()
    at.text_input(key="rr_new_name").input("Event leads")
    at.multiselect(key="rr_new_sources").select("event")
    at.button(key="FormSubmitter:rr_add-Add rule").click().run()
    assert not at.exception and "Rule 'Event leads' added last" in messages(at)
    assert stored(engine)[-1] == ("Event leads", True, 1)
    with Session(engine) as s:
        assert s.scalar(select(AuditRow.action).where(AuditRow.entity_type == "routing_rule")) == \
            "routing.rule_added"


def test_an_admin_moves_a_rule_up_and_deactivates_one(demo_url, engine):
    names = [name for name, _, _ in stored(engine)]
    at = rules_page()
    at.button(key=f"rr_up_{rule_id(engine, names[1])}").click().run()
    assert not at.exception and f"Rule '{names[1]}' moved up." in messages(at)
    assert [name for name, _, _ in stored(engine)][:2] == [names[1], names[0]]
    at.button(key=f"rr_active_{rule_id(engine, names[2])}").click().run()
    assert not at.exception and "inactive: it routes nothing" in messages(at)
    assert stored(engine)[2][:2] == (names[2], False)


def test_an_edit_on_top_of_someone_elses_change_is_refused_and_changes_nothing(demo_url, engine):
    at = rules_page()
    first = rule_id(engine, "Hot website leads")
    with Session(engine) as s, s.begin():  # another admin saves the rule meanwhile
        s.execute(update(RoutingRule).where(RoutingRule.id == first)
                  .values(name="Renamed elsewhere", version=RoutingRule.version + 1))
    at.text_input(key=f"rr_{first}_name").input("My name")
    at.button(key=f"FormSubmitter:rr_edit_{first}-Save changes").click().run()
    assert not at.exception
    assert "was changed by someone else since you opened it. Nothing was saved" in messages(at)
    assert stored(engine)[0] == ("Renamed elsewhere", True, 2)


def test_the_capacity_page_shows_the_last_routing_run(demo_url, database_url):
    from tests.cli.test_cli import run_cli

    at = logged_in_app("supervisor", "supervisor")
    assert any("Routing has not run yet" in c.value for c in at.caption)
    done = run_cli("route", "--tenant", "acme", url=database_url)
    last = done.stdout.strip().splitlines()[-1]
    placed, left = last.split(": ")[1].split(" placed")[0], last.split(", ")[-1].split(" left")[0]
    today = next(line for line in done.stdout.splitlines() if line.startswith("acme: SLA: "))
    at.run()
    shown = {m.label: m.value for m in at.metric}
    assert not at.exception and (shown["Leads placed"], shown["Leads left"]) == (placed, left)
    # the re-routes of this run count among the day's breaches (the route line read them after)
    assert shown["SLA breaches today"] == today.split(", ")[-1].split(" today")[0]
