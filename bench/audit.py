"""The audit log at a million rows (issue 18): seed chained audit rows fast, then time the audit
page's first screen and one filtered screen through the use cases the page calls, each against
the same queries hand-written (its floor, docs/benchmarks.md).

The rows are what LeadOps writes: chained and MACed with the run's audit key (so `cli.py
audit-verify` passes), spread over the past year with pairs at one time (the keyset's tie), by
twenty users, about lead changes and bulk runs in batches, a few with a reason to search.
"""

import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, bindparam, insert, select, text, update

from core.accounts.passwords import hash_password
from core.audit.browse import audit_actions, audit_screen
from core.domain.audit import AuditEntry, AuditFilters, to_json
from core.domain.audit_chain import CHAINS, KEYED, head_mac, row_mac
from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.domain.scoring import IdRange
from db.audit_key import audit_key_of
from db.models import AuditHead, AuditRow, User
from db.unit_of_work import SqlUnitOfWork

KEYS = ("audit_first_screen_s", "audit_filtered_s")
CHUNK = 5_000  # rows per transaction (one multi-row INSERT), on one chain
USERS = 20
SCREEN = 50  # rows per screen, as the page shows
RUNS = 5  # timed runs of each query; the median is reported
FILTERED_BY = "Bench Supervisor 07"  # the filtered screen: an actor by (part of) the display name
ACTIONS = ("lead.assigned", "lead.status_changed", "lead.reassigned", "lead.unassigned",
           "lead.activity_logged", "agent.capacity_changed")
REASONS = (None, None, None, "customer asked for a callback", "no budget this quarter",
           "moved to the enterprise team", "duplicate of an older lead")


@dataclass(frozen=True)
class AuditFigures:
    rows: int
    ours: dict[str, float]   # audit_first_screen_s, audit_filtered_s
    floor: dict[str, float]  # the same keys, hand-written
    filtered_rows: int       # rows on the filtered screen (SCREEN when the filter matches enough)


def _username(n: int) -> str:
    return f"bench.sup{n:02d}"


def _add_users(engine: Engine, tenant_id: int) -> None:
    """The actors of the seeded rows: users of the tenant (the page resolves names through them)."""
    password_hash = hash_password(uuid.uuid4().hex, rounds=4)  # never logs in
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(insert(User), [dict(
            tenant_id=tenant_id, username=_username(n), name=f"Bench Supervisor {n:02d}", email=None,
            role="supervisor", password_hash=password_hash, is_active=True, failed_logins=0,
            created_at=now) for n in range(1, USERS + 1)])


def _entry(tenant_id: int, n: int, leads: IdRange, batch_id: str | None) -> AuditEntry:
    action = ACTIONS[n % len(ACTIONS)] if batch_id is None else "lead.assigned"
    lead = leads.low + n % (leads.high - leads.low + 1)
    return AuditEntry(tenant_id=tenant_id, actor_user_id=None, actor_name=_username(1 + n * 7 % USERS),
                      action=action, entity_type="agent" if action.startswith("agent.") else "lead",
                      entity_id=str(lead), before={"status": "new"}, after={"status": "assigned"},
                      reason=REASONS[n % len(REASONS)], batch_id=batch_id)


