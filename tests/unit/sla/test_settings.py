"""The SLAs & hours settings: admin only, validated, versioned, audited, a stale edit refused."""

from dataclasses import replace
from datetime import datetime

import pytest

from core.domain.errors import InvalidInput, PermissionDenied, StaleView
from core.domain.sla import SlaSettings
from core.domain.vocabulary import ScoreCategory
from core.domain.working_hours import interval
from core.sla.settings import save_sla_settings, save_team_hours, sla_page
from tests.unit.builders import ADMIN, SUPERVISOR
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.sla.factories import agent

NOW = datetime(2026, 3, 2, 12, 0)
BERLIN = SlaSettings(time_zone="Europe/Berlin", grace_minutes=10,
                     targets={ScoreCategory.HOT: 10, ScoreCategory.WARM: 60, ScoreCategory.COLD: None,
                              ScoreCategory.NURTURE: None})


def new_uow():
    return FakeUnitOfWork(agents=[agent(10), agent(20)], teams={10: "North", 20: "South"})


def test_saving_bumps_the_version_and_audits_before_and_after():
    uow = new_uow()
    assert sla_page(uow, ADMIN).settings.version == 0
    assert save_sla_settings(uow, ADMIN, settings=BERLIN, expected_version=0, now=NOW) == \
        "Saved the SLA settings as version 1."
    page = sla_page(uow, ADMIN)
    assert page.settings == replace(BERLIN, version=1) and page.teams == ["North", "South"]
    entry = uow.audit.entries[-1]
    assert entry.action == "sla.settings_saved"
    assert entry.before["time_zone"] == "UTC" and entry.after["sla_hot_minutes"] == 10


def test_a_stale_edit_is_refused_and_changes_nothing():
    uow = new_uow()
    save_sla_settings(uow, ADMIN, settings=BERLIN, expected_version=0, now=NOW)
    with pytest.raises(StaleView, match="saved by someone else"):
        save_sla_settings(uow, ADMIN, settings=replace(BERLIN, grace_minutes=99), expected_version=0, now=NOW)
    assert sla_page(uow, ADMIN).settings.grace_minutes == 10


def test_a_bad_time_zone_or_a_supervisor_is_refused():
    uow = new_uow()
    with pytest.raises(InvalidInput, match="not a time zone"):
        save_sla_settings(uow, ADMIN, settings=replace(BERLIN, time_zone="Berlin"), expected_version=0,
                          now=NOW)
    with pytest.raises(PermissionDenied):
        save_sla_settings(uow, SUPERVISOR, settings=BERLIN, expected_version=0, now=NOW)
    assert sla_page(uow, ADMIN).settings.version == 0 and not uow.audit.entries


def test_team_hours_are_saved_per_team_as_a_version_and_audited():
    uow = new_uow()
    night = [interval("Sat", "22:00", "06:00"), interval("Mon", "09:00", "17:00")]
    save_team_hours(uow, ADMIN, team="North", hours=night, expected_version=0, now=NOW)
    page = sla_page(uow, ADMIN)
    assert page.hours == {"North": tuple(sorted(night))} and page.settings.version == 1
    assert uow.audit.entries[-1].after == {"hours": ["Mon 09:00-17:00", "Sat 22:00-06:00"]}
    with pytest.raises(StaleView):
        save_team_hours(uow, ADMIN, team="South", hours=night, expected_version=0, now=NOW)
    with pytest.raises(InvalidInput, match="No agent of your tenant is in team"):
        save_team_hours(uow, ADMIN, team="Nowhere", hours=night, expected_version=1, now=NOW)
    save_team_hours(uow, ADMIN, team="North", hours=[], expected_version=1, now=NOW)
    assert sla_page(uow, ADMIN).hours == {}
