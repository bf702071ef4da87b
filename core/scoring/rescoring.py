"""Use cases that (re)compute lead scores: one lead, or a whole tenant in chunks.

Components and the overall score come from the domain (core.domain.components). The batch
path writes components in bulk and recomputes overall scores with set-based SQL per chunk of
ids, each chunk its own short transaction, so no transaction grows with the table.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from core.domain.components import ConversionStats, LeadScore, score_components, score_lead
from core.domain.errors import (
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    RescoreIncomplete,
    TransientConflict,
)
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.scoring import IdRange, ScoringSettings
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction, retry_on_conflict

CHUNK_IDS = 20_000
METHOD_WEIGHTED = "weighted"


@retry_on_conflict
def rescore_lead(uow: UnitOfWork, actor: Actor, lead_id: int, now: datetime) -> LeadScore:
    actor.require(Permission.RESCORE_LEADS)
    with uow:
        facts = uow.scoring.lead_facts(actor.tenant_id, low=lead_id, high=lead_id)
        if not facts:
            raise NotFound(f"Lead #{lead_id} does not exist in your tenant.")
        if facts[0].keeps_its_score:
            raise InvalidInput(f"Lead #{lead_id} is {facts[0].status}: a closed lead keeps the score "
                               "it had when it closed, so it is not recalculated.")
        settings = uow.scoring.current_settings(actor.tenant_id)
        stats = uow.scoring.conversion_stats(actor.tenant_id)
        score = score_lead(facts[0], settings, stats, now)
        uow.scoring.write_score(actor.tenant_id, score, settings, now=now, method=METHOD_WEIGHTED)
        uow.commit()
    return score


MAX_SELECTION = 500


@retry_on_conflict
def rescore_leads(uow: UnitOfWork, actor: Actor, lead_ids: list[int], now: datetime) -> int:
    """A selection of leads (the ones a page shows), each by the single-lead path, one
    transaction. Closed leads keep their score and are not counted."""
    actor.require(Permission.RESCORE_LEADS)
    if len(lead_ids) > MAX_SELECTION:
        raise InvalidInput(f"Select at most {MAX_SELECTION} leads to recalculate, or rescore the tenant.")
    with uow:
        settings = uow.scoring.current_settings(actor.tenant_id)
        stats = uow.scoring.conversion_stats(actor.tenant_id)
        wanted, done = set(lead_ids), 0
        for lead_id in sorted(wanted):
            for facts in uow.scoring.lead_facts(actor.tenant_id, low=lead_id, high=lead_id):
                if facts.keeps_its_score:
                    continue
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
    new_uow: UnitOfWorkFactory, actor: Actor, now: datetime, *,
    refresh_components: bool, chunk_ids: int = CHUNK_IDS,
    progress: Callable[[float], object] = lambda done: None, bounds: IdRange | None = None,
) -> RescoreReport:
    """Every lead of a tenant, chunk by chunk of ids, each chunk committed on its own; closed
    leads keep their score (`keeps_its_score`), and are not counted.

    Chunks are disjoint, so as many run at once as the store can write (one on SQLite).
    `progress` is called from the caller's thread (Streamlit draws only from there), in order.
    Callers: the weights page (admin), imports, and `cli.py rescore` as `Actor.operator`.
    `bounds` limits the run to an id range (the leads an import just added).
    """
    actor.require(Permission.RESCORE_LEADS)
    tenant_id = actor.tenant_id
    def read(uow: UnitOfWork) -> tuple[IdRange | None, ScoringSettings, ConversionStats | None, int]:
        return (bounds or uow.scoring.id_bounds(tenant_id), uow.scoring.current_settings(tenant_id),
                uow.scoring.conversion_stats(tenant_id) if refresh_components else None,
                uow.scoring.chunks_at_once())

    span, settings, stats, at_once = in_transaction(new_uow, read)
    if span is None:
        return RescoreReport(0, 0)
    low, high = span
    ranges = [IdRange(start, min(start + chunk_ids - 1, high)) for start in range(low, high + 1, chunk_ids)]

    def rescore(uow: UnitOfWork, id_range: IdRange) -> int:
        start, end = id_range
        if stats is not None:  # refreshing the components too
            facts = uow.scoring.lead_facts(tenant_id, low=start, high=end)
            uow.scoring.write_components([score_components(f, settings, stats, now) for f in facts
                                          if not f.keeps_its_score])
        return uow.scoring.apply_overall(tenant_id, settings, low=start, high=end, now=now,
                                         method=METHOD_WEIGHTED)

    def rescore_chunk(id_range: IdRange) -> int:  # each chunk retried on its own
        return in_transaction(new_uow, lambda uow: rescore(uow, id_range))

    leads, finished = 0, low - 1
    # The old versions of the rows each chunk rewrites are cleaned up once the last chunk is
    # written, not while the others still run.
    with (new_uow() as quiet, quiet.scoring.cleanup_deferred(),
          ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="rescore") as pool):
        # map yields results in order and, once a chunk's failure reaches us, cancels the
        # chunks not yet started.
        try:
            for (_, end), rescored in zip(ranges, pool.map(rescore_chunk, ranges), strict=True):
                leads, finished = leads + rescored, end
                progress((end - low + 1) / (high - low + 1))
        except (TransientConflict, DatabaseUnavailable) as exc:
            raise RescoreIncomplete(
                f"Rescoring stopped: {exc.message} Leads with ids from {finished + 1:,} to {high:,} "
                f"may still carry scores of an earlier weights version than {settings.version}; "
                "the next `python cli.py rescore` (nightly, or run it now) brings every lead to "
                "the current version.") from exc
    return RescoreReport(leads, len(ranges))
