"""Routing rules as an admin keeps them: add, edit, (de)activate, move, delete.

Each change is checked against the version the admin saw (a stale edit is refused, never
written over someone else's) and audited with the rule before and after, in one transaction.
"""

from dataclasses import asdict, replace
from typing import Any

from core.domain.audit import AuditEntry
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput, NotFound, StaleView
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.routing import RoutingRule, RuleSpec, stale_rule
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


def _shown(spec: RuleSpec) -> dict[str, Any]:
    values = asdict(spec)
    values["strategy"] = spec.strategy.value
    return {key: list(value) if isinstance(value, tuple) else value for key, value in values.items()}


def _audit(uow: UnitOfWork, actor: Actor, action: str, rule_id: int, *,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    uow.audit.append(AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action=f"routing.rule_{action}", entity_type="routing_rule", entity_id=str(rule_id),
        before=before, after=after))


def _current(uow: UnitOfWork, actor: Actor, rule_id: int,
             version: int) -> tuple[RoutingRule, list[RoutingRule]]:
    rules = uow.routing.rules(actor.tenant_id)
    rule = next((r for r in rules if r.id == rule_id), None)
    if rule is None:
        raise NotFound(f"Rule #{rule_id} no longer exists: someone deleted it. Reload the page.")
    if rule.version != version:
        raise StaleView(stale_rule(rule.name))
    return rule, rules


@retry_on_conflict
def routing_rules(uow: UnitOfWork, actor: Actor) -> list[RoutingRule]:
    actor.require(Permission.MANAGE_ROUTING)
    with uow:
        return uow.routing.rules(actor.tenant_id)


@retry_on_conflict
def add_rule(uow: UnitOfWork, actor: Actor, spec: RuleSpec) -> int:
    """A new rule, last in the list."""
    actor.require(Permission.MANAGE_ROUTING)
    spec = spec.validated()
    with uow:
        rule_id = uow.routing.add_rule(actor.tenant_id, spec, by_user_id=actor.user_id, now=utcnow())
        _audit(uow, actor, "added", rule_id, before=None, after=_shown(spec))
        uow.commit()
    return rule_id


@retry_on_conflict
def edit_rule(uow: UnitOfWork, actor: Actor, rule_id: int, *, version: int, spec: RuleSpec) -> None:
    actor.require(Permission.MANAGE_ROUTING)
    spec = spec.validated()
    with uow:
        rule, _ = _current(uow, actor, rule_id, version)
        if not uow.routing.update_rule(actor.tenant_id, rule_id, version=version, spec=spec,
                                       by_user_id=actor.user_id, now=utcnow()):
            raise StaleView(stale_rule(rule.name))
        _audit(uow, actor, "changed", rule_id, before=_shown(rule.spec), after=_shown(spec))
        uow.commit()


def set_rule_active(uow: UnitOfWork, actor: Actor, rule_id: int, *, version: int, active: bool) -> None:
    """Deactivate (the rule stays in its place and routes nothing) or activate again."""
    actor.require(Permission.MANAGE_ROUTING)
    with uow:
        rule, _ = _current(uow, actor, rule_id, version)
    edit_rule(uow, actor, rule_id, version=version, spec=replace(rule.spec, active=active))


@retry_on_conflict
def delete_rule(uow: UnitOfWork, actor: Actor, rule_id: int, *, version: int) -> None:
    actor.require(Permission.MANAGE_ROUTING)
    with uow:
        rule, _ = _current(uow, actor, rule_id, version)
        if not uow.routing.delete_rule(actor.tenant_id, rule_id, version=version):
            raise StaleView(stale_rule(rule.name))
        _audit(uow, actor, "deleted", rule_id, before=_shown(rule.spec), after=None)
        uow.commit()


@retry_on_conflict
def move_rule(uow: UnitOfWork, actor: Actor, rule_id: int, *, version: int, up: bool) -> None:
    """One place earlier (`up`) or later; the list is renumbered 1..n in its new order."""
    actor.require(Permission.MANAGE_ROUTING)
    with uow:
        rule, rules = _current(uow, actor, rule_id, version)
        at = rules.index(rule)
        to = at - 1 if up else at + 1
        if not 0 <= to < len(rules):
            raise InvalidInput(f"Rule '{rule.name}' is already {'first' if up else 'last'}.")
        rules[at], rules[to] = rules[to], rules[at]
        now = utcnow()
        for position, each in enumerate(rules, start=1):
            if each.position != position and not uow.routing.move_rule(
                    actor.tenant_id, each.id, version=each.version, position=position,
                    by_user_id=actor.user_id, now=now):
                raise StaleView(stale_rule(each.name))
        _audit(uow, actor, "moved", rule_id, before={"place": at + 1}, after={"place": to + 1})
        uow.commit()
