"""Deterministic demo data: a call center with agents, leads, activities and closed history.

Rows are built as plain dicts and bulk-inserted in chunks, so the same generator fills the
5,000-lead demo in seconds and a million-lead benchmark database in minutes.
"""

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from itertools import accumulate
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, func, insert, select

from core.accounts.passwords import hash_password
from core.domain.audit import AuditEntry
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.placement import Strategy
from core.domain.routing import RuleSpec
from core.domain.vocabulary import (
    CLOSED_STATUSES,
    DEFAULT_SOURCE_QUALITY,
    OPEN_STATUSES,
    SKILLS,
    ActivityKind,
    Availability,
    LeadStatus,
    format_skills,
)
from core.scoring.rescoring import rescore_tenant
from db import bulk_load, demo_points
from db.demo_scoring import seed_tuned_scoring
from db.demo_sla import seed_sla
from db.models import (
    Agent,
    AgentPointsDay,
    Assignment,
    Badge,
    Base,
    Lead,
    LeadActivity,
    PointsEntry,
    Tenant,
    User,
)
from db.repositories.audit_log import SqlAuditRepository
from db.repositories.routing import SqlRoutingRepository
from db.repositories.tenants import SqlTenantRepository
from db.unit_of_work import SqlUnitOfWork

OPEN_VALUES = {s.value for s in OPEN_STATUSES}
CLOSED_VALUES = {s.value for s in CLOSED_STATUSES}

T = TypeVar("T")
Values = dict[str, Any]  # one row to insert, column by column


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    tenant: str


# Demo-only credentials, printed in the README. Never used outside a demo database.
DEMO_LOGINS = (
    DemoLogin("supervisor", "demo-supervisor", "supervisor", "acme"),
    DemoLogin("manager", "demo-manager", "manager", "acme"),
    DemoLogin("admin", "demo-admin", "admin", "acme"),
    DemoLogin("globex.admin", "demo-globex", "admin", "globex"),
)

FIRST_NAMES = (
    "Ana", "Bo", "Carla", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jon", "Kemal", "Lena",
    "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Viktor", "Wen", "Yara",
)
LAST_NAMES = (
    "Ruiz", "Lin", "Okafor", "Patel", "Novak", "Schmidt", "Tanaka", "Moreau", "Silva", "Kowalski",
    "Haddad", "Berg", "Costa", "Ivanova", "Nguyen", "Olsen", "Reyes", "Fischer", "Adeyemi", "Walsh",
)
COMPANIES = (
    "Acorn Labs", "Brightline", "Cobalt Freight", "Delta Dental Group", "Evergreen Foods",
    "Foxglove Media", "Granite Insurance", "Harbor Logistics", "Ironwood Legal", "Juniper Health",
)
TEAMS = ("North", "South", "Enterprise", "Spanish desk")
SOURCE_WEIGHTS = (8, 6, 5, 25, 15, 14, 10, 17)  # referral ... cold_call, in DEFAULT_SOURCE_QUALITY order
# Chance that a closed lead from each source was converted rather than lost.
CONVERSION_RATE = {"referral": 0.8, "partner": 0.7, "event": 0.5, "website": 0.35,
                   "email": 0.25, "social": 0.2, "other": 0.15, "cold_call": 0.1}
STATUS_MIX = ((LeadStatus.NEW, 35), (LeadStatus.ASSIGNED, 20), (LeadStatus.CONTACTED, 15),
              (LeadStatus.QUALIFIED, 10), (None, 20))  # None: closed, converted or lost by source
# How old leads are, in minutes, by where they stand: fresh backlog, work in progress, history.
DAY = 24 * 60
AGE_MINUTES = {"new": (5, 7 * DAY), "open": (60, 30 * DAY), "closed": (10 * DAY, 90 * DAY)}
AVAILABILITY_MIX = ((Availability.AVAILABLE, 65), (Availability.BUSY, 15),
                    (Availability.AWAY, 10), (Availability.OFFLINE, 10))


@dataclass(frozen=True)
class DemoSummary:
    tenants: int
    agents: int
    leads: int
    activities: int


def _pick(rnd: random.Random, mix: Sequence[tuple[T, float]]) -> T:
    """A value drawn by its weight: the same draw as `choices(values, weights)`, whose
    cumulative weights are summed here once per mix instead of once per call."""
    values, cumulative = _cumulative(tuple(mix))
    return rnd.choices(values, cum_weights=cumulative)[0]


@cache
def _cumulative(mix: tuple[tuple[Any, float], ...]) -> tuple[list[Any], list[float]]:
    return [v for v, _ in mix], list(accumulate(w for _, w in mix))


def _next_id(connection: Connection, model: type[Agent] | type[Lead]) -> int:
    return (connection.scalar(select(func.max(model.id))) or 0) + 1


