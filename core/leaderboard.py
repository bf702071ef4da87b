"""The scoring leaderboard's figures: distribution, histogram, movers, and why a lead scored so."""

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from core.identity import Actor
from core.leads import LeadFilters
from core.permissions import Permission
from core.ports import UnitOfWork
from core.scoring import Weights

HISTOGRAM_BIN = 5


@dataclass(frozen=True)
class Leaderboard:
    categories: pd.DataFrame   # category, leads
    histogram: pd.DataFrame    # score bin start, leads
    risers: pd.DataFrame
    fallers: pd.DataFrame


def leaderboard(uow: UnitOfWork, actor: Actor, filters: LeadFilters, *, movers: int = 10) -> Leaderboard:
    actor.require(Permission.VIEW_DASHBOARDS)
    filters = filters.validated()
    with uow:
        return Leaderboard(
            categories=uow.leads.category_counts(actor.tenant_id, filters),
            histogram=uow.leads.score_histogram(actor.tenant_id, filters, HISTOGRAM_BIN),
            risers=uow.leads.movers(actor.tenant_id, filters, rising=True, limit=movers),
            fallers=uow.leads.movers(actor.tenant_id, filters, rising=False, limit=movers),
        )


def contributions(scores: dict[str, Decimal | None], weights: Weights) -> pd.DataFrame:
    """Each component's share of the overall score: wᵢ·cᵢ / Σw, adding up to the overall."""
    total = weights.source_quality + weights.engagement + weights.conversion + weights.urgency
    parts = {
        "Source quality": (scores.get("Source quality"), weights.source_quality),
        "Engagement": (scores.get("Engagement"), weights.engagement),
        "Conversion probability": (scores.get("Conversion probability"), weights.conversion),
        "Urgency": (scores.get("Urgency"), weights.urgency),
    }
    return pd.DataFrame({
        "Component": list(parts),
        "Score": [float(c or 0) for c, _ in parts.values()],
        "Weight": [float(w / total) for _, w in parts.values()],
        "Contribution": [float((c or 0) * w / total) for c, w in parts.values()],
    })
