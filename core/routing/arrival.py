"""Leads routed on arrival: an import, then at once a routing run over its new leads by the
rules that say "on arrival" (a batch of its own, after the import's batch committed)."""

from dataclasses import replace

from core.bulk.import_file import ImportFile, Mapping
from core.bulk.lead_import import ImportResult, import_leads
from core.bulk.runner import Progress
from core.domain.errors import BatchInterrupted, DatabaseUnavailable, TransientConflict
from core.domain.identity import Actor
from core.ports import UnitOfWorkFactory
from core.routing.run import run_routing

NOT_ROUTED = ("The leads are imported, but routing them on arrival could not finish; the next "
              "`python cli.py route` (every minute from cron) places them.")


def import_and_route(new_uow: UnitOfWorkFactory, actor: Actor, file: ImportFile, mapping: Mapping, *,
                     all_or_nothing: bool, progress: Progress = lambda done: None) -> ImportResult:
    """Import the file; then route its new leads by the on-arrival rules. The import result
    says how many were routed (and in which batch)."""
    result = import_leads(new_uow, actor, file, mapping, all_or_nothing=all_or_nothing, progress=progress)
    if not result.lead_ids:
        return result
    try:
        routed = run_routing(new_uow, actor, lead_ids=result.lead_ids, on_arrival=True)
    except (TransientConflict, DatabaseUnavailable, BatchInterrupted):
        return replace(result, note="\n".join(filter(None, [result.note, NOT_ROUTED])))
    return replace(result, routed=len(routed.placed), routing_batch_id=routed.batch_id)
