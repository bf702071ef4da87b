"""Writing a chunk of assignments already checked under lock, in a fixed number of statements
whatever the chunk's size: the leads by one UPDATE, the agents' counters by one, the history
rows and the audit rows each by one multi-row INSERT (and the audit chain's head)."""

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from core.domain.audit import AuditEntry
from core.domain.identity import Actor
from core.domain.placement import Placement
from core.ports import UnitOfWork


def write_assignments(uow: UnitOfWork, actor: Actor, placements: Sequence[Placement], *,
                      agent_names: Mapping[int, str], reasons: Mapping[int, str], batch_id: str,
                      now: datetime, notes: dict[int, str] | None = None) -> None:
    """Assign each new lead to its agent. The caller holds the agents' and leads' locks and
    has checked the capacity rule on them; the counters' UPDATE checks it once more.
    `reasons`: each lead's audit reason; `notes`: each lead's note in its history row."""
    if not placements:
        return
    uow.leads.assign_many(placements, now=now)
    uow.agents.add_open_leads(Counter(p.agent_id for p in placements))
    uow.assignments.start_many(tenant_id=actor.tenant_id, placements=placements,
                               by_user_id=actor.user_id, now=now, batch_id=batch_id, notes=notes)
    # One `before` for every entry and one `after` per agent: the audit log serialises each
    # dict once (core.domain.audit_chain.RowSealer), not twice per entry.
    before = {"status": "new", "agent_id": None}
    after = {agent_id: {"status": "assigned", "agent_id": agent_id, "agent": agent_names[agent_id]}
             for agent_id in {p.agent_id for p in placements}}
    uow.audit.append_many([AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="lead.assigned", entity_type="lead", entity_id=str(p.lead_id),
        before=before, after=after[p.agent_id], reason=reasons[p.lead_id], batch_id=batch_id,
    ) for p in placements])