def _bulk_insert(connection: Connection, model: type[Base], rows: list[Values]) -> None:
    bulk_load.insert_rows(connection, model, rows)


def seed_demo(
    engine: Engine, *, leads: int = 5000, agents: int = 40, seed: int = 7,
    now: datetime | None = None, password_rounds: int = 12, second_tenant: bool = True,
    score: bool = True, tenant_slug: str = "acme",
) -> DemoSummary:
    """Fill an empty database with the demo, scored by the real engine unless `score=False`.
    Refuses a database that already has tenants. `tenant_slug` renames the main tenant (the
    benchmark uses `bench`); the demo logins, and the scoring version the demo admin tuned
    (db/demo_scoring.py), belong to `acme` only."""
    if leads < 0 or agents < 1:
        raise InvalidInput("The demo needs at least one agent and zero or more leads.")
    now = now or utcnow()
    rnd = random.Random(seed)
    with bulk_load.loading_connection(engine) as connection:
        if connection.scalar(select(func.count()).select_from(Tenant)):
            raise InvalidInput(
                "This database already has data; the demo only fills an empty database."
            )
        tenants = [(tenant_slug, "Acme Call Center", agents, leads)]
        if second_tenant:
            tenants.append(("globex", "Globex Outreach", 6, 120))
        totals, tenant_ids = [0, 0, 0], []
        for slug, name, n_agents, n_leads in tenants:
            tenant_id = SqlTenantRepository(connection).add(slug=slug, name=name)
            tenant_ids.append(tenant_id)
            _seed_users(connection, tenant_id, slug, now, password_rounds)
            counts = _seed_call_center(connection, rnd, tenant_id, n_agents, n_leads, now)
            if slug == tenant_slug:
                _seed_routing_rules(connection, tenant_id, now)
            seed_sla(connection, tenant_id, now)
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            SqlAuditRepository(connection).append(AuditEntry(
                tenant_id=tenant_id, actor_user_id=None, actor_name="cli", action="demo.seeded",
                entity_type="tenant", entity_id=str(tenant_id),
                after={"agents": counts[0], "leads": counts[1], "seed": seed},
            ))
            if slug == "acme":  # the demo admin's weights; the benchmark's tenant keeps the defaults
                seed_tuned_scoring(connection, tenant_id, now)
    if score:
        for tenant_id in tenant_ids:
            rescore_tenant(lambda: SqlUnitOfWork(engine), Actor.operator(tenant_id=tenant_id), now,
                           refresh_components=True)
    return DemoSummary(len(tenants), *totals)


def _seed_users(connection: Connection, tenant_id: int, slug: str, now: datetime, rounds: int) -> None:
    for login in DEMO_LOGINS:
        if login.tenant != slug:
            continue
        connection.execute(insert(User).values(
            tenant_id=tenant_id, username=login.username,
            name=f"Demo {login.role.title()}" + ("" if slug == "acme" else f" ({slug})"),
            email=f"{login.username}@{slug}.example", role=login.role,
            password_hash=hash_password(login.password, rounds=rounds),
            is_active=True, failed_logins=0, created_at=now,
        ))


def _seed_call_center(
    connection: Connection, rnd: random.Random, tenant_id: int, n_agents: int, n_leads: int,
    now: datetime,
) -> tuple[int, int, int]:
    agent_rows = _agent_rows(connection, rnd, tenant_id, n_agents, now)
    lead_rows, assignment_rows = _lead_rows(connection, rnd, tenant_id, n_leads, agent_rows, now)
    activity_rows = _activity_rows(connection, rnd, tenant_id, lead_rows, now)
    ledger = demo_points.ledger_rows(rnd, tenant_id, lead_rows, {a["id"]: a["talent"] for a in agent_rows},
                                     now)
    points = demo_points.totals(ledger)
    closed = Counter(lead["agent_id"] for lead in lead_rows
                     if lead["status"] in CLOSED_VALUES and lead["agent_id"] is not None)
    converted = Counter(lead["agent_id"] for lead in lead_rows
                        if lead["status"] == LeadStatus.CONVERTED.value)
    for agent in agent_rows:
        agent["points_total"] = points.get(agent["id"], 0)
        agent["closed_leads"], agent["converted_leads"] = closed[agent["id"]], converted[agent["id"]]
    _bulk_insert(connection, Agent, [_without(row, "target_load", "history_weight", "talent")
                                     for row in agent_rows])
    _bulk_insert(connection, Lead, lead_rows)
    _bulk_insert(connection, Assignment, assignment_rows)
    _bulk_insert(connection, LeadActivity, activity_rows)
    _bulk_insert(connection, PointsEntry, ledger)
    _bulk_insert(connection, AgentPointsDay, demo_points.day_rows(tenant_id, ledger))
    _bulk_insert(connection, Badge, demo_points.badge_rows(tenant_id, lead_rows, ledger))
    return len(agent_rows), len(lead_rows), len(activity_rows)


