"""Saving weights: a new audited version, every lead rescored; restoring an old one."""

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.errors import InvalidInput, PermissionDenied
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.scoring import Thresholds, Weights
from core.scoring.weights import restore_version, save_weights, scored_leads, weight_versions
from db.demo import seed_demo
from db.models import AuditRow, Lead, ScoringWeights
from db.unit_of_work import SqlUnitOfWork

NOW = datetime(2026, 11, 22, 9, 0)
SHIPPED = 2  # the demo's versions: 1 the defaults, 2 the demo admin's (db/demo_scoring.py)
CONVERSION_HEAVY = Weights(Decimal("0.1"), Decimal("0.1"), Decimal("0.7"), Decimal("0.1"))


@pytest.fixture
def admin(engine):
    seed_demo(engine, leads=300, agents=8, password_rounds=4, now=NOW)
    with Session(engine) as s:
        from db.models import User
        user = s.scalars(select(User).where(User.username == "admin")).one()
    return Actor(user.id, "admin", "Admin", user.tenant_id, Role.ADMIN)


def test_save_creates_a_version_audits_it_and_rescores_every_lead(engine, admin):
    report = save_weights(lambda: SqlUnitOfWork(engine), admin, weights=CONVERSION_HEAVY,
                          thresholds=Thresholds(), reason="Conversion matters most", now=NOW)
    with Session(engine) as s:
        open_ = Lead.status.not_in(["converted", "lost"])  # closed leads keep their score
        assert (report.version, report.leads) == (SHIPPED + 1, s.scalar(
            select(func.count()).select_from(Lead).where(Lead.tenant_id == admin.tenant_id, open_)))
        version = s.scalars(select(ScoringWeights).where(ScoringWeights.version == SHIPPED + 1,
                                                         ScoringWeights.tenant_id == admin.tenant_id)).one()
        assert (version.conversion_weight, version.reason) == (Decimal("0.7000"), "Conversion matters most")
        assert s.scalar(select(func.count()).select_from(Lead).where(
            Lead.tenant_id == admin.tenant_id, open_, Lead.weights_version_id != version.id)) == 0
        audit = s.scalars(select(AuditRow).where(AuditRow.action == "scoring.weights_saved")
                          .order_by(AuditRow.id.desc()).limit(1)).one()
        assert audit.reason == "Conversion matters most" and audit.actor_name == "admin"
    stored = scored_leads(SqlUnitOfWork(engine), admin)
    from core.scoring.preview import overall_cents
    assert (overall_cents(stored, CONVERSION_HEAVY) / 100 == stored["overall_score"]).all()


def test_restore_brings_back_an_earlier_versions_scores(engine, admin):
    before = scored_leads(SqlUnitOfWork(engine), admin).set_index("id")["overall_score"].sort_index()
    save_weights(lambda: SqlUnitOfWork(engine), admin, weights=CONVERSION_HEAVY,
                 thresholds=Thresholds(), reason="try", now=NOW)
    report = restore_version(lambda: SqlUnitOfWork(engine), admin, version=SHIPPED, reason="back",
                             now=NOW)
    assert report.version == SHIPPED + 2
    after = scored_leads(SqlUnitOfWork(engine), admin).set_index("id")["overall_score"].sort_index()
    assert (before == after).all()
    versions = weight_versions(SqlUnitOfWork(engine), admin)
    assert versions[0].reason == f"Restore version {SHIPPED}: back"


@pytest.mark.parametrize("changes, message", [
    ({"reason": "  "}, "needs a reason"),
    ({"weights": Weights(Decimal(0), Decimal(0), Decimal(0), Decimal(0))}, "At least one weight"),
    ({"thresholds": Thresholds(Decimal(60), Decimal(60), Decimal(40))}, "hot > warm > cold"),
])
def test_invalid_saves_change_nothing(engine, admin, changes, message):
    values = dict(weights=CONVERSION_HEAVY, thresholds=Thresholds(), reason="ok", now=NOW) | changes
    with pytest.raises(InvalidInput, match=message):
        save_weights(lambda: SqlUnitOfWork(engine), admin, **values)
    with Session(engine) as s:
        assert s.scalar(select(func.max(ScoringWeights.version)).where(
            ScoringWeights.tenant_id == admin.tenant_id)) == SHIPPED


def test_a_supervisor_cannot_call_the_use_case(engine, admin):
    supervisor = Actor(admin.user_id, "supervisor", "Sup", admin.tenant_id, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied, match="change scoring weights"):
        save_weights(lambda: SqlUnitOfWork(engine), supervisor, weights=CONVERSION_HEAVY,
                     thresholds=Thresholds(), reason="sneaky", now=NOW)


def test_saving_a_new_source_table_refreshes_the_source_component(engine, admin):
    table = {"referral": 90, "partner": 80, "event": 70, "website": 99, "email": 45, "social": 40,
             "other": 30, "cold_call": 25}
    save_weights(lambda: SqlUnitOfWork(engine), admin, weights=Weights(), thresholds=Thresholds(),
                 source_quality=table, reason="Website leads got better", now=NOW)
    with Session(engine) as s:
        scores = set(s.scalars(select(Lead.source_quality_score).where(
            Lead.tenant_id == admin.tenant_id, Lead.source == "website",
            Lead.status.not_in(["converted", "lost"]))))  # closed leads keep their score
    assert scores == {Decimal("99.00")}


def test_recalculating_a_selection_uses_the_single_lead_path(engine, admin):
    from core.scoring.rescoring import rescore_leads
    supervisor = Actor(admin.user_id, "supervisor", "Sup", admin.tenant_id, Role.SUPERVISOR)
    assert rescore_leads(SqlUnitOfWork(engine), supervisor, [1, 2, 3], NOW) == 3
    with pytest.raises(InvalidInput, match="at most 500"):
        rescore_leads(SqlUnitOfWork(engine), supervisor, list(range(501)), NOW)


def test_the_previews_input_is_every_open_lead_as_stored(engine, admin):
    """On MySQL the frame is read packed, many leads to a row (db/queries/packed_scores.py):
    each lead keeps its own name, source, scores and category, whatever characters it holds."""
    with Session(engine) as s:
        lead_ids = s.scalars(select(Lead.id).where(Lead.tenant_id == admin.tenant_id,
                                                   Lead.status == "new").order_by(Lead.id).limit(3)).all()
        for lead_id, name in zip(lead_ids, ("Zoë Ñúñez 🚀", "", "O'Brien\\tab, \"quoted\""), strict=True):
            s.get(Lead, lead_id).name = name
        s.get(Lead, lead_ids[1]).source = "a-custom-source"
        s.commit()
        rows = s.execute(select(Lead.id, Lead.name, Lead.source, Lead.source_quality_score,
                                Lead.engagement_score, Lead.conversion_probability, Lead.urgency_score,
                                Lead.overall_score, Lead.score_category)
                         .where(Lead.tenant_id == admin.tenant_id, Lead.status.not_in(["converted", "lost"]))
                         .order_by(Lead.id)).all()
    frame = scored_leads(SqlUnitOfWork(engine), admin).sort_values("id")
    expected = [(r[0], r[1], r[2], *(float(v) for v in r[3:8]), r[8]) for r in rows]
    assert list(frame.itertuples(index=False, name=None)) == expected
