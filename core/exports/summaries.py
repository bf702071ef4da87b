"""The filters of an exported list in one line, for the file's heading and the audit row."""

from core.domain.audit import AuditFilters
from core.domain.leads import LeadFilters

NONE = "none"


def _joined(parts: list[str]) -> str:
    return "; ".join(parts) or NONE


def lead_filters_text(filters: LeadFilters, agent_names: dict[int, str]) -> str:
    parts = []
    for label, values in (("status", filters.statuses), ("category", filters.categories),
                          ("source", filters.sources)):
        if values:
            parts.append(f"{label} {', '.join(values)}")
    if filters.agent_id is not None:
        parts.append(f"agent {agent_names.get(filters.agent_id, f'#{filters.agent_id}')}")
    if filters.required_skill:
        parts.append(f"skill {filters.required_skill}")
    if filters.score_min > 0 or filters.score_max < 100:
        parts.append(f"score {filters.score_min:g}-{filters.score_max:g}")
    if filters.text.strip():
        parts.append(f"search \"{filters.text.strip()}\"")
    return _joined(parts) + f" (sorted: {filters.sort.value.lower()})"


def audit_filters_text(filters: AuditFilters) -> str:
    parts = [f"{label} {value}" for label, value in (
        ("action starts with", filters.action), ("by", filters.actor_name), ("entity", filters.entity_type),
        ("id", filters.entity_id), ("batch", filters.batch_id)) if value]
    if filters.since:
        parts.append(f"from {filters.since:%Y-%m-%d}")
    if filters.until:
        parts.append(f"to {filters.until:%Y-%m-%d}")
    return _joined(parts)


def agent_filters_text(*, availability: set[str], skill: str | None, high_only: bool, name: str) -> str:
    parts = []
    if availability:
        parts.append(f"availability {', '.join(sorted(availability))}")
    if skill:
        parts.append(f"skill {skill}")
    if high_only:
        parts.append("over 80% used")
    if name.strip():
        parts.append(f"name contains \"{name.strip()}\"")
    return _joined(parts)
