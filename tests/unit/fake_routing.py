"""Routing rules, pointers and last runs in memory, as db/repositories/routing.py keeps them."""

from dataclasses import replace
from datetime import datetime

from core.domain.routing import RoutingRule, RoutingRun, RuleSpec
from tests.unit.fake_store import Store


class FakeRouting:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def rows(self) -> dict[int, RoutingRule]:
        return self._store.routing_rules

    def rules(self, tenant_id: int) -> list[RoutingRule]:
        return sorted((r for r in self.rows.values() if r.tenant_id == tenant_id),
                      key=lambda r: (r.position, r.id))

    def add_rule(self, tenant_id: int, spec: RuleSpec, *, by_user_id: int | None, now: datetime) -> int:
        rule_id = max(self.rows, default=0) + 1
        last = max((r.position for r in self.rules(tenant_id)), default=0)
        self.rows[rule_id] = RoutingRule(rule_id, tenant_id, last + 1, 1,
                                         replace(spec, name=spec.name.strip()))
        return rule_id

    def _current(self, tenant_id: int, rule_id: int, version: int) -> RoutingRule | None:
        rule = self.rows.get(rule_id)
        return rule if rule and rule.tenant_id == tenant_id and rule.version == version else None

    def update_rule(self, tenant_id: int, rule_id: int, *, version: int, spec: RuleSpec,
                    by_user_id: int | None, now: datetime) -> bool:
        rule = self._current(tenant_id, rule_id, version)
        if rule:
            self.rows[rule_id] = replace(rule, version=version + 1,
                                         spec=replace(spec, name=spec.name.strip()))
        return rule is not None

    def move_rule(self, tenant_id: int, rule_id: int, *, version: int, position: int,
                  by_user_id: int | None, now: datetime) -> bool:
        rule = self._current(tenant_id, rule_id, version)
        if rule:
            self.rows[rule_id] = replace(rule, version=version + 1, position=position)
        return rule is not None

    def delete_rule(self, tenant_id: int, rule_id: int, *, version: int) -> bool:
        if self._current(tenant_id, rule_id, version) is None:
            return False
        del self.rows[rule_id]
        self._store.routing_pointers.pop(rule_id, None)
        return True

    def pointers(self, tenant_id: int) -> dict[int, int]:
        return {rule_id: agent_id for rule_id, (tenant, agent_id) in self._store.routing_pointers.items()
                if tenant == tenant_id}

    def set_pointer(self, tenant_id: int, rule_id: int, agent_id: int) -> None:
        self._store.routing_pointers[rule_id] = (tenant_id, agent_id)

    def record_run(self, tenant_id: int, run: RoutingRun) -> None:
        self._store.routing_runs[tenant_id] = run

    def last_run(self, tenant_id: int) -> RoutingRun | None:
        return self._store.routing_runs.get(tenant_id)
