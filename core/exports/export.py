"""Export use cases (docs/exports.md): every list a person can view, as CSV, Excel or PDF.

Each one checks the role that may view the list and its right to export, reads only the
actor's tenant, counts the matching rows first and refuses above the limit (nothing is
written then), streams the rows a chunk at a time into the file, and audits the export in the
same unit of work: who, which list, which format, how many rows, with which filters.
"""

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TypeVar

from core.domain.audit import AuditEntry, AuditFilters
from core.domain.batches import BatchItem, short_id
from core.domain.capacity import filter_loads
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput, NotFound
from core.domain.exports import (
    CHUNK_ROWS,
    DEFAULT_MAX_ROWS,
    PDF_MAX_ROWS,
    Column,
    ExportFile,
    ExportFormat,
    ExportHeading,
    ExportList,
)
from core.domain.identity import Actor
from core.domain.leads import LeadFilters, LeadSort
from core.domain.permissions import Permission
from core.exports import columns as cols
from core.exports.cells import Chunks, Row
from core.exports.csv_writer import write_csv
from core.exports.excel_writer import write_excel
from core.exports.pdf_writer import write_pdf
from core.exports.summaries import agent_filters_text, audit_filters_text, lead_filters_text
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

EXPORTED = "export.created"  # the audit action of every export
T = TypeVar("T")


def row_limit(fmt: ExportFormat, max_rows: int) -> int:
    """The most rows a file of this format may hold."""
    return min(max_rows, PDF_MAX_ROWS) if fmt == ExportFormat.PDF else max_rows


def refuse_above_limit(matching: int, fmt: ExportFormat, max_rows: int) -> None:
    """Refuse, naming the rule, when more rows match than the file may hold (`matching` is
    counted up to the limit + 1)."""
    limit = row_limit(fmt, max_rows)
    if matching <= limit:
        return
    if fmt == ExportFormat.PDF and limit < max_rows:
        raise InvalidInput(
            f"More than {limit:,} rows match: a PDF export holds at most {PDF_MAX_ROWS:,} rows (a "
            f"longer table is no longer read on paper). Narrow the filters, or export to CSV or "
            f"Excel (up to {max_rows:,} rows).")
    raise InvalidInput(
        f"More than {limit:,} rows match: an export holds at most {limit:,} rows (the export "
        "limit, setting LEADOPS_EXPORT_MAX_ROWS). Narrow the filters and export again.")


def _chunks(values: Iterable[Sequence[T]], cells: Callable[[T], Row]) -> Chunks:
    """Each chunk of values as rows of cells, made only when the writer asks for it."""
    return ([cells(value) for value in chunk] for chunk in values)


def _in_chunks(values: Sequence[T], size: int = CHUNK_ROWS) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def write_file(fmt: ExportFormat, columns: Sequence[Column], chunks: Chunks,
               heading: ExportHeading) -> tuple[bytes, int]:
    """The file's bytes and how many rows it holds."""
    out = io.BytesIO()
    if fmt == ExportFormat.CSV:
        rows = write_csv(out, columns, chunks)
    elif fmt == ExportFormat.EXCEL:
        rows = write_excel(out, columns, chunks, heading)
    else:
        rows = write_pdf(out, columns, chunks, heading)
    return out.getvalue(), rows


def _export(uow: UnitOfWork, actor: Actor, *, which: ExportList, title: str, fmt: ExportFormat,
            columns: Sequence[Column], chunks: Chunks, filters: str, about: dict[str, str] | None = None,
            ) -> ExportFile:
    """Write the file and audit it (inside the caller's `with uow`), then commit."""
    now = utcnow()
    heading = ExportHeading(title, now, f"{actor.name} ({actor.username})", filters)
    data, rows = write_file(fmt, columns, chunks, heading)
    uow.audit.append(AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action=EXPORTED, entity_type="export", entity_id=which.value,
        after={"list": which.value, "format": fmt.value, "rows": rows, "filters": filters, **(about or {})}))
    uow.commit()
    return ExportFile(f"{which.value}-{now:%Y%m%d-%H%M}.{fmt.value}", fmt.mime, data, rows)


def _lead_export(uow: UnitOfWork, actor: Actor, filters: LeadFilters, fmt: ExportFormat, *,
                 which: ExportList, title: str, max_rows: int) -> ExportFile:
    actor.require(Permission.VIEW_DASHBOARDS)
    actor.require(Permission.EXPORT_LEADS)
    filters = filters.validated()
    with uow:
        refuse_above_limit(uow.exports.count_leads(actor.tenant_id, filters, limit=row_limit(fmt, max_rows)),
                           fmt, max_rows)
        agents = uow.exports.agent_names(actor.tenant_id)
        return _export(uow, actor, which=which, title=title, fmt=fmt, columns=cols.LEADS,
                       chunks=_chunks(uow.exports.lead_chunks(actor.tenant_id, filters, size=CHUNK_ROWS),
                                      cols.lead_cells),
                       filters=lead_filters_text(filters, agents))