# Example routing rules (docs/routing.md), in their order: `cli.py route` places leads at once.
DEMO_RULES = (
    RuleSpec("Hot website leads", sources=("website",), categories=("hot",), teams=("North", "South"),
             strategy=Strategy.LEAST_LOADED, on_arrival=True),
    RuleSpec("Spanish speakers", required_skill="spanish", teams=("Spanish desk",),
             strategy=Strategy.ROUND_ROBIN, on_arrival=True),
    RuleSpec("Enterprise accounts", required_skill="enterprise", teams=("Enterprise",),
             strategy=Strategy.SKILLS),
    RuleSpec("Website leads worth a call", sources=("website",), categories=("warm", "cold"),
             teams=("North", "South"), strategy=Strategy.ROUND_ROBIN),
    RuleSpec("Referrals and partners", sources=("referral", "partner"), categories=("hot", "warm", "cold"),
             strategy=Strategy.PERFORMANCE, reroute_breached=True),
)


def _seed_routing_rules(connection: Connection, tenant_id: int, now: datetime) -> None:
    rules = SqlRoutingRepository(connection)
    for spec in DEMO_RULES:
        rules.add_rule(tenant_id, spec, by_user_id=None, now=now)


def _without(row: Values, *keys: str) -> Values:
    return {k: v for k, v in row.items() if k not in keys}


def _agent_rows(connection: Connection, rnd: random.Random, tenant_id: int, n_agents: int,
                now: datetime) -> list[Values]:
    first_id = _next_id(connection, Agent)
    rows: list[Values] = []
    for offset in range(n_agents):
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        team = rnd.choice(TEAMS)
        skills = {"sales"} if rnd.random() < 0.8 else {"support"}
        skills |= {s for s in SKILLS if rnd.random() < 0.25}
        if team == "Spanish desk":
            skills.add("spanish")
        if team == "Enterprise":
            skills.add("enterprise")
        rows.append({
            "id": first_id + offset, "tenant_id": tenant_id, "user_id": None,
            "name": f"{first} {last}", "email": f"{first}.{last}.{offset}@agents.example".lower(),
            "team": team, "skills": format_skills(skills),
            "max_capacity": rnd.choice((5, 8, 10, 12, 15, 20, 25, 30)),
            "availability": str(_pick(rnd, AVAILABILITY_MIX)), "open_leads": 0,
            "capacity_changed_at": None, "version": 1, "created_at": now - timedelta(days=120),
            "updated_at": now - timedelta(days=120),
        })
    for row in rows:  # how full each agent ends up: a realistic spread, never over capacity
        row["target_load"] = round(row["max_capacity"] * rnd.choice((0.2, 0.4, 0.6, 0.8, 0.9, 1.0)))
        # Agents differ: how much history they have (new hires little), how well they convert
        # and how fast they pick up (demo_points), so the agents leaderboard has a spread.
        row["history_weight"] = rnd.choice((0.05, 0.15, 0.3, 0.6, 1.0, 1.0, 1.5, 2.0))
        row["talent"] = rnd.choice((0.5, 0.7, 0.85, 1.0, 1.0, 1.15, 1.3))
    return rows


def _age_band(status: LeadStatus) -> str:
    if status == LeadStatus.NEW:
        return "new"
    return "open" if status in OPEN_STATUSES else "closed"


def _has_skill(agent: Values, skill: str | None) -> bool:
    return skill is None or skill in agent["skills"].split(",")


class _AgentPool:
    """Agents by the skill a lead needs, in a stable order, so picking one is O(1) per lead
    (filtering every agent per lead made a million-lead demo take 17 minutes)."""

    def __init__(self, agents: list[Values]) -> None:
        keys = (None, *SKILLS)
        self.skilled = {k: [a for a in agents if _has_skill(a, k)] for k in keys}
        self.with_room = {k: [a for a in self.skilled[k] if a["open_leads"] < a["target_load"]]
                          for k in keys}
        self.history = {k: list(accumulate(a["history_weight"] for a in self.skilled[k])) for k in keys}

    def of_history(self, rnd: random.Random, skill: str | None) -> Values | None:
        """An agent with the skill, picked by how much history each has (O(log n))."""
        candidates = self.skilled[skill]
        return rnd.choices(candidates, cum_weights=self.history[skill])[0] if candidates else None

    def take_slot(self, rnd: random.Random, skill: str | None) -> Values | None:
        """A random agent with the skill and room (one more open lead), or None if all are full."""
        candidates = self.with_room[skill]
        if not candidates:
            return None
        agent = rnd.choice(candidates)
        agent["open_leads"] += 1
        if agent["open_leads"] >= agent["target_load"]:
            for pool in self.with_room.values():
                if agent in pool:
                    pool.remove(agent)
        return agent


