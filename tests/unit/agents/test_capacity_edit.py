import pytest

from core.agents.capacity import set_agent_capacity
from core.domain.errors import InvalidInput, PermissionDenied, StaleView
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.rules import AgentState
from core.domain.vocabulary import Availability
from tests.unit.fakes import FakeUnitOfWork

SUPERVISOR = Actor(1, "sup", "Sup", 1, Role.SUPERVISOR)
ANA = AgentState(10, 1, "Ana Ruiz", frozenset({"sales"}), Availability.AVAILABLE, 12, 9)


def test_capacity_and_availability_change_is_audited():
    uow = FakeUnitOfWork(agents=[ANA])
    change = set_agent_capacity(uow, SUPERVISOR, agent_id=10, max_capacity=15, availability="away")
    assert not change.over_capacity
    assert (uow.agents.rows[10].max_capacity, uow.agents.rows[10].availability) == (15, Availability.AWAY)
    entry = uow.audit.entries[-1]
    assert (entry.action, entry.before["max_capacity"], entry.after["max_capacity"]) == (
        "agent.capacity_changed", 12, 15)


def test_lowering_below_the_load_is_allowed_and_flagged():
    uow = FakeUnitOfWork(agents=[ANA])
    change = set_agent_capacity(uow, SUPERVISOR, agent_id=10, max_capacity=5, availability="available")
    assert change.over_capacity and "holds 9 open leads, above the new capacity" in change.message


@pytest.mark.parametrize("value", [-1, 501, 2.5, "ten", True])
def test_capacity_must_be_a_whole_number_from_0_to_500(value):
    uow = FakeUnitOfWork(agents=[ANA])
    with pytest.raises(InvalidInput, match="0 to 500"):
        set_agent_capacity(uow, SUPERVISOR, agent_id=10, max_capacity=value, availability="available")
    assert uow.agents.rows[10] == ANA


def test_managers_cannot_edit_and_stale_edits_are_refused():
    uow = FakeUnitOfWork(agents=[ANA])
    with pytest.raises(PermissionDenied):
        set_agent_capacity(uow, Actor(2, "m", "M", 1, Role.MANAGER), agent_id=10, max_capacity=3,
                           availability="available")
    with pytest.raises(StaleView):
        set_agent_capacity(uow, SUPERVISOR, agent_id=10, max_capacity=3, availability="available",
                           expected_version=7)
    assert uow.audit.entries == []