@retry_on_conflict
def export_leads(uow: UnitOfWork, actor: Actor, filters: LeadFilters, fmt: ExportFormat, *,
                 max_rows: int = DEFAULT_MAX_ROWS) -> ExportFile:
    """Every lead the lead list's filters match (not only the page shown), in its order."""
    return _lead_export(uow, actor, filters, fmt, which=ExportList.LEADS, title="Leads", max_rows=max_rows)


@retry_on_conflict
def export_leaderboard(uow: UnitOfWork, actor: Actor, filters: LeadFilters, fmt: ExportFormat, *,
                       max_rows: int = DEFAULT_MAX_ROWS) -> ExportFile:
    """The leaderboard's leads: every lead its filters match, best score first."""
    ranked = replace(filters, sort=LeadSort.SCORE_DESC)
    return _lead_export(uow, actor, ranked, fmt, which=ExportList.LEADERBOARD,
                        title="Scoring leaderboard: leads", max_rows=max_rows)


@retry_on_conflict
def export_agents(uow: UnitOfWork, actor: Actor, fmt: ExportFormat, *, availability: set[str] | None = None,
                  skill: str | None = None, high_only: bool = False, name: str = "",
                  max_rows: int = DEFAULT_MAX_ROWS) -> ExportFile:
    """The agents of the capacity page, as its filters show them."""
    actor.require(Permission.VIEW_DASHBOARDS)
    actor.require(Permission.EXPORT_LEADS)
    with uow:
        shown = filter_loads(uow.agents.loads(actor.tenant_id), availability=availability, skill=skill,
                             high_only=high_only, name=name)
        refuse_above_limit(len(shown), fmt, max_rows)
        return _export(uow, actor, which=ExportList.AGENTS, title="Agent capacity", fmt=fmt,
                       columns=cols.AGENTS, chunks=_chunks(_in_chunks(shown), cols.agent_cells),
                       filters=agent_filters_text(availability=availability or set(), skill=skill,
                                                  high_only=high_only, name=name))


@retry_on_conflict
def export_batch(uow: UnitOfWork, actor: Actor, batch_id: str, fmt: ExportFormat, *,
                 max_rows: int = DEFAULT_MAX_ROWS) -> ExportFile:
    """A bulk run's outcome, lead by lead: applied, or refused and why."""
    actor.require(Permission.VIEW_DASHBOARDS)
    actor.require(Permission.EXPORT_LEADS)
    with uow:
        batch = uow.bulk.batch(actor.tenant_id, batch_id)
        if batch is None:
            raise NotFound(f"Batch {short_id(batch_id)} does not exist in your tenant. Reload the page.")
        items = uow.bulk.items(batch.id)
        refuse_above_limit(len(items), fmt, max_rows)
        agents = {agent_id: name.name for agent_id, name in uow.agents.names(actor.tenant_id).items()}

        def named(chunk: Sequence[BatchItem]) -> list[Row]:
            found = uow.leads.candidates_by_id(actor.tenant_id, [item.lead_id for item in chunk])
            leads = {candidate.lead.id: candidate.lead.name for candidate in found}
            return [cols.batch_cells(item, leads, agents) for item in chunk]

        return _export(uow, actor, which=ExportList.BATCH, fmt=fmt,
                       title=f"Batch {short_id(batch.id)} ({batch.kind.value})", columns=cols.BATCH,
                       chunks=(named(chunk) for chunk in _in_chunks(items)),
                       filters=f"batch {short_id(batch.id)}", about={"batch": batch.id})


@retry_on_conflict
def export_audit_log(uow: UnitOfWork, actor: Actor, filters: AuditFilters, fmt: ExportFormat, *,
                     max_rows: int = DEFAULT_MAX_ROWS) -> ExportFile:
    """Every audit row the filters match, newest first, with the stored before and after."""
    actor.require(Permission.VIEW_AUDIT_LOG)
    actor.require(Permission.EXPORT_LEADS)
    filters = filters.validated()
    with uow:
        refuse_above_limit(uow.exports.count_audit(actor.tenant_id, filters, limit=row_limit(fmt, max_rows)),
                           fmt, max_rows)
        return _export(uow, actor, which=ExportList.AUDIT_LOG, title="Audit log", fmt=fmt,
                       columns=cols.AUDIT_LOG,
                       chunks=_chunks(uow.exports.audit_chunks(actor.tenant_id, filters, size=CHUNK_ROWS),
                                      cols.audit_cells),
                       filters=audit_filters_text(filters))
