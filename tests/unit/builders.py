"""Small factories for the unit tests: who acts, agents and leads."""

from decimal import Decimal

from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.rules import AgentState, LeadState
from core.domain.scoring import Thresholds, category
from core.domain.users import UserRecord
from core.domain.vocabulary import Availability, LeadStatus
from tests.unit.fake_store import CREATED
from tests.unit.fakes import LeadFields

SUPERVISOR = Actor(1, "sup", "Sam Super", 1, Role.SUPERVISOR)
MANAGER = Actor(2, "man", "Mia Manager", 1, Role.MANAGER)
ADMIN = Actor(3, "adm", "Ada Admin", 1, Role.ADMIN)
OTHER_TENANT = Actor(4, "x", "Xavier", 2, Role.ADMIN)


def user_of(actor: Actor) -> UserRecord:
    """The stored user behind an actor (batches and versions name who made them)."""
    return UserRecord(actor.user_id, actor.tenant_id, actor.username, actor.name, None,
                      actor.role.value, "x", 0, None, True)


def agent(id: int = 10, name: str | None = None, *, open_leads: int = 0, max_capacity: int = 10,
          skills: tuple[str, ...] = ("sales",), availability: Availability = Availability.AVAILABLE,
          tenant_id: int = 1) -> AgentState:
    return AgentState(id, tenant_id, name or f"Agent {id}", frozenset(skills), availability,
                      max_capacity, open_leads)


def lead(id: int, *, status: LeadStatus = LeadStatus.NEW, agent_id: int | None = None,
         skill: str | None = None, version: int = 1, tenant_id: int = 1,
         name: str | None = None) -> LeadState:
    return LeadState(id, tenant_id, name or f"Lead {id}", status, agent_id, skill, version)


def scored(overall: float | str, **values: object) -> LeadFields:
    """A lead's columns with a stored overall score and the category the default thresholds give,
    calculated when the lead was created."""
    score = Decimal(str(overall))
    fields = LeadFields(overall_score=score, score_category=category(score, Thresholds()).value,
                        last_calculated=CREATED)
    for name, value in values.items():
        setattr(fields, name, value)
    return fields
