"""Assignment use cases on a real database: counters, history, audit and tenancy."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.agents.capacity import set_agent_capacity
from core.domain.errors import NotFound, RuleViolation, StaleView
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.vocabulary import Availability
from core.leads import assignment, lifecycle
from db.audit_verify import verify_audit_chains
from db.models import Agent, Assignment, AuditRow, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user


@pytest.fixture
def world(engine):
    tenant = make_tenant(engine, "acme")
    user = make_user(engine, tenant, "sup", "supervisor")
    ana = make_agent(engine, tenant, "Ana Ruiz", max_capacity=1)
    bo = make_agent(engine, tenant, "Bo Lin", max_capacity=3, skills={"sales", "spanish"})
    lead = make_lead(engine, tenant, "Pat Doe")
    other = make_lead(engine, tenant, "Sam Roe")
    actor = Actor(user, "sup", "Sup", tenant, Role.SUPERVISOR)
    return dict(engine=engine, actor=actor, ana=ana, bo=bo, lead=lead, other=other, tenant=tenant)


def uow(world):
    return SqlUnitOfWork(world["engine"])


def open_leads(engine, agent_id):
    with Session(engine) as s:
        return s.scalar(select(Agent.open_leads).where(Agent.id == agent_id))


def test_assign_then_full_then_reassign_then_close(world):
    e, actor = world["engine"], world["actor"]
    assignment.assign_lead(uow(world), actor, lead_id=world["lead"], agent_id=world["ana"], note="first")
    assert open_leads(e, world["ana"]) == 1
    with pytest.raises(RuleViolation, match="Ana Ruiz is full: 1 of 1 open leads"):
        assignment.assign_lead(uow(world), actor, lead_id=world["other"], agent_id=world["ana"])
    assignment.reassign_lead(uow(world), actor, lead_id=world["lead"], agent_id=world["bo"],
                             reason="Bo speaks Spanish")
    assert (open_leads(e, world["ana"]), open_leads(e, world["bo"])) == (0, 1)
    lifecycle.change_status(uow(world), actor, lead_id=world["lead"], new_status="lost",
                            reason="gone quiet")
    assert open_leads(e, world["bo"]) == 0
    with Session(e) as s:
        lead = s.get(Lead, world["lead"])
        assert (lead.status, lead.agent_id, lead.closed_at is not None) == ("lost", world["bo"], True)
        stretches = s.execute(select(Assignment.agent_id, Assignment.previous_agent_id,
                                     Assignment.ended_at.is_(None), Assignment.note)
                              .order_by(Assignment.id)).all()
        actions = s.scalars(select(AuditRow.action).order_by(AuditRow.id)).all()
    assert [tuple(r) for r in stretches] == [(world["ana"], None, False, "first"),
                                             (world["bo"], world["ana"], True, "Bo speaks Spanish")]
    assert actions == ["lead.assigned", "lead.reassigned", "lead.status_changed"]
    assert verify_audit_chains(e)[1] == []


def test_refused_change_writes_nothing(world):
    with pytest.raises(RuleViolation):
        assignment.assign_lead(uow(world), world["actor"], lead_id=world["lead"], agent_id=world["ana"],
                               expected_version=1)
        assignment.assign_lead(uow(world), world["actor"], lead_id=world["other"], agent_id=world["ana"])
    with Session(world["engine"]) as s:
        assert s.scalar(select(Lead.agent_id).where(Lead.id == world["other"])) is None
        assert len(s.scalars(select(AuditRow.id)).all()) == 1


def test_stale_version_is_refused(world):
    assignment.assign_lead(uow(world), world["actor"], lead_id=world["lead"], agent_id=world["bo"])
    with pytest.raises(StaleView):
        assignment.unassign_lead(uow(world), world["actor"], lead_id=world["lead"], reason="test",
                                 expected_version=1)


def test_rows_of_another_tenant_are_invisible(world):
    globex = make_tenant(world["engine"], "globex")
    foreign_agent = make_agent(world["engine"], globex, "Foreign")
    with pytest.raises(NotFound, match="Agent #"):
        assignment.assign_lead(uow(world), world["actor"], lead_id=world["lead"], agent_id=foreign_agent)
    intruder = Actor(world["actor"].user_id, "sup", "Sup", globex, Role.ADMIN)
    with pytest.raises(NotFound, match="Lead #"):
        assignment.assign_lead(uow(world), intruder, lead_id=world["lead"], agent_id=foreign_agent)


def test_lowered_capacity_blocks_new_leads_until_below(world):
    e, actor = world["engine"], world["actor"]
    assignment.assign_lead(uow(world), actor, lead_id=world["lead"], agent_id=world["bo"])
    assignment.assign_lead(uow(world), actor, lead_id=world["other"], agent_id=world["bo"])
    change = set_agent_capacity(uow(world), actor, agent_id=world["bo"], max_capacity=1,
                                availability=Availability.AVAILABLE)
    assert change.over_capacity
    third = make_lead(e, world["tenant"], "Third")
    with pytest.raises(RuleViolation, match="Bo Lin is full: 2 of 1"):
        assignment.assign_lead(uow(world), actor, lead_id=third, agent_id=world["bo"])
    with Session(e) as s:
        assert s.scalar(select(Agent.capacity_changed_at).where(Agent.id == world["bo"])) is not None
