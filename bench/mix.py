"""A random mix of supervisors' changes from many processes at once, through one server or
through every node of a cluster: assign, reassign, unassign, close a lead, change an agent's
capacity or availability. Each process is a supervisor clicking as fast as the app answers.

Every outcome is counted: done; refused by a rule (full agent, lead already taken: expected
under contention); given up after the retries (allowed, rarely); unexpected (a bug).
Processes, not threads: each has its own interpreter, as app replicas do, so Python's lock
does not cap the load; each starts its clock at a common barrier, after its imports.
"""

import multiprocessing
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.synchronize import Barrier

from core.agents.capacity import set_agent_capacity
from core.domain.audit_chain import AuditKey
from core.domain.errors import DatabaseUnavailable, LeadOpsError, TransientConflict
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.domain.vocabulary import Availability
from core.leads import assignment, lifecycle
from db.audit_key import with_audit_key
from db.engine import create_database_engine
from db.unit_of_work import SqlUnitOfWork

KINDS = ("assign", "reassign", "unassign", "close", "availability")
WEIGHTS = (40, 20, 20, 10, 10)
ActorValues = tuple[int | None, str, str, int, str]  # user id, username, name, tenant id, role


@dataclass
class Outcomes:
    done: int = 0
    refused: int = 0
    gave_up: int = 0
    unexpected: list[str] = field(default_factory=list)
    started: float = 0.0   # time.time() at the barrier
    finished: float = 0.0

    @property
    def attempts(self) -> int:
        return self.done + self.refused + self.gave_up + len(self.unexpected)


def actor_values(actor: Actor) -> ActorValues:
    return (actor.user_id, actor.username, actor.name, actor.tenant_id, actor.role.value)


def _one(kind: str, rnd: random.Random, uow: SqlUnitOfWork, actor: Actor, lead: int, agent: int,
         capacities: tuple[int, int]) -> None:
    if kind == "assign":
        assignment.assign_lead(uow, actor, lead_id=lead, agent_id=agent)
    elif kind == "reassign":
        assignment.reassign_lead(uow, actor, lead_id=lead, agent_id=agent, reason="balance")
    elif kind == "unassign":
        assignment.unassign_lead(uow, actor, lead_id=lead, reason="bench mix")
    elif kind == "close":
        lifecycle.change_status(uow, actor, lead_id=lead, new_status=rnd.choice(["contacted", "lost"]),
                                reason="bench")
    else:
        availability = Availability.BUSY if rnd.random() < 0.2 else Availability.AVAILABLE
        set_agent_capacity(uow, actor, agent_id=agent, max_capacity=rnd.randint(*capacities),
                           availability=availability)


def operate(url: str, audit_secret: str, actor: ActorValues, leads: Sequence[int],
            agents: Sequence[int], seed: int, operations: int,
            barrier: Barrier | None = None, capacities: tuple[int, int] = (2, 30)) -> Outcomes:
    """`operations` random changes through `url`, counted. A capacity change picks a new
    capacity from `capacities` (the cluster test keeps them small, to press the rule)."""
    engine = with_audit_key(create_database_engine(url), AuditKey(audit_secret.encode()))
    user_id, username, name, tenant_id, role = actor
    acting = Actor(user_id, username, name, tenant_id, Role(role))
    rnd, outcomes = random.Random(seed), Outcomes()
    if barrier is not None:
        barrier.wait()
    outcomes.started = time.time()
    for _ in range(operations):
        lead, agent = rnd.choice(leads), rnd.choice(agents)
        kind = rnd.choices(KINDS, weights=WEIGHTS)[0]
        try:
            _one(kind, rnd, SqlUnitOfWork(engine), acting, lead, agent, capacities)
            outcomes.done += 1
        except (TransientConflict, DatabaseUnavailable):
            outcomes.gave_up += 1
        except LeadOpsError:
            outcomes.refused += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported: there should be none
            outcomes.unexpected.append(f"{kind}: {exc!r}"[:300])
    outcomes.finished = time.time()
    engine.dispose()
    return outcomes


def _process(queue: "multiprocessing.Queue[Outcomes]", *args: object) -> None:
    queue.put(operate(*args))  # type: ignore[arg-type]


@dataclass(frozen=True)
class MixResult:
    processes: int
    done: int
    refused: int
    gave_up: int
    unexpected: list[str]
    seconds: float

    @property
    def attempts(self) -> int:
        return self.done + self.refused + self.gave_up + len(self.unexpected)

    @property
    def done_per_s(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    @property
    def gave_up_pct(self) -> float:
        return 100 * self.gave_up / self.attempts if self.attempts else 0.0


def run_mix(urls: Sequence[str], audit_secret: str, actor: Actor, leads: Sequence[int],
            agents: Sequence[int], *, processes: int, operations: int) -> MixResult:
    """`processes` processes, the k-th through urls[k % len(urls)], each `operations` changes."""
    context = multiprocessing.get_context("spawn")  # no engine or lock crosses a fork
    queue: multiprocessing.Queue[Outcomes] = context.Queue()
    barrier = context.Barrier(processes)
    workers = [context.Process(target=_process, args=(
        queue, urls[k % len(urls)], audit_secret, actor_values(actor), leads, agents, k, operations,
        barrier)) for k in range(processes)]
    for worker in workers:
        worker.start()
    outcomes = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    return MixResult(processes, sum(o.done for o in outcomes), sum(o.refused for o in outcomes),
                     sum(o.gave_up for o in outcomes), [u for o in outcomes for u in o.unexpected],
                     max(o.finished for o in outcomes) - min(o.started for o in outcomes))
