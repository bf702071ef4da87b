"""Scoring weights (docs/design.md §5): saving writes a version and its audit row and rescores the
tenant; restoring saves an old version's values again; only admins change them."""

from datetime import datetime
from decimal import Decimal

import pytest

from core.domain.errors import InvalidInput, NotFound, PermissionDenied
from core.domain.scoring import Thresholds, Weights
from core.scoring.weights import (
    current_settings,
    restore_version,
    save_weights,
    scored_leads,
    weight_versions,
)
from tests.unit.builders import ADMIN, MANAGER, SUPERVISOR, lead, scored, user_of
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 22, 9, 0)
SOURCE_ONLY = Weights(Decimal(1), Decimal(0), Decimal(0), Decimal(0))


def components(source, engagement, conversion, urgency, overall):
    return scored(overall, source_quality_score=Decimal(source), engagement_score=Decimal(engagement),
                  conversion_probability=Decimal(conversion), urgency_score=Decimal(urgency))


def scored_tenant() -> FakeUnitOfWork:
    """Lead 1: components 80, 20, 40, 60 (49 with the default weights); lead 2: all 100; lead 3
    belongs to another tenant."""
    return FakeUnitOfWork(users=[user_of(ADMIN)], tenants={"acme": 1, "other": 2},
                          leads=[lead(1), lead(2), lead(3, tenant_id=2)],
                          lead_fields={1: components(80, 20, 40, 60, 49),
                                       2: components(100, 100, 100, 100, 100),
                                       3: components(80, 20, 40, 60, 49)})


def save(uow, weights=SOURCE_ONLY, **changes):
    return save_weights(lambda: uow, ADMIN, weights=weights, thresholds=Thresholds(), reason="source only",
                        now=NOW, **changes)


def test_saving_writes_a_new_version_and_its_audit_row():
    uow = scored_tenant()
    report = save(uow)
    assert (report.version, report.leads) == (2, 2)
    newest, first = weight_versions(uow, ADMIN)
    assert (newest.version, newest.by_username, newest.weights, newest.reason) == (2, "adm", SOURCE_ONLY,
                                                                                   "source only")
    assert first.version == 1 and current_settings(uow, MANAGER).weights == SOURCE_ONLY
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.entity_id, entry.reason) == ("scoring.weights_saved", "2", "source only")
    assert entry.before["weights"] == ["0.25", "0.25", "0.30", "0.20"]
    assert entry.after["weights"] == ["1", "0", "0", "0"]


def test_saving_rescores_every_lead_of_the_tenant_with_the_new_weights():
    uow = scored_tenant()
    save(uow)
    first = uow.leads.fields[1]
    assert (first.overall_score, first.score_category, first.previous_score, first.score_change) == (
        80, "hot", 49, 31)
    assert (first.weights_version_id, first.last_calculated) == (current_settings(uow, ADMIN).version_id, NOW)
    assert uow.leads.fields[2].overall_score == 100
    assert uow.leads.fields[3].overall_score == 49  # another tenant's lead


def test_a_new_source_table_refreshes_the_components_and_the_same_table_leaves_them():
    uow = scored_tenant()
    save(uow)
    assert uow.leads.fields[1].engagement_score == 20  # stored components kept
    save(uow, source_quality={"website": 100, "other": 30})
    assert (uow.leads.fields[1].source_quality_score, uow.leads.fields[1].engagement_score) == (100, 0)


def test_restoring_saves_an_old_versions_values_as_a_new_version_and_rescores():
    uow = scored_tenant()
    strict = Thresholds(Decimal(90), Decimal(70), Decimal(50))
    save_weights(lambda: uow, ADMIN, weights=SOURCE_ONLY, thresholds=strict, reason="strict", now=NOW,
                 source_quality={"website": 85, "other": 30})
    save(uow, weights=Weights())
    report = restore_version(lambda: uow, ADMIN, version=2, reason="strict was better", now=NOW)
    newest = weight_versions(uow, ADMIN)[0]
    assert (report.version, newest.weights, newest.thresholds) == (4, SOURCE_ONLY, strict)
    assert newest.reason == "Restore version 2: strict was better"
    assert current_settings(uow, ADMIN).source_quality == {"website": 85, "other": 30}
    assert (uow.leads.fields[1].overall_score, uow.leads.fields[1].score_category) == (85, "warm")


def test_a_restore_takes_a_reason_as_long_as_a_save_does():
    """The "Restore version N: " prefix is ours: the person's reason may use the whole limit."""
    uow = scored_tenant()
    longest = "x" * 500
    restore_version(lambda: uow, ADMIN, version=1, reason=longest, now=NOW)
    assert weight_versions(uow, ADMIN)[0].reason == f"Restore version 1: {longest}"
    with pytest.raises(InvalidInput, match="at most 500 characters"):
        restore_version(lambda: uow, ADMIN, version=1, reason=longest + "x", now=NOW)


def test_restoring_a_version_that_does_not_exist_is_refused():
    uow = scored_tenant()
    with pytest.raises(NotFound, match="Weights version 9 does not exist in your tenant"):
        restore_version(lambda: uow, ADMIN, version=9, reason="why not", now=NOW)
    assert len(weight_versions(uow, ADMIN)) == 1


@pytest.mark.parametrize("weights, reason, message", [
    (SOURCE_ONLY, "  ", "needs a reason"),
    (SOURCE_ONLY, "x" * 501, "at most 500 characters"),
    (Weights(Decimal(0), Decimal(0), Decimal(0), Decimal(0)), "zero", "At least one weight"),
])
def test_a_bad_save_is_refused_and_writes_nothing(weights, reason, message):
    uow = scored_tenant()
    before = uow.store.snapshot()
    with pytest.raises(InvalidInput, match=message):
        save_weights(lambda: uow, ADMIN, weights=weights, thresholds=Thresholds(), reason=reason, now=NOW)
    assert uow.store == before


@pytest.mark.parametrize("actor", [SUPERVISOR, MANAGER])
def test_only_admins_see_versions_and_save_or_restore_weights(actor):
    uow = scored_tenant()
    for use_case in (lambda: save_weights(lambda: uow, actor, weights=SOURCE_ONLY, thresholds=Thresholds(),
                                          reason="r", now=NOW),
                     lambda: restore_version(lambda: uow, actor, version=1, reason="r", now=NOW),
                     lambda: weight_versions(uow, actor), lambda: scored_leads(uow, actor)):
        with pytest.raises(PermissionDenied, match="change scoring weights"):
            use_case()
    assert len(uow.scoring.rows) == 2  # version 1 of each tenant


def test_the_previews_input_is_every_lead_of_the_tenant_with_coded_source_and_category():
    frame = scored_leads(scored_tenant(), ADMIN)
    assert frame["id"].tolist() == [1, 2] and frame["overall_score"].tolist() == [49.0, 100.0]
    assert (frame["source"].dtype.name, frame["score_category"].dtype.name) == ("category", "category")


def test_a_new_source_table_is_in_the_audit_rows_before_and_after():
    uow = scored_tenant()
    save(uow, weights=Weights(), source_quality={"website": 100, "other": 30})
    entry = uow.audit.entries[-1]
    assert entry.before != entry.after
