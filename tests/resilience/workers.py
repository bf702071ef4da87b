"""What each process of the cluster tests does, through the node it was given.

Functions here run in spawned processes: their arguments and results are plain values.
Every outcome is counted: done, refused by a rule (expected under contention), given up after
the retries (allowed, rarely), or unexpected (a bug: the tests require none).
"""

from dataclasses import dataclass, field

from bench import mix
from core.bulk.assign import AgentScope, BulkPlan, BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import BulkResult, commit_bulk_assign
from core.domain.clock import utcnow
from core.domain.errors import BatchInterrupted, LeadOpsError
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Role
from core.domain.placement import Strategy
from core.scoring.rescoring import rescore_tenant
from db.unit_of_work import SqlUnitOfWork
from tests.backends import TEST_AUDIT_SECRET, keyed_engine

ActorValues = mix.ActorValues


@dataclass
class Outcomes:
    done: int = 0
    refused: int = 0
    gave_up: int = 0
    unexpected: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: "Outcomes") -> "Outcomes":
        return Outcomes(self.done + other.done, self.refused + other.refused,
                        self.gave_up + other.gave_up, self.unexpected + other.unexpected,
                        max(self.seconds, other.seconds))

    @property
    def operations(self) -> int:
        return self.done + self.refused + self.gave_up + len(self.unexpected)


def _actor(values: ActorValues) -> Actor:
    user_id, username, name, tenant_id, role = values
    return Actor(user_id, username, name, tenant_id, Role(role))


def random_operations(url: str, actor_values: ActorValues, leads: list[int], agents: list[int],
                      seed: int, operations: int) -> Outcomes:
    """A supervisor clicking at random: the bench's mix (bench/mix.py) through this node, with
    small capacities so that the capacity rule is pressed hard."""
    mixed = mix.operate(url, TEST_AUDIT_SECRET, actor_values, leads, agents, seed, operations,
                        capacities=(2, 6))
    return Outcomes(mixed.done, mixed.refused, mixed.gave_up, mixed.unexpected,
                    mixed.finished - mixed.started)


COMMIT_TRIES = 5  # a preview the other run made stale is committed again, as a person would


def bulk_run(url: str, actor_values: ActorValues, source: str, team: str, limit: int) -> Outcomes:
    """A bulk assignment of the best new leads of a source onto a team, least loaded first,
    previewed and committed (again, when the data moved since the preview)."""
    engine, actor, outcomes = keyed_engine(url), _actor(actor_values), Outcomes()
    request = BulkRequest(strategy=Strategy.LEAST_LOADED, limit=limit,
                          filters=LeadFilters(statuses=("new",), sources=(source,)),
                          scope=AgentScope(teams=(team,)))
    try:
        result: BulkPlan | BulkResult = plan_bulk_assign(SqlUnitOfWork(engine), actor, request)
        for _ in range(COMMIT_TRIES):
            if not isinstance(result, BulkPlan) or not result.placed:
                break
            result = commit_bulk_assign(lambda: SqlUnitOfWork(engine), actor, result)
        if isinstance(result, BulkResult):
            outcomes.done += 1
            outcomes.refused += len(result.refused)
        else:
            outcomes.unexpected.append(f"bulk run never committed: {result.notice or 'nothing placed'}"
                                       f" ({len(result.placed)} placed, {len(result.unplaced)} not)")
    except BatchInterrupted as exc:
        outcomes.unexpected.append(f"bulk run interrupted: {exc.message}")
    except LeadOpsError:
        outcomes.refused += 1
    except Exception as exc:  # noqa: BLE001
        outcomes.unexpected.append(f"bulk: {exc!r}")
    engine.dispose()
    return outcomes


def rescore(url: str, tenant_id: int) -> Outcomes:
    """The nightly rescore, refreshing every component, while the others work."""
    engine, outcomes = keyed_engine(url), Outcomes()
    try:
        rescore_tenant(lambda: SqlUnitOfWork(engine), Actor.operator(tenant_id=tenant_id), utcnow(),
                       refresh_components=True, chunk_ids=100)
        outcomes.done += 1
    except Exception as exc:  # noqa: BLE001
        outcomes.unexpected.append(f"rescore: {exc!r}")
    engine.dispose()
    return outcomes


def routing_run(url: str, actor_values: ActorValues, chunk: int | None = None) -> Outcomes:
    """`cli.py route` as one replica's cron runs it, through this node; `chunk`: leads per
    chunk (smaller than a run, its chunks go in lanes at once)."""
    from core.routing import run
    from core.routing.run import run_routing

    if chunk is not None:
        run.CHUNK = chunk  # this worker process's own module

    engine, actor, outcomes = keyed_engine(url), _actor(actor_values), Outcomes()
    try:
        result = run_routing(lambda: SqlUnitOfWork(engine), actor)
        outcomes.done += len(result.placed)
        outcomes.refused += len(result.left)
    except BatchInterrupted as exc:
        outcomes.unexpected.append(f"routing run interrupted: {exc.message}")
    except LeadOpsError:
        outcomes.gave_up += 1
    except Exception as exc:  # noqa: BLE001
        outcomes.unexpected.append(f"routing: {exc!r}")
    engine.dispose()
    return outcomes
