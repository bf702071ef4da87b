"""The scoring leaderboard's figures: distribution, histogram, movers, and why a lead scored so."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from core.domain.identity import Actor
from core.domain.leads import CategoryCount, HistogramBin, LeadFilters, Mover, ScoreParts
from core.domain.permissions import Permission
from core.domain.scoring import ScoreComponent, Weights
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import retry_on_conflict, with_retries

HISTOGRAM_BIN = 5
T = TypeVar("T")


@dataclass(frozen=True)
class Leaderboard:
    categories: list[CategoryCount]
    histogram: list[HistogramBin]
    risers: list[Mover]
    fallers: list[Mover]

    @property
    def matching(self) -> int:
        """Leads that match the filters: the categories' counts add up to them."""
        return sum(c.leads for c in self.categories)


@retry_on_conflict
def leaderboard(uow: UnitOfWork, actor: Actor, filters: LeadFilters, *, movers: int = 10) -> Leaderboard:
    actor.require(Permission.VIEW_DASHBOARDS)
    filters = filters.validated()
    with uow:
        categories, histogram = uow.leads.score_spread(actor.tenant_id, filters, HISTOGRAM_BIN)
        return Leaderboard(
            categories=categories, histogram=histogram,
            risers=uow.leads.movers(actor.tenant_id, filters, rising=True, limit=movers),
            fallers=uow.leads.movers(actor.tenant_id, filters, rising=False, limit=movers),
        )


def leaderboard_at_once(new_uow: UnitOfWorkFactory, actor: Actor, filters: LeadFilters, *,
                        movers: int = 10) -> Leaderboard:
    """The same figures as `leaderboard`, its three reads at the same time, each in a read of
    its own: risers and fallers each scan the tenant's leads (no index holds the change), at a
    million 0.3-0.5 s apiece, one after the other on one connection. Each read is retried on
    its own; they may see moments a few milliseconds apart, which a board kept for a minute
    does anyway."""
    actor.require(Permission.VIEW_DASHBOARDS)
    filters = filters.validated()
    tenant_id = actor.tenant_id

    def read(work: Callable[[UnitOfWork], T]) -> T:
        def attempt() -> T:
            with new_uow() as uow:
                return work(uow)
        return with_retries(attempt)

    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="leaderboard") as pool:
        spread = pool.submit(read, lambda uow: uow.leads.score_spread(tenant_id, filters, HISTOGRAM_BIN))
        risers, fallers = (pool.submit(read, lambda uow, rising=rising: uow.leads.movers(
            tenant_id, filters, rising=rising, limit=movers)) for rising in (True, False))
        categories, histogram = spread.result()
        return Leaderboard(categories, histogram, risers.result(), fallers.result())


@dataclass(frozen=True)
class Contribution:
    component: ScoreComponent
    score: float
    weight: float          # the component's share of the weights
    contribution: float    # score × share: the points it adds to the overall score


def contributions(scores: ScoreParts, weights: Weights) -> list[Contribution]:
    """Each component's share of the overall score: wᵢ·cᵢ / Σw, adding up to the overall."""
    total = weights.source_quality + weights.engagement + weights.conversion + weights.urgency
    parts: dict[ScoreComponent, tuple[Decimal | None, Decimal]] = {
        ScoreComponent.SOURCE_QUALITY: (scores.source_quality, weights.source_quality),
        ScoreComponent.ENGAGEMENT: (scores.engagement, weights.engagement),
        ScoreComponent.CONVERSION: (scores.conversion, weights.conversion),
        ScoreComponent.URGENCY: (scores.urgency, weights.urgency),
    }
    return [Contribution(component, float(score or 0), float(weight / total),
                         float((score or 0) * weight / total))
            for component, (score, weight) in parts.items()]
