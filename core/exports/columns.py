"""Each exported list's columns and how one of its values becomes a row of cells."""

from core.domain.audit import AuditRecord
from core.domain.batches import BatchItem
from core.domain.capacity import AgentLoad
from core.domain.exports import CellKind, Column
from core.domain.leads import LeadRow

LEADS = (Column("Lead", CellKind.INTEGER, 8), Column("Name", width=24), Column("Company", width=24),
         Column("Status", width=11), Column("Category", width=10), Column("Score", CellKind.DECIMAL, 8),
         Column("Agent", width=18), Column("Source", width=11), Column("Skill", width=11),
         Column("Created (UTC)", CellKind.DATETIME, 19))


def lead_cells(row: LeadRow) -> tuple[object, ...]:
    return (row.id, row.name, row.company, row.status, row.category, row.score, row.agent_name,
            row.source, row.required_skill, row.created_at)


AGENTS = (Column("Agent", width=22), Column("Team", width=14), Column("Availability", width=12),
          Column("Skills", width=26), Column("Open", CellKind.INTEGER, 7), Column("Max", CellKind.INTEGER, 7),
          Column("Utilization", CellKind.PERCENT, 11), Column("Open hot", CellKind.INTEGER, 9),
          Column("Over capacity", CellKind.FLAG, 13))


def agent_cells(load: AgentLoad) -> tuple[object, ...]:
    return (load.name, load.team, load.availability.value, ", ".join(sorted(load.skills)), load.open_leads,
            load.max_capacity, round(load.utilization * 100, 1), load.open_hot_leads, load.over_capacity)


BATCH = (Column("Position", CellKind.INTEGER, 9), Column("Lead", CellKind.INTEGER, 8),
         Column("Name", width=24), Column("Agent", width=20), Column("Outcome", width=10),
         Column("Why not applied", width=50))


def batch_cells(item: BatchItem, lead_names: dict[int, str],
                agent_names: dict[int, str]) -> tuple[object, ...]:
    agent = agent_names.get(item.agent_id) if item.agent_id is not None else None
    return (item.position + 1, item.lead_id, lead_names.get(item.lead_id), agent,
            "applied" if item.applied else "refused", item.refused)


AUDIT_LOG = (Column("When (UTC)", CellKind.DATETIME, 19), Column("By", width=14), Column("Action", width=22),
             Column("Entity", width=12), Column("Id", width=10), Column("Before", width=40),
             Column("After", width=40), Column("Reason", width=30), Column("Batch", width=12),
             Column("Row", CellKind.INTEGER, 9))


def audit_cells(record: AuditRecord) -> tuple[object, ...]:
    return (record.at, record.actor_name, record.action, record.entity_type, record.entity_id,
            record.before_json, record.after_json, record.reason, record.batch_id, record.id)
