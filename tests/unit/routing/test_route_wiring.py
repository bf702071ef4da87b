"""Routing and the SLA work together (issue #19): routing places leads only with agents available
AND on shift, re-checked when each chunk is written; `route_tenant` (what `cli.py route` runs)
releases past the grace, re-routes breached leads once by the rules that say so, then routes."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import core.routing.run as routing_run
from core.domain.placement import Strategy
from core.domain.routing import RuleSpec
from core.domain.sla import SLA_REROUTE_REASON
from core.domain.vocabulary import Availability, LeadStatus
from core.domain.working_hours import ShiftInterval
from core.routing.cycle import route_tenant
from core.routing.preview import preview_routing
from core.routing.run import run_routing
from tests.unit.builders import ADMIN, SUPERVISOR, agent, lead, scored, user_of
from tests.unit.fakes import FakeUnitOfWork

MONDAY_10 = datetime(2026, 3, 2, 10, 0)                  # a Monday; the tenant's zone is UTC
AFTERNOONS = (ShiftInterval(0, 14 * 60, 22 * 60),)       # Monday 14:00-22:00: off at 10:00
MORNINGS = (ShiftInterval(0, 6 * 60, 14 * 60),)          # Monday 06:00-14:00: on at 10:00
HOT_WEBSITE = RuleSpec("Hot website leads", sources=("website",), teams=("sales",))
ANYONE = RuleSpec("Anyone", strategy=Strategy.ROUND_ROBIN)


def center(*, leads: int = 3) -> FakeUnitOfWork:
    return FakeUnitOfWork(
        users=[user_of(SUPERVISOR), user_of(ADMIN)],
        agents=[agent(10, "Sal"), agent(11, "Sam"), agent(20, "Sue")],
        teams={10: "sales", 11: "sales", 20: "support"},
        leads=[lead(i) for i in range(1, leads + 1)],
        lead_fields={i: scored(90 - i) for i in range(1, leads + 1)})


def rules(uow: FakeUnitOfWork, *specs: RuleSpec) -> None:
    for spec in specs:
        uow.routing.add_rule(1, spec, by_user_id=None, now=MONDAY_10)


def agents_of(uow: FakeUnitOfWork, *ids: int) -> list[int | None]:
    return [uow.leads.rows[i].agent_id for i in ids]


# -- on shift -------------------------------------------------------------------------------

def test_agents_off_their_teams_shift_get_no_routed_lead_and_the_reason_names_the_rule():
    uow = center()
    uow.sla.set_team_hours(1, "sales", AFTERNOONS)
    rules(uow, HOT_WEBSITE)
    result = run_routing(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert result.placed == [] and agents_of(uow, 1, 2, 3) == [None, None, None]
    assert [r.why for r in result.left] == ["rule 'Hot website leads': No agent of sales is on shift now "
                                            "(team hours on the SLAs & hours page)."] * 3


def test_on_shift_agents_of_the_same_rule_still_receive_and_a_later_rule_takes_the_rest():
    uow = center()
    uow.sla.set_team_hours(1, "sales", AFTERNOONS)
    uow.sla.set_team_hours(1, "support", MORNINGS)
    rules(uow, HOT_WEBSITE, ANYONE)
    run_routing(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert agents_of(uow, 1, 2, 3) == [20, 20, 20]  # sales is off shift; support is on
    run_routing(lambda: uow, SUPERVISOR, now=MONDAY_10.replace(hour=15))  # nothing new left
    assert uow.agents.rows[10].open_leads == 0


def test_the_rules_page_preview_leaves_off_shift_agents_out_too():
    uow = center()
    other_day = (datetime.now(UTC).weekday() + 3) % 7  # the preview reads the real clock
    uow.sla.set_team_hours(1, "sales", (ShiftInterval(other_day, 0, 60),))
    rules(uow, HOT_WEBSITE)
    preview = preview_routing(uow, ADMIN)
    assert preview.rules[0].plan.placed == []
    assert "No agent of sales is on shift now" in preview.unplaced[0].why


def test_an_away_agent_gets_no_routed_lead_and_the_reason_says_away():
    uow = center()
    for i in (10, 11):
        uow.agents.rows[i] = replace(uow.agents.rows[i], availability=Availability.AWAY)
    rules(uow, HOT_WEBSITE)
    result = run_routing(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert result.placed == []
    assert result.left[0].why.startswith("rule 'Hot website leads': No agent of sales may receive "
                                         "routed leads now: Sal is away")


def _change_after_planning(monkeypatch, change) -> None:
    """The plan is made; then, before the chunk is written, the world changes."""
    planned = routing_run.plan_routing

    def plan_then_change(*args, **kwargs):
        plan = planned(*args, **kwargs)
        change()
        return plan
    monkeypatch.setattr(routing_run, "plan_routing", plan_then_change)


def test_an_agent_who_went_away_between_plan_and_write_receives_nothing(monkeypatch):
    uow = center(leads=1)
    rules(uow, RuleSpec("Sue only", teams=("support",)))
    _change_after_planning(monkeypatch, lambda: uow.agents.rows.__setitem__(
        20, replace(uow.agents.rows[20], availability=Availability.AWAY)))
    result = run_routing(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert result.placed == [] and agents_of(uow, 1) == [None]
    assert "Sue is away" in result.left[0].why


def test_a_shift_that_ended_between_plan_and_write_places_nothing(monkeypatch):
    uow = center(leads=1)
    rules(uow, RuleSpec("Sue only", teams=("support",)))
    _change_after_planning(monkeypatch, lambda: uow.sla.set_team_hours(1, "support", AFTERNOONS))
    result = run_routing(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert result.placed == [] and agents_of(uow, 1) == [None]
    assert "Sue is off shift" in result.left[0].why


# -- cli.py route: grace, SLA re-route, routing ---------------------------------------------

ASSIGNED = MONDAY_10 - timedelta(minutes=20)  # a hot lead's 15-minute SLA ran out at 09:55


def breached_center() -> FakeUnitOfWork:
    """Lead 1 (hot, website) sits with Sal since 09:40, never contacted: breached at 10:00."""
    uow = center(leads=1)
    uow.leads.rows[1] = replace(uow.leads.rows[1], status=LeadStatus.ASSIGNED, agent_id=10)
    uow.leads.fields[1].assigned_at = ASSIGNED
    uow.leads.fields[1].score_category = "hot"
    uow.agents.rows[10] = replace(uow.agents.rows[10], open_leads=1)
    return uow


def test_route_re_routes_a_breached_lead_once_to_another_agent_of_the_rule_with_the_reason():
    uow = breached_center()
    rules(uow, replace(HOT_WEBSITE, reroute_breached=True))
    cycle = route_tenant(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert [(m.lead_id, m.from_agent, m.to_agent, m.rule) for m in cycle.rerouted.moved] == [
        (1, "Sal", "Sam", "Hot website leads")]
    assert agents_of(uow, 1) == [11]
    assert (uow.agents.rows[10].open_leads, uow.agents.rows[11].open_leads) == (0, 1)
    assert uow.assignments.assignments[-1]["note"] == SLA_REROUTE_REASON
    batch = cycle.rerouted.batch_id
    assert [(e.action, e.reason, e.batch_id) for e in uow.audit.entries] == [
        ("lead.sla_rerouted", SLA_REROUTE_REASON, batch), ("routing.sla_rerouted", None, batch)]

    later = route_tenant(lambda: uow, SUPERVISOR, now=MONDAY_10 + timedelta(hours=1))  # Sam's SLA ran out too
    assert later.rerouted.moved == [] and agents_of(uow, 1) == [11]  # at most once


def test_a_rule_without_reroute_breached_leaves_breached_leads_alone():
    uow = breached_center()
    rules(uow, HOT_WEBSITE, ANYONE)
    cycle = route_tenant(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert cycle.rerouted.moved == [] and agents_of(uow, 1) == [10] and not uow.audit.entries


def test_a_breached_lead_that_cannot_move_is_listed_with_why():
    uow = breached_center()
    uow.sla.set_team_hours(1, "sales", MORNINGS)
    uow.agents.rows[11] = replace(uow.agents.rows[11], availability=Availability.OFFLINE)
    rules(uow, replace(HOT_WEBSITE, reroute_breached=True))
    cycle = route_tenant(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert cycle.rerouted.moved == [] and agents_of(uow, 1) == [10]
    assert cycle.rerouted.left[0].why == ("rule 'Hot website leads': no agent of sales other than its "
                                          "current one may receive routed leads now.")


def test_route_releases_untouched_leads_past_the_grace_and_routes_them_to_someone_else_in_the_same_run():
    uow = center(leads=2)
    for i in (1, 2):
        uow.leads.rows[i] = replace(uow.leads.rows[i], status=LeadStatus.ASSIGNED, agent_id=10)
        uow.leads.fields[i].assigned_at = MONDAY_10 - timedelta(minutes=5)
    uow.agents.rows[10] = replace(uow.agents.rows[10], open_leads=2, availability=Availability.AWAY)
    uow.store.availability_changed[10] = MONDAY_10 - timedelta(minutes=16)  # grace: 15 minutes
    rules(uow, HOT_WEBSITE)
    cycle = route_tenant(lambda: uow, SUPERVISOR, now=MONDAY_10)
    assert cycle.released.released == (("Sal", 2),)
    assert agents_of(uow, 1, 2) == [11, 11]  # Sal is away: Sam, the rule's other agent, takes them
    assert {r.lead_id for r in cycle.routed.placed} == {1, 2}
    assert uow.agents.rows[10].open_leads == 0


def test_a_dry_run_of_route_plans_all_three_steps_and_writes_nothing():
    uow = breached_center()
    uow.leads.rows[2] = lead(2)
    uow.leads.fields[2] = scored(70)
    uow.leads.rows[3] = lead(3, status=LeadStatus.ASSIGNED, agent_id=20)
    uow.leads.fields[3] = scored(50, assigned_at=MONDAY_10 - timedelta(minutes=1))
    uow.agents.rows[20] = replace(uow.agents.rows[20], availability=Availability.OFFLINE, open_leads=1)
    uow.store.availability_changed[20] = MONDAY_10 - timedelta(hours=1)
    rules(uow, replace(HOT_WEBSITE, reroute_breached=True))
    before = uow.store.snapshot()
    cycle = route_tenant(lambda: uow, SUPERVISOR, dry_run=True, now=MONDAY_10)
    assert cycle.released.released == (("Sue", 1),)
    assert [m.lead_id for m in cycle.rerouted.moved] == [1] and cycle.rerouted.dry_run
    assert [r.lead_id for r in cycle.routed.placed] == [2] and cycle.routed.dry_run
    assert uow.store == before