def _lead_rows(connection: Connection, rnd: random.Random, tenant_id: int, n_leads: int,
               agents: list[Values], now: datetime) -> tuple[list[Values], list[Values]]:
    first_id = _next_id(connection, Lead)
    sources = list(DEFAULT_SOURCE_QUALITY)
    source_weights = list(accumulate(SOURCE_WEIGHTS))  # summed once: the same draws as weights=
    leads: list[Values] = []
    assignments: list[Values] = []
    pool = _AgentPool(agents)
    for offset in range(n_leads):
        lead_id = first_id + offset
        source = rnd.choices(sources, cum_weights=source_weights)[0]
        skill = rnd.choice(SKILLS) if rnd.random() < 0.3 else None
        picked = _pick(rnd, STATUS_MIX)
        status = picked or LeadStatus.LOST
        if picked is None:
            converted = rnd.random() < CONVERSION_RATE[source]
            status = LeadStatus.CONVERTED if converted else LeadStatus.LOST
        agent = None
        if status in OPEN_STATUSES:
            agent = pool.take_slot(rnd, skill)
            if agent is None:  # the team is as full as planned: this lead is history instead
                converted = rnd.random() < CONVERSION_RATE[source]
                status = LeadStatus.CONVERTED if converted else LeadStatus.LOST
        if status in (LeadStatus.CONVERTED, LeadStatus.LOST):
            agent = pool.of_history(rnd, skill)
            if agent is None:
                status = LeadStatus.NEW
            else:
                converted = rnd.random() < min(0.95, CONVERSION_RATE[source] * agent["talent"])
                status = LeadStatus.CONVERTED if converted else LeadStatus.LOST
        created = now - timedelta(minutes=rnd.randint(*AGE_MINUTES[_age_band(status)]))
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        email = f"{first}.{last}{lead_id}@example.com".lower() if rnd.random() < 0.9 else None
        phone = f"+1555{lead_id:07d}" if email is None or rnd.random() < 0.7 else None
        assigned_at = min(created + timedelta(minutes=rnd.randint(1, 600)), now) if agent else None
        closed_at = (min(assigned_at + timedelta(days=rnd.randint(1, 20)), now)
                     if assigned_at and status in (LeadStatus.CONVERTED, LeadStatus.LOST) else None)
        due = (now + timedelta(days=rnd.randint(-3, 21))).date() if rnd.random() < 0.25 else None
        if due is not None:  # never due before the lead existed: at the earliest, the day after
            due = max(due, created.date() + timedelta(days=1))
        leads.append({
            "id": lead_id, "tenant_id": tenant_id, "name": f"{first} {last}", "email": email,
            "phone": phone, "company": rnd.choice(COMPANIES) if rnd.random() < 0.6 else None,
            "email_normalized": email, "phone_normalized": phone.lstrip("+") if phone else None,
            "source": source, "status": str(status), "agent_id": agent["id"] if agent else None,
            "required_skill": skill, "due_date": due, "created_at": created,
            "updated_at": closed_at or assigned_at or created, "assigned_at": assigned_at,
            "closed_at": closed_at, "first_contact_at": None, "version": 1,
        })
        if agent:
            assignments.append({
                "tenant_id": tenant_id, "lead_id": lead_id, "agent_id": agent["id"],
                "previous_agent_id": None, "assigned_by": None, "assigned_at": assigned_at,
                "ended_at": None, "note": "demo data", "batch_id": None,
            })
    return leads, assignments


def _activity_rows(connection: Connection, rnd: random.Random, tenant_id: int, leads: list[Values],
                   now: datetime) -> list[Values]:
    kinds = list(ActivityKind)
    rows = []
    for lead in leads:
        if lead["agent_id"] is None:
            continue
        recent = 14 if lead["status"] in OPEN_VALUES else 60  # work in progress is being worked
        start = max(lead["assigned_at"], now - timedelta(days=recent))
        span = int((now - start).total_seconds() // 60)
        for _ in range(rnd.randint(1, 8) if lead["status"] in OPEN_VALUES else rnd.randint(0, 5)):
            rows.append({
                "tenant_id": tenant_id, "lead_id": lead["id"], "agent_id": lead["agent_id"],
                "kind": str(rnd.choice(kinds)),
                "occurred_at": start + timedelta(minutes=rnd.randint(0, span)),
                "note": None, "created_by": None,
            })
    return rows
