"""The demo tenant's second scoring version: weights its admin tuned for inbound leads.

Under the default weights (docs/design.md §5) a lead nobody has called yet has no engagement,
so a fresh website lead scores in the 40s and only a handful of the demo's leads are hot. A
call center that works inbound leads tunes that, as the demo's admin did: urgency counts most
(speed to lead), then the source. Version 1 (the defaults) stays in the history, so the Scoring
weights page shows the change, who made it and why; the demo's leads are scored with version 2.

With the demo's own conversion history (a website lead converts about 30% of the time, an
email lead about 22%), a lead imported just now with no due date, or due today or overdue,
scores about: referral 85, partner 82, event 78, website 74.5, email 69.6, social 68,
cold call 63. Hot (72) lies halfway between a fresh website and a fresh email lead, so a
website lead is hot for its first eight hours or so, or while it is due; one due in a week or
more (urgency 30) scores about 36, cold, which the "Website leads worth a call" rule places.
On the 5,000-lead demo: about 150 open hot leads of some 2,100 (docs/routing.md, "Demo").
Only the tenant with the demo's admin gets it: the benchmark's tenant keeps the defaults.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, select

from core.domain.audit import AuditEntry
from core.domain.scoring import Thresholds, Weights
from db.models import User
from db.repositories.audit_log import SqlAuditRepository
from db.repositories.scoring import SqlScoringRepository

TUNED_WEIGHTS = Weights(source_quality=Decimal("0.30"), engagement=Decimal("0.10"),
                        conversion=Decimal("0.05"), urgency=Decimal("0.55"))
TUNED_THRESHOLDS = Thresholds(hot=Decimal("72"), warm=Decimal("50"), cold=Decimal("30"))
REASON = ("Inbound first: speed to lead. A fresh lead from a good source is called within "
          "minutes, so urgency counts most and the source next; engagement and conversion "
          "count less, as a lead nobody has called yet has neither.")
ADMIN = "admin"


def seed_tuned_scoring(connection: Connection, tenant_id: int, now: datetime) -> None:
    """Version 2, saved by the demo admin with a reason and audited as the Scoring weights page
    saves one (core.scoring.weights); the demo scores its leads afterwards, once."""
    admin_id = connection.scalar(select(User.id).where(User.tenant_id == tenant_id,
                                                       User.username == ADMIN))
    scoring = SqlScoringRepository(connection)
    previous = scoring.current_settings(tenant_id)
    version = scoring.add_version(tenant_id, weights=TUNED_WEIGHTS, thresholds=TUNED_THRESHOLDS,
                                  source_quality=previous.source_quality, by_user_id=admin_id,
                                  reason=REASON, now=now)
    SqlAuditRepository(connection).append(AuditEntry(
        tenant_id=tenant_id, actor_user_id=admin_id, actor_name=ADMIN,
        action="scoring.weights_saved", entity_type="scoring_weights", entity_id=str(version),
        before=_described(previous.weights, previous.thresholds, previous.source_quality),
        after=_described(TUNED_WEIGHTS, TUNED_THRESHOLDS, previous.source_quality), reason=REASON,
    ))


def _described(weights: Weights, thresholds: Thresholds, table: dict[str, int]) -> dict[str, object]:
    """The audit row's shape of a weights version, as core.scoring.weights writes it."""
    return {"weights": [str(w) for w in (weights.source_quality, weights.engagement,
                                         weights.conversion, weights.urgency)],
            "thresholds": [str(t) for t in (thresholds.hot, thresholds.warm, thresholds.cold)],
            "source_quality": table}
