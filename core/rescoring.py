"""Use cases that (re)compute lead scores: one lead, or a whole tenant in chunks.

Components come from core.scoring_components; the overall score from core.scoring. The batch
path writes components in bulk and recomputes overall scores with set-based SQL per chunk of
ids, each chunk its own short transaction, so no transaction grows with the table.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.errors import InvalidInput, NotFound
from core.identity import Actor
from core.permissions import Permission
from core.ports import UnitOfWork
from core.scoring import Components, Thresholds, Weights, category, overall_score
from core.scoring_components import (
    ConversionStats,
    conversion_probability,
    engagement,
    lead_attributes,
    source_quality,
    urgency,
)

CHUNK_IDS = 20_000
METHOD_WEIGHTED = "weighted"


@dataclass(frozen=True)
class ScoringSettings:
    version_id: int
    version: int
    weights: Weights
    thresholds: Thresholds
    source_quality: dict[str, int]


@dataclass(frozen=True)
class LeadFacts:
    lead_id: int
    source: str
    status: str
    required_skill: str | None
    company: str | None
    due_date: date | None
    created_at: datetime
    activities: list[tuple[str, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class ScoredComponents:
    lead_id: int
    source_quality: Decimal
    engagement: Decimal
    conversion: Decimal
    urgency: Decimal


@dataclass(frozen=True)
class LeadScore:
    lead_id: int
    components: ScoredComponents
    overall: Decimal
    category: str


def score_components(facts: LeadFacts, settings: ScoringSettings, stats: ConversionStats,
                     now: datetime) -> ScoredComponents:
    return ScoredComponents(
        lead_id=facts.lead_id,
        source_quality=source_quality(facts.source, settings.source_quality),
        engagement=engagement(facts.activities, now),
        conversion=conversion_probability(
            lead_attributes(facts.source, facts.required_skill, facts.company), stats),
        urgency=urgency(facts.status, facts.due_date, facts.created_at, now),
    )


def score_lead(facts: LeadFacts, settings: ScoringSettings, stats: ConversionStats,
               now: datetime) -> LeadScore:
    """The single-lead path, entirely in Python."""
    parts = score_components(facts, settings, stats, now)
    overall = overall_score(Components(parts.source_quality, parts.engagement, parts.conversion,
                                       parts.urgency), settings.weights)
    return LeadScore(facts.lead_id, parts, overall, category(overall, settings.thresholds))


def rescore_lead(uow: UnitOfWork, actor: Actor, lead_id: int, now: datetime) -> LeadScore:
    actor.require(Permission.ASSIGN_LEADS)
    with uow:
        facts = uow.scoring.lead_facts(actor.tenant_id, low=lead_id, high=lead_id)
        if not facts:
            raise NotFound(f"Lead #{lead_id} does not exist in your tenant.")
        settings = uow.scoring.current_settings(actor.tenant_id)
        stats = uow.scoring.conversion_stats(actor.tenant_id)
        score = score_lead(facts[0], settings, stats, now)
        uow.scoring.write_score(actor.tenant_id, score, settings, now=now, method=METHOD_WEIGHTED)
        uow.commit()
    return score


MAX_SELECTION = 500


def rescore_leads(uow: UnitOfWork, actor: Actor, lead_ids: list[int], now: datetime) -> int:
    """A selection of leads (the ones a page shows), each by the single-lead path, one transaction."""
    actor.require(Permission.ASSIGN_LEADS)
    if len(lead_ids) > MAX_SELECTION:
        raise InvalidInput(f"Select at most {MAX_SELECTION} leads to recalculate, or rescore the tenant.")
    with uow:
        settings = uow.scoring.current_settings(actor.tenant_id)
        stats = uow.scoring.conversion_stats(actor.tenant_id)
        wanted, done = set(lead_ids), 0
        for lead_id in sorted(wanted):
            for facts in uow.scoring.lead_facts(actor.tenant_id, low=lead_id, high=lead_id):
                score = score_lead(facts, settings, stats, now)
                uow.scoring.write_score(actor.tenant_id, score, settings, now=now, method=METHOD_WEIGHTED)
                done += 1
        uow.commit()
    return done


@dataclass(frozen=True)
class RescoreReport:
    leads: int
    chunks: int


def rescore_tenant(
    new_uow: Callable[[], UnitOfWork], tenant_id: int, now: datetime, *,
    refresh_components: bool, chunk_ids: int = CHUNK_IDS,
    progress: Callable[[float], None] = lambda done: None, bounds: tuple[int, int] | None = None,
) -> RescoreReport:
    """Every lead of a tenant, chunk by chunk of ids, each chunk committed on its own.

    Chunks are disjoint, so as many run at once as the store can write (one on SQLite).
    `progress` is called from the caller's thread (Streamlit draws only from there), in order.
    Callers check permissions: the weights page (admin), imports and `cli.py rescore`.
    `bounds` limits the run to an id range (the leads an import just added).
    """
    with new_uow() as uow:
        bounds = bounds or uow.scoring.id_bounds(tenant_id)
        settings = uow.scoring.current_settings(tenant_id)
        stats = uow.scoring.conversion_stats(tenant_id) if refresh_components else None
        at_once = uow.scoring.chunks_at_once()
    if bounds is None:
        return RescoreReport(0, 0)
    low, high = bounds
    ranges = [(start, min(start + chunk_ids - 1, high)) for start in range(low, high + 1, chunk_ids)]

    def rescore_chunk(id_range: tuple[int, int]) -> int:
        start, end = id_range
        with new_uow() as uow:
            if refresh_components:
                facts = uow.scoring.lead_facts(tenant_id, low=start, high=end)
                uow.scoring.write_components([score_components(f, settings, stats, now) for f in facts])
            rescored = uow.scoring.apply_overall(tenant_id, settings, low=start, high=end, now=now,
                                                 method=METHOD_WEIGHTED)
            uow.commit()
        return rescored

    leads = 0
    # The old versions of the rows each chunk rewrites are cleaned up once the last chunk is
    # written, not while the others still run.
    with (new_uow() as quiet, quiet.scoring.cleanup_deferred(),
          ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="rescore") as pool):
        # map yields results in order and, once a chunk's failure reaches us, cancels the
        # chunks not yet started.
        for (_, end), rescored in zip(ranges, pool.map(rescore_chunk, ranges), strict=True):
            leads += rescored
            progress((end - low + 1) / (high - low + 1))
    return RescoreReport(leads, len(ranges))
