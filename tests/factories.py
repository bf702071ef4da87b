"""Small factories for test data, straight into the tables."""

from datetime import datetime

from sqlalchemy import Engine, insert, update

from core.accounts.passwords import hash_password
from core.domain.clock import utcnow
from core.domain.vocabulary import Availability, format_skills
from db.models import Agent, Assignment, Lead, User
from db.repositories.tenants import SqlTenantRepository

FAST_BCRYPT_ROUNDS = 4


def make_tenant(engine: Engine, slug: str = "acme", name: str | None = None) -> int:
    """A tenant as create-tenant makes it: with the default scoring weights as version 1."""
    with engine.begin() as connection:
        return SqlTenantRepository(connection).add(slug=slug, name=name or slug.title())


def make_user(
    engine: Engine, tenant_id: int, username: str, role: str = "supervisor",
    password: str = "correct-horse", *, active: bool = True,
) -> int:
    with engine.begin() as connection:
        return connection.execute(insert(User).values(
            tenant_id=tenant_id, username=username, name=username.title(), email=None, role=role,
            password_hash=hash_password(password, rounds=FAST_BCRYPT_ROUNDS), is_active=active,
            failed_logins=0, created_at=utcnow(),
        )).inserted_primary_key[0]


def make_agent(
    engine: Engine, tenant_id: int, name: str, *, max_capacity: int = 10, open_leads: int = 0,
    availability: Availability = Availability.AVAILABLE, skills: set[str] = frozenset({"sales"}),
    team: str = "North",
) -> int:
    now = utcnow()
    with engine.begin() as connection:
        return connection.execute(insert(Agent).values(
            tenant_id=tenant_id, name=name, team=team, skills=format_skills(skills),
            max_capacity=max_capacity, availability=str(availability), open_leads=open_leads,
            version=1, created_at=now, updated_at=now,
        )).inserted_primary_key[0]


def make_lead(
    engine: Engine, tenant_id: int, name: str = "Lead", *, status: str = "new",
    agent_id: int | None = None, source: str = "website", created_at: datetime | None = None,
) -> int:
    """A lead as the app leaves it: a closed one held by an agent is in that agent's closed
    (and converted) counters."""
    now = utcnow()
    with engine.begin() as connection:
        lead_id = connection.execute(insert(Lead).values(
            tenant_id=tenant_id, name=name, source=source, status=status, agent_id=agent_id,
            created_at=created_at or now, updated_at=now, version=1,
        )).inserted_primary_key[0]
        if agent_id is not None and status in ("converted", "lost"):
            connection.execute(update(Agent).where(Agent.id == agent_id).values(
                closed_leads=Agent.closed_leads + 1,
                converted_leads=Agent.converted_leads + (status == "converted")))
        return lead_id


def make_assignment(
    engine: Engine, tenant_id: int, lead_id: int, agent_id: int, *,
    assigned_at: datetime | None = None, ended_at: datetime | None = None,
) -> int:
    """One assignment-history row (a stretch of the lead with the agent)."""
    with engine.begin() as connection:
        return connection.execute(insert(Assignment).values(
            tenant_id=tenant_id, lead_id=lead_id, agent_id=agent_id,
            assigned_at=assigned_at or utcnow(), ended_at=ended_at,
        )).inserted_primary_key[0]


def set_capacity(engine: Engine, agent_id: int, max_capacity: int, *, changed_at: datetime) -> None:
    """Change an agent's max_capacity as the capacity screen will, stamping capacity_changed_at."""
    with engine.begin() as connection:
        connection.execute(update(Agent).where(Agent.id == agent_id).values(
            max_capacity=max_capacity, capacity_changed_at=changed_at))
