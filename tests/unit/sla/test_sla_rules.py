"""First-contact SLA edges with a fixed clock: due_at = assigned_at + the category's SLA."""

from datetime import datetime, timedelta

import pytest

from core.domain.errors import InvalidInput
from core.domain.leads import LeadFilters
from core.domain.sla import SlaSettings, is_breached, is_open_breach, sla_windows
from core.domain.vocabulary import ScoreCategory
from core.leads.search import search_leads
from tests.unit.builders import SUPERVISOR
from tests.unit.sla.factories import ASSIGNED_AT, agent, assigned, uow_with

HOT = 15


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, second)


@pytest.mark.parametrize(("now", "breached"), [
    (at(14, 59), False), (at(15, 0), False), (at(15, 0, 1), True), (at(15, 1), True)])
def test_a_15_minute_sla_breaks_only_after_its_due_time(now, breached):
    assert is_breached(assigned_at=ASSIGNED_AT, first_contact_at=None, sla_minutes=HOT, now=now) is breached


def test_a_contact_exactly_at_the_due_time_is_in_time():
    assert not is_breached(assigned_at=ASSIGNED_AT, first_contact_at=at(15, 0), sla_minutes=HOT,
                           now=at(16, 0))
    assert is_breached(assigned_at=ASSIGNED_AT, first_contact_at=at(15, 0, 1), sla_minutes=HOT, now=at(16, 0))
    # contacted late: breached, but no longer an open breach waiting for someone
    assert not is_open_breach(assigned_at=ASSIGNED_AT, first_contact_at=at(15, 1), sla_minutes=HOT,
                              now=at(16, 0))


def test_no_sla_or_no_assignment_never_breaches():
    assert not is_breached(assigned_at=ASSIGNED_AT, first_contact_at=None, sla_minutes=None, now=at(23, 0))
    assert not is_breached(assigned_at=None, first_contact_at=None, sla_minutes=HOT, now=at(23, 0))


def test_settings_are_checked():
    with pytest.raises(InvalidInput, match="hot SLA must be a whole number of minutes"):
        SlaSettings(targets={ScoreCategory.HOT: 0}).validated()
    with pytest.raises(InvalidInput, match="availability grace"):
        SlaSettings(grace_minutes=-1).validated()
    with pytest.raises(InvalidInput, match="not a time zone"):
        SlaSettings(time_zone="Berlin").validated()
    assert SlaSettings(time_zone="Europe/Berlin").validated().target("nurture") is None


def test_windows_agree_with_the_rule_at_every_minute_around_the_edge():
    settings = SlaSettings()
    for offset in range(-3 * 60, 3 * 60, 7):  # seconds around 15:00
        now = at(15, 0) + timedelta(seconds=offset)
        breached = is_open_breach(assigned_at=ASSIGNED_AT, first_contact_at=None, sla_minutes=HOT, now=now)
        hot = [w for w in sla_windows(settings, now, breached=True, due_within=None)
               if w.category == ScoreCategory.HOT]
        assert hot[0].holds(ASSIGNED_AT) is breached, now


def _listed(uow, **filters) -> list[int]:
    return [row.id for row in search_leads(uow, SUPERVISOR, LeadFilters(**filters)).rows]


def test_the_lead_list_filters_breached_and_due_soon():
    uow = uow_with([agent(10, open_leads=3)], [assigned(1, 10), assigned(2, 10), assigned(3, 10)])
    uow.leads.fields[2].assigned_at = at(14, 55)   # due 15:10
    uow.leads.fields[3].assigned_at = at(14, 59)   # due 15:14
    assert _listed(uow, sla_breached=True, sla_as_of=at(15, 1)) == [1]
    assert _listed(uow, due_within_minutes=10, sla_as_of=at(15, 1)) == [2]
    assert sorted(_listed(uow, sla_breached=True, due_within_minutes=10, sla_as_of=at(15, 1))) == [1, 2]
    assert _listed(uow, sla_breached=True, sla_as_of=at(14, 59)) == []
    uow.leads.fields[1].first_contact_at = at(15, 0)  # contacted: no longer listed
    assert _listed(uow, sla_breached=True, sla_as_of=at(15, 1)) == []


def test_due_within_takes_whole_positive_minutes():
    with pytest.raises(InvalidInput, match="whole minutes"):
        LeadFilters(due_within_minutes=0).validated()
