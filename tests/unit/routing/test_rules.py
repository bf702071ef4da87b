"""Routing rules as an admin keeps them: validated, versioned (a stale change is refused and
writes nothing), audited before and after, admins only."""

import pytest

from core.domain.errors import InvalidInput, PermissionDenied, StaleView
from core.domain.placement import Strategy
from core.domain.routing import RuleSpec
from core.routing import rules
from tests.unit.builders import ADMIN, SUPERVISOR
from tests.unit.fakes import FakeUnitOfWork


def names(uow: FakeUnitOfWork) -> list[str]:
    return [r.name for r in uow.routing.rules(1)]


def test_rules_are_added_last_edited_moved_and_deleted_each_audited():
    uow = FakeUnitOfWork()
    first = rules.add_rule(uow, ADMIN, RuleSpec("  Hot  ", categories=("hot",)))
    second = rules.add_rule(uow, ADMIN, RuleSpec("Rest"))
    assert names(uow) == ["Hot", "Rest"]
    rules.move_rule(uow, ADMIN, second, version=1, up=True)
    assert names(uow) == ["Rest", "Hot"]
    rules.edit_rule(uow, ADMIN, first, version=2, spec=RuleSpec("Hot leads", categories=("hot",)))
    rules.set_rule_active(uow, ADMIN, first, version=3, active=False)
    assert not uow.routing.rules(1)[1].spec.active
    rules.delete_rule(uow, ADMIN, second, version=2)
    assert names(uow) == ["Hot leads"]
    actions = [e.action for e in uow.audit.entries if e.entity_type == "routing_rule"]
    assert actions == ["routing.rule_added", "routing.rule_added", "routing.rule_moved",
                       "routing.rule_changed", "routing.rule_changed", "routing.rule_deleted"]
    changed = [e for e in uow.audit.entries if e.action == "routing.rule_changed"][0]
    assert (changed.before["name"], changed.after["name"]) == ("Hot", "Hot leads")


def test_a_change_on_top_of_someone_elses_is_refused_and_writes_nothing():
    uow = FakeUnitOfWork()
    rule_id = rules.add_rule(uow, ADMIN, RuleSpec("Hot"))
    rules.edit_rule(uow, ADMIN, rule_id, version=1, spec=RuleSpec("Theirs"))
    before = uow.store.snapshot()
    for change in (lambda: rules.edit_rule(uow, ADMIN, rule_id, version=1, spec=RuleSpec("Mine")),
                   lambda: rules.delete_rule(uow, ADMIN, rule_id, version=1),
                   lambda: rules.set_rule_active(uow, ADMIN, rule_id, version=1, active=False)):
        with pytest.raises(StaleView, match="Rule 'Theirs' was changed by someone else"):
            change()
    assert uow.store == before


def test_bad_rules_and_other_roles_are_refused():
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidInput, match="cannot use the manual strategy"):
        rules.add_rule(uow, ADMIN, RuleSpec("Mine", strategy=Strategy.MANUAL))
    with pytest.raises(InvalidInput, match="needs a name"):
        rules.add_rule(uow, ADMIN, RuleSpec("   "))
    with pytest.raises(InvalidInput, match="Unknown value"):
        rules.add_rule(uow, ADMIN, RuleSpec("X", sources=("fax",)))
    with pytest.raises(PermissionDenied):
        rules.add_rule(uow, SUPERVISOR, RuleSpec("X"))
    only = rules.add_rule(uow, ADMIN, RuleSpec("Only"))
    with pytest.raises(InvalidInput, match="already first"):
        rules.move_rule(uow, ADMIN, only, version=1, up=True)