def seed(engine: Engine, tenant_id: int, leads: IdRange, *, rows: int,
         progress: Callable[[str], None]) -> None:
    """`rows` audit rows of the tenant, oldest first, a year up to now, chained as LeadOps chains
    them: each chunk one transaction on one chain, after that chain's head."""
    _add_users(engine, tenant_id)
    key, rng = audit_key_of(engine), random.Random(18)
    step = timedelta(days=365) / max(rows, 1)
    start = utcnow() - timedelta(days=365)
    head = select(AuditHead.seq, AuditHead.head_hash).where(
        AuditHead.tenant_id == tenant_id, AuditHead.chain == bindparam("of_chain"))
    move = update(AuditHead).where(AuditHead.tenant_id == tenant_id, AuditHead.chain == bindparam("of_chain"))
    batch_id: str | None = None
    for first in range(0, rows, CHUNK):
        chain = 1 + (first // CHUNK) % CHAINS
        with engine.begin() as connection:
            seq, prev_hash = connection.execute(head, {"of_chain": chain}).one()
            values = []
            for n in range(first, min(first + CHUNK, rows)):
                if n % 1_000 == 0:  # a bulk run every thousand rows, of a hundred leads
                    batch_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                elif n % 1_000 == 100:
                    batch_id = None
                entry, at, seq = _entry(tenant_id, n, leads, batch_id), start + step * (n - n % 2), seq + 1
                mac = row_mac(key, chain=chain, prev_hash=prev_hash, seq=seq, at=at, entry=entry)
                values.append(dict(
                    tenant_id=tenant_id, chain=chain, seq=seq, algorithm=KEYED, at=at, actor_user_id=None,
                    actor_name=entry.actor_name, action=entry.action, entity_type=entry.entity_type,
                    entity_id=entry.entity_id, before_json=to_json(entry.before),
                    after_json=to_json(entry.after), reason=entry.reason, batch_id=entry.batch_id,
                    prev_hash=prev_hash, row_hash=mac))
                prev_hash = mac
            connection.execute(insert(AuditRow), values)
            connection.execute(move, {"of_chain": chain, "seq": seq, "head_hash": prev_hash,
                                      "head_mac": head_mac(key, tenant_id=tenant_id, chain=chain, seq=seq,
                                                           head_hash=prev_hash)})
        if (first // CHUNK) % 40 == 39:
            progress(f"audit rows: {first + CHUNK:,} of {rows:,}")
    if engine.dialect.name == "mysql":  # fresh statistics, as a server that grew slowly has
        with engine.begin() as connection:
            connection.execute(text("ANALYZE TABLE audit_log"))


def _median(run: Callable[[], object]) -> float:
    run()  # warm: the pages run warm too
    seconds = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def _ours(engine: Engine, admin: Actor, filters: AuditFilters) -> int:
    """What the audit page reads for one screen: the tenant's actions (its action filter) and
    the screen, each through its use case in a unit of work of its own, as the page does."""
    audit_actions(SqlUnitOfWork(engine, read_only=True), admin)
    return len(audit_screen(SqlUnitOfWork(engine, read_only=True), admin, filters, size=SCREEN).rows)


# The floor: the same reads hand-written, one connection, no ORM, no use case.
_FLOOR_ACTIONS = ("SELECT action FROM audit_log WHERE tenant_id = :t GROUP BY tenant_id, action "
                  "ORDER BY action")
_FLOOR_COLUMNS = ("SELECT at, actor_name, action, entity_type, entity_id, before_json, after_json, reason, "
                  "batch_id, id FROM audit_log WHERE tenant_id = :t")
_FLOOR_FIRST = _FLOOR_COLUMNS + " ORDER BY at DESC, id DESC LIMIT :n"
_FLOOR_USERS = "SELECT username FROM users WHERE tenant_id = :t AND LOWER(name) LIKE :name"
_FLOOR_FILTERED = _FLOOR_COLUMNS + " AND actor_name IN :names ORDER BY at DESC, id DESC LIMIT :n"


def _floor(engine: Engine, tenant_id: int, *, actor: str | None) -> int:
    with engine.connect() as connection:
        connection.execute(text(_FLOOR_ACTIONS), {"t": tenant_id}).all()
        if actor is None:
            return len(connection.execute(text(_FLOOR_FIRST), {"t": tenant_id, "n": SCREEN + 1}).all())
        names = list(connection.scalars(text(_FLOOR_USERS), {"t": tenant_id, "name": f"%{actor.lower()}%"}))
        query = text(_FLOOR_FILTERED).bindparams(bindparam("names", expanding=True))
        return len(connection.execute(query, {"t": tenant_id, "names": names, "n": SCREEN + 1}).all())


def time_screens(engine: Engine, admin: Actor, *, rows: int) -> AuditFigures:
    first, filtered = AuditFilters(), AuditFilters(actor_name=FILTERED_BY)
    filtered_rows = _ours(engine, admin, filtered)
    return AuditFigures(
        rows=rows, filtered_rows=filtered_rows,
        ours={"audit_first_screen_s": _median(lambda: _ours(engine, admin, first)),
              "audit_filtered_s": _median(lambda: _ours(engine, admin, filtered))},
        floor={"audit_first_screen_s": _median(lambda: _floor(engine, admin.tenant_id, actor=None)),
               "audit_filtered_s": _median(lambda: _floor(engine, admin.tenant_id, actor=FILTERED_BY))})


def run(engine: Engine, admin: Actor, leads: IdRange, *, rows: int, progress: Callable[[str], None]) -> dict:
    """Seed, time, and the figures as the bench result holds them."""
    seed(engine, admin.tenant_id, leads, rows=rows, progress=progress)
    figures = time_screens(engine, admin, rows=rows)
    ratio = {key: round(figures.ours[key] / figures.floor[key], 2) if figures.floor[key] else None
             for key in figures.ours}
    return {**{key: round(seconds, 4) for key, seconds in figures.ours.items()},
            "audit": {"rows": rows, "floor": {k: round(v, 4) for k, v in figures.floor.items()},
                      "ratio": ratio, "filtered_rows": figures.filtered_rows,
                      "filtered_by": f"actor {FILTERED_BY!r} (display name)"}}
