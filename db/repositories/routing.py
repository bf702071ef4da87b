"""Routing rules in their order, round-robin pointers per rule, and the tenant's last run."""

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.domain.placement import Strategy
from core.domain.routing import RoutingRule, RoutingRun, RuleSpec
from db.models import RoutingPointer, RoutingRunRow
from db.models import RoutingRule as RuleRow
from db.results import AnyRow, inserted_id


def _values(spec: RuleSpec) -> dict[str, Any]:
    return dict(name=spec.name.strip(), sources=json.dumps(list(spec.sources)),
                categories=json.dumps(list(spec.categories)), score_min=Decimal(str(spec.score_min)),
                score_max=Decimal(str(spec.score_max)), required_skill=spec.required_skill,
                teams=json.dumps(list(spec.teams)), agent_skill=spec.agent_skill,
                strategy=spec.strategy.value, on_arrival=spec.on_arrival, active=spec.active,
                reroute_breached=spec.reroute_breached)


def _rule(row: AnyRow) -> RoutingRule:
    spec = RuleSpec(
        name=row.name, sources=tuple(json.loads(row.sources)), categories=tuple(json.loads(row.categories)),
        score_min=float(row.score_min), score_max=float(row.score_max), required_skill=row.required_skill,
        teams=tuple(json.loads(row.teams)), agent_skill=row.agent_skill, strategy=Strategy(row.strategy),
        on_arrival=bool(row.on_arrival), active=bool(row.active), reroute_breached=bool(row.reroute_breached))
    return RoutingRule(row.id, row.tenant_id, row.position, row.version, spec)


class SqlRoutingRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def rules(self, tenant_id: int) -> list[RoutingRule]:
        rows = self.connection.execute(select(RuleRow).where(RuleRow.tenant_id == tenant_id)
                                       .order_by(RuleRow.position, RuleRow.id))
        return [_rule(row) for row in rows]

    def add_rule(self, tenant_id: int, spec: RuleSpec, *, by_user_id: int | None, now: datetime) -> int:
        last = self.connection.scalar(select(func.max(RuleRow.position))
                                      .where(RuleRow.tenant_id == tenant_id))
        return inserted_id(self.connection.execute(insert(RuleRow).values(
            tenant_id=tenant_id, position=(last or 0) + 1, version=1, updated_by=by_user_id,
            created_at=now, updated_at=now, **_values(spec))))

    def _bump(self, tenant_id: int, rule_id: int, version: int, **values: Any) -> bool:
        result = self.connection.execute(update(RuleRow).where(
            RuleRow.id == rule_id, RuleRow.tenant_id == tenant_id, RuleRow.version == version)
            .values(version=RuleRow.version + 1, **values))
        return result.rowcount == 1

    def update_rule(self, tenant_id: int, rule_id: int, *, version: int, spec: RuleSpec,
                    by_user_id: int | None, now: datetime) -> bool:
        return self._bump(tenant_id, rule_id, version, updated_by=by_user_id, updated_at=now,
                          **_values(spec))

    def move_rule(self, tenant_id: int, rule_id: int, *, version: int, position: int,
                  by_user_id: int | None, now: datetime) -> bool:
        return self._bump(tenant_id, rule_id, version, position=position, updated_by=by_user_id,
                          updated_at=now)

    def delete_rule(self, tenant_id: int, rule_id: int, *, version: int) -> bool:
        found = self.connection.scalar(select(RuleRow.id).where(
            RuleRow.id == rule_id, RuleRow.tenant_id == tenant_id, RuleRow.version == version)
            .with_for_update())
        if found is None:
            return False
        self.connection.execute(delete(RoutingPointer).where(RoutingPointer.rule_id == rule_id))
        self.connection.execute(delete(RuleRow).where(RuleRow.id == rule_id))
        return True

    def pointers(self, tenant_id: int) -> dict[int, int]:
        rows = self.connection.execute(select(RoutingPointer.rule_id, RoutingPointer.agent_id)
                                       .where(RoutingPointer.tenant_id == tenant_id))
        return {rule_id: agent_id for rule_id, agent_id in rows}

    def set_pointer(self, tenant_id: int, rule_id: int, agent_id: int) -> None:
        self._upsert(RoutingPointer, {"rule_id": rule_id, "tenant_id": tenant_id, "agent_id": agent_id},
                     key=[RoutingPointer.rule_id], changed={"agent_id": agent_id})

    def record_run(self, tenant_id: int, run: RoutingRun) -> None:
        values = {"last_run_at": run.at, "placed": run.placed, "leads_left": run.left,
                  "batch_id": run.batch_id}
        self._upsert(RoutingRunRow, {"tenant_id": tenant_id, **values}, key=[RoutingRunRow.tenant_id],
                     changed=values)

    def _upsert(self, model: Any, row: dict[str, Any], *, key: list[Any], changed: dict[str, Any]) -> None:
        """Insert the row, or change it where it exists: in one statement, so two runs that
        write it at once do not collide on a duplicate key."""
        if self.connection.dialect.name == "mysql":
            self.connection.execute(mysql_insert(model).values(**row).on_duplicate_key_update(**changed))
        else:
            self.connection.execute(sqlite_insert(model).values(**row)
                                    .on_conflict_do_update(index_elements=key, set_=changed))

    def last_run(self, tenant_id: int) -> RoutingRun | None:
        row = self.connection.execute(select(RoutingRunRow).where(RoutingRunRow.tenant_id == tenant_id)
                                      ).one_or_none()
        return RoutingRun(row.last_run_at, row.placed, row.leads_left, row.batch_id) if row else None
