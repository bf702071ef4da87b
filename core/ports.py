"""What the use cases need from storage. `db` implements these; unit tests fake them."""

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, Self

import pandas as pd

from core.audit import AuditEntry
from core.capacity import AgentLoad
from core.domain import Availability, LeadStatus
from core.rules import AgentState, LeadState

if TYPE_CHECKING:
    from core.audit_log import AuditFilters
    from core.leads import LeadDetail, LeadFilters
    from core.rescoring import LeadFacts, LeadScore, ScoredComponents, ScoringSettings
    from core.scoring import Thresholds, Weights
    from core.scoring_components import ConversionStats


@dataclass
class UserRecord:
    id: int
    tenant_id: int
    username: str
    name: str
    email: str | None
    role: str
    password_hash: str
    failed_logins: int
    locked_until: datetime | None
    is_active: bool


class UserRepository(Protocol):
    def get_by_username(self, username: str, *, for_update: bool = False) -> UserRecord | None: ...

    def list_active(self) -> list[UserRecord]: ...

    def add(
        self, *, tenant_id: int, username: str, name: str, email: str | None, role: str,
        password_hash: str,
    ) -> int: ...

    def set_login_state(
        self, user_id: int, *, failed_logins: int, locked_until: datetime | None,
        last_login_at: datetime | None = None,
    ) -> None: ...


class TenantRepository(Protocol):
    def id_for_slug(self, slug: str) -> int | None: ...

    def all_slugs(self) -> list[str]: ...

    def add(self, *, slug: str, name: str) -> int:
        """A new tenant with the default scoring weights as its version 1."""
        ...


class AgentRepository(Protocol):
    def loads(self, tenant_id: int) -> list[AgentLoad]: ...

    def get(self, tenant_id: int, agent_id: int, *, for_update: bool = False) -> AgentState | None: ...

    def states(self, tenant_id: int) -> list[AgentState]: ...

    def conversion_counts(self, tenant_id: int) -> dict[int, tuple[int, int]]:
        """agent id -> (converted, closed) over the agent's closed leads."""
        ...

    def add_open_lead(self, agent_id: int) -> bool:
        """Count one more open lead if the agent still has room and is available (atomic)."""
        ...

    def remove_open_lead(self, agent_id: int) -> None: ...

    def set_capacity(
        self, agent_id: int, *, max_capacity: int, availability: Availability, lowered: bool,
        now: datetime,
    ) -> None: ...


class LeadRepository(Protocol):
    def get(self, tenant_id: int, lead_id: int, *, for_update: bool = False) -> LeadState | None: ...

    def set_agent(
        self, lead_id: int, *, agent_id: int | None, status: LeadStatus, now: datetime
    ) -> None: ...

    def set_status(self, lead_id: int, *, status: LeadStatus, now: datetime) -> None: ...

    def search(
        self, tenant_id: int, filters: "LeadFilters", *, offset: int, limit: int,
        count_limit: int | None,
    ) -> tuple[pd.DataFrame, int | None]:
        """One page of matches, and how many match, counted up to count_limit + 1 (None:
        not counted)."""
        ...

    def detail(self, tenant_id: int, lead_id: int) -> "LeadDetail | None": ...


class AssignmentRepository(Protocol):
    def start(
        self, *, tenant_id: int, lead_id: int, agent_id: int, previous_agent_id: int | None,
        by_user_id: int | None, note: str | None, now: datetime, batch_id: str | None = None,
    ) -> None: ...

    def end_current(self, lead_id: int, *, now: datetime) -> None: ...


class ActivityRepository(Protocol):
    def add(
        self, *, tenant_id: int, lead_id: int, agent_id: int | None, kind: str, note: str | None,
        by_user_id: int, now: datetime,
    ) -> int: ...


class AuditRepository(Protocol):
    def append(self, entry: AuditEntry) -> None: ...


class ScoringRepository(Protocol):
    def current_settings(self, tenant_id: int) -> "ScoringSettings": ...

    def settings_of_version(self, tenant_id: int, version: int) -> "ScoringSettings | None": ...

    def add_version(self, tenant_id: int, *, weights: "Weights", thresholds: "Thresholds",
                    source_quality: dict[str, int], by_user_id: int, reason: str,
                    now: datetime) -> int: ...

    def versions(self, tenant_id: int) -> pd.DataFrame: ...

    def components_frame(self, tenant_id: int) -> pd.DataFrame: ...

    def conversion_stats(self, tenant_id: int) -> "ConversionStats": ...

    def chunks_at_once(self) -> int:
        """How many chunks of a tenant rescore the store can write at the same time."""
        ...

    def cleanup_deferred(self) -> AbstractContextManager[None]:
        """While open, the store leaves the old row versions that commits replace for later,
        instead of cleaning them up beside a batch's writers."""
        ...

    def id_bounds(self, tenant_id: int) -> tuple[int, int] | None: ...

    def lead_facts(self, tenant_id: int, *, low: int, high: int) -> list["LeadFacts"]: ...

    def write_components(self, rows: list["ScoredComponents"]) -> None: ...

    def write_score(self, tenant_id: int, score: "LeadScore", settings: "ScoringSettings", *,
                    now: datetime, method: str) -> None: ...

    def apply_overall(self, tenant_id: int, settings: "ScoringSettings", *, low: int, high: int,
                      now: datetime, method: str) -> int:
        """Set-based: overall score and category from stored components for ids in [low, high]."""
        ...


class AuditReader(Protocol):
    def page(self, tenant_id: int, filters: "AuditFilters", *, offset: int,
             limit: int) -> tuple[pd.DataFrame, int]: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    users: UserRepository
    tenants: TenantRepository
    agents: AgentRepository
    leads: LeadRepository
    assignments: AssignmentRepository
    activities: ActivityRepository
    audit: AuditRepository
    scoring: ScoringRepository
    audit_reader: AuditReader

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
