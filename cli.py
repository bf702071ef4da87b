"""LeadOps command line, for operators and cron. `python cli.py --help` lists the commands."""

import argparse
import getpass
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TypeAlias

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from core.accounts.login import acting_user
from core.accounts.tenants import create_tenant
from core.accounts.user_admin import unlock_user
from core.accounts.users import create_user
from core.bulk.assign import AgentScope, BulkPlan, BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.import_file import default_mapping, read_import_file
from core.bulk.resume import resume_batch
from core.bulk.undo import undo_batch
from core.domain.clock import utcnow
from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Role
from core.domain.placement import Strategy
from core.domain.sla import SLA_REROUTE_REASON
from core.ports import UnitOfWorkFactory
from core.routing.arrival import import_and_route
from core.routing.cycle import route_tenant
from core.routing.reroute import RerouteResult
from core.scoring.rescoring import rescore_tenant
from core.sla.breaches import BreachCounts, breach_counts
from core.sla.grace import ReleaseReport
from db.audit_key import with_audit_key
from db.engine import check_connection, create_database_engine, explain_connection_error
from db.unit_of_work import SqlUnitOfWork
from settings import Settings, load_settings

EXIT_REFUSED = 1
EXIT_USAGE = 2

Command = Callable[[argparse.Namespace], int]
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # add_subparsers()


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings()
    return replace(settings, database_url=args.database_url) if args.database_url else settings


def _engine(args: argparse.Namespace, *, needs_schema: bool = True) -> Engine:
    """The configured database, with the audit key every audited change needs; refused with
    what to run when it lacks LeadOps' current schema (`needs_schema=False`: the commands that
    create it)."""
    settings = _settings(args)
    engine = with_audit_key(create_database_engine(settings.database_url), settings.audit_key)
    check_connection(engine)
    if needs_schema:
        _require_current_schema(engine)
    return engine


def _require_current_schema(engine: Engine) -> None:
    from db.migrate import current_revision, head_revision

    current, head = current_revision(engine), head_revision()
    if current is None:
        raise LeadOpsError(
            "The configured database has no LeadOps schema yet. Run `python cli.py init-db` to "
            "create it (for real data), or `python cli.py seed-demo` for the demo; the app seeds "
            "the demo itself on its first visit when no DATABASE_URL is set.")
    if current != head:
        raise LeadOpsError(
            f"The database is at schema revision {current}; this LeadOps needs {head}. Nothing was "
            "done. Run `python cli.py init-db` to upgrade it, then run this command again.")


def _units_of_work(engine: Engine, *, read_only: bool = False) -> UnitOfWorkFactory:
    """The one way commands reach the database: each call of the result is one transaction."""
    return partial(SqlUnitOfWork, engine, read_only=read_only)


def _acting(engine: Engine, username: str) -> Actor:
    """Bulk commands act as a named user, with that user's role and tenant, audited as them."""
    return acting_user(_units_of_work(engine, read_only=True)(), username)


def cmd_init_db(args: argparse.Namespace) -> int:
    from db.bootstrap import prepare_schema
    from db.migrate import current_revision

    engine = _engine(args, needs_schema=False)
    report = prepare_schema(engine)
    if report.sealed:
        print(f"Sealed {report.sealed} audit chain head(s) with LEADOPS_AUDIT_KEY.")
    for refusal in report.refused:
        print(f"NOT SEALED {refusal}", file=sys.stderr)
    print(f"Database is at schema revision {current_revision(engine)}.")
    return EXIT_REFUSED if report.refused else 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from db.bootstrap import prepare_schema
    from db.demo import DEMO_LOGINS, seed_demo

    engine = _engine(args, needs_schema=False)
    prepare_schema(engine)
    summary = seed_demo(engine, leads=args.leads, agents=args.agents, seed=args.seed)
    print(f"Seeded {summary.tenants} tenants, {summary.agents} agents, {summary.leads} leads, "
          f"{summary.activities} activities.")
    print("Demo logins (demo only): " + ", ".join(f"{d.username}/{d.password}" for d in DEMO_LOGINS))
    return 0


def cmd_create_tenant(args: argparse.Namespace) -> int:
    tenant_id = create_tenant(_units_of_work(_engine(args))(), slug=args.slug, name=args.name)
    print(f"Created tenant {args.slug.lower()} (id {tenant_id}) with the default scoring weights.")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise LeadOpsError("The two passwords differ. Nothing was created; try again.")
    return first


def cmd_create_user(args: argparse.Namespace) -> int:
    engine = _engine(args)
    password = _read_password(args)
    operator = Actor.operator(tenant_id=_tenant_ids(engine, args.tenant)[args.tenant])
    user_id = create_user(
        _units_of_work(engine)(), operator, username=args.username,
        name=args.name or args.username, role=args.role, password=password, email=args.email,
    )
    print(f"Created user {args.username.lower()} (id {user_id}, role {args.role}) in {args.tenant}.")
    return 0


def cmd_unlock_user(args: argparse.Namespace) -> int:
    engine = _engine(args)
    operator = Actor.operator(tenant_id=_tenant_ids(engine, args.tenant)[args.tenant])
    unlock_user(_units_of_work(engine)(), operator, username=args.username)
    print(f"Unlocked {args.username.lower()} in {args.tenant}: the failed-login count starts afresh.")
    return 0


def cmd_import_leads(args: argparse.Namespace) -> int:
    engine = _engine(args)
    actor = _acting(engine, args.as_user)
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise LeadOpsError(f"Cannot read {args.file}: {exc.strerror}.") from exc
    file = read_import_file(data)
    result = import_and_route(_units_of_work(engine), actor, file, default_mapping(file.columns),
                              all_or_nothing=args.all_or_nothing)
    for line, outcome, detail in result.report:
        print(f"line {line}: {outcome}: {detail}")
    refused = sum(1 for _, outcome, _ in result.report if outcome == "refused")
    if result.note:
        print(result.note, file=sys.stderr)
    print(f"{result.imported} imported, {refused} refused"
          + (" (all or nothing: nothing imported)" if args.all_or_nothing and refused else "")
          + (f", {result.routed} routed on arrival" if result.routed else "") + ".")
    return EXIT_REFUSED if refused else 0


def cmd_bulk_assign(args: argparse.Namespace) -> int:
    engine = _engine(args)
    actor = _acting(engine, args.as_user)
    request = BulkRequest(
        strategy=Strategy(args.strategy), limit=args.limit, manual_agent_id=args.agent,
        filters=LeadFilters(statuses=tuple(args.status or ["new"]), sources=tuple(args.source or []),
                            categories=tuple(args.category or []), required_skill=args.skill),
        scope=AgentScope(teams=tuple(args.team or []), skill=args.agent_skill),
    )
    plan = plan_bulk_assign(_units_of_work(engine, read_only=True)(), actor, request)
    names = {agent_id: agent.name for agent_id, agent in plan.agents_before.items()}
    if args.dry_run or not plan.placed:  # a plan that places nothing has nothing to commit
        return _print_plan(plan, names, committing=not args.dry_run)
    outcome = commit_bulk_assign(_units_of_work(engine), actor, plan)
    if isinstance(outcome, BulkPlan):
        print(outcome.notice, file=sys.stderr)
        return EXIT_REFUSED
    not_placed = {lead_id for lead_id, _ in outcome.refused}
    for lead_id, agent_id in plan.placed:
        if lead_id not in not_placed:
            print(f"lead {lead_id}: assigned to {names[agent_id]} (#{agent_id})")
    for lead_id, why in outcome.refused:
        print(f"lead {lead_id}: not placed: {why}")
    print(f"{outcome.assigned} assigned in batch {outcome.batch_id}, {len(outcome.refused)} not placed.")
    return EXIT_REFUSED if outcome.refused else 0


def _print_plan(plan: BulkPlan, names: dict[int, str], *, committing: bool) -> int:
    """Where each lead would go or why it would not, as the page's preview shows it."""
    for lead_id, agent_id in plan.placed:
        print(f"lead {lead_id}: would go to {names[agent_id]} (#{agent_id})")
    for lead_id, why in plan.unplaced:
        print(f"lead {lead_id}: not placed: {why}")
    if not (plan.placed or plan.unplaced):
        print("No lead matches: nothing to assign.")
        return EXIT_REFUSED if committing else 0
    nothing = ": nothing was assigned" if committing else ""
    print(f"{len(plan.placed)} planned, {len(plan.unplaced)} not placed{nothing}.")
    return EXIT_REFUSED if plan.unplaced else 0


def cmd_resume_batch(args: argparse.Namespace) -> int:
    engine = _engine(args)
    result = resume_batch(_units_of_work(engine), _acting(engine, args.as_user), args.batch_id)
    print(f"Batch {result.batch_id} resumed and complete: {result.applied} more lead(s) done now, "
          f"{result.refused} refused; {result.changed_in_all} changed by the whole batch.")
    return 0


def cmd_undo_batch(args: argparse.Namespace) -> int:
    engine = _engine(args)
    result = undo_batch(_units_of_work(engine), _acting(engine, args.as_user), args.batch_id)
    for lead_id, why in result.blocked:
        print(f"lead {lead_id}: blocks the undo: {why}")
    if result.blocked and not result.reverted:
        print("Undo refused: nothing was changed.")
        return EXIT_REFUSED
    print(f"{result.reverted} leads {result.where_to} (undo batch {result.undo_batch_id}).")
    return EXIT_REFUSED if result.blocked else 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from db.audit_verify import verify_audit_chains

    checked, breaks = verify_audit_chains(_engine(args))
    for broken in breaks:
        print(f"BROKEN {broken.sentence}", file=sys.stderr)
    if breaks:
        return EXIT_REFUSED
    print(f"Audit chains intact: {checked} rows checked.")
    return 0


def _tenant_ids(engine: Engine, slug: str | None) -> dict[str, int]:
    """Every tenant by slug, or the one named; an unknown slug is refused."""
    with _units_of_work(engine, read_only=True)() as uow:
        slugs = [slug] if slug else uow.tenants.all_slugs()
        found = {s: uow.tenants.id_for_slug(s) for s in slugs}
    tenant_ids = {s: tenant_id for s, tenant_id in found.items() if tenant_id is not None}
    missing = [s for s in slugs if s not in tenant_ids]
    if missing:
        raise LeadOpsError(f"Tenant {missing[0]!r} does not exist. Check the tenant slug.")
    return tenant_ids


def cmd_rescore(args: argparse.Namespace) -> int:
    engine = _engine(args)
    now = utcnow()
    for slug, tenant_id in _tenant_ids(engine, args.tenant).items():
        started = time.perf_counter()
        report = rescore_tenant(_units_of_work(engine), Actor.operator(tenant_id=tenant_id), now,
                                refresh_components=args.refresh_components)
        print(f"Rescored {report.leads} leads of {slug} in {report.chunks} chunk(s), "
              f"{time.perf_counter() - started:.1f} s.")
    return 0


def _print_release(slug: str, report: ReleaseReport, *, dry_run: bool) -> None:
    given_back = ", ".join(f"{name} {n}" for name, n in report.released) or "none"
    verb = "would return" if dry_run else "returned"
    batches = f" in batch {', '.join(report.batch_ids)}" if report.batch_ids else ""
    print(f"{slug}: grace: {report.total} untouched lead(s) of agents away or offline past the grace "
          f"period {verb} to routing{batches} ({given_back}).")


def _print_reroute(slug: str, result: RerouteResult, counts: BreachCounts) -> None:
    verb = "would move" if result.dry_run else "re-routed"
    for move in result.moved:
        print(f"{slug}: lead {move.lead_id}: {verb} from {move.from_agent} to {move.to_agent} "
              f"(#{move.to_agent_id}) by rule '{move.rule}': {SLA_REROUTE_REASON}")
    for lead_id, why in result.left:
        print(f"{slug}: lead {lead_id}: SLA breached, not re-routed: {why}")
    batch = f" in batch {result.batch_id}" if result.batch_id else ""
    print(f"{slug}: SLA: {len(result.moved)} breached lead(s) {verb}{batch}, {len(result.left)} could not "
          f"move, {result.untouched} match no re-routing rule and stay; "
          f"{sum(counts.per_agent.values())} open breach(es), {counts.today} today.")


def cmd_route(args: argparse.Namespace) -> int:
    """Every minute from cron, per tenant and in this order: the availability grace, the SLA
    re-route of breached leads, then the new leads by the active routing rules."""
    engine = _engine(args)
    for slug, tenant_id in _tenant_ids(engine, args.tenant).items():
        operator = Actor.operator(tenant_id=tenant_id)
        cycle = route_tenant(_units_of_work(engine), operator, dry_run=args.dry_run)
        _print_release(slug, cycle.released, dry_run=args.dry_run)
        _print_reroute(slug, cycle.rerouted, breach_counts(_units_of_work(engine, read_only=True)(),
                                                           operator, utcnow()))
        result = cycle.routed
        verb = "would go to" if result.dry_run else "assigned to"
        for routed in result.placed:
            print(f"{slug}: lead {routed.lead_id}: {verb} {result.agent_name(routed.agent_id)} "
                  f"(#{routed.agent_id}) by rule '{result.rule_name(routed.rule_id)}'")
        for lead_id, why in result.left:
            print(f"{slug}: lead {lead_id}: not placed: {why}")
        batch = f" in batch {result.batch_id}" if result.batch_id else ""
        done = "planned (dry run: nothing was written)" if result.dry_run else f"placed{batch}"
        print(f"{slug}: {len(result.placed)} {done}, {len(result.left)} left.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from db.invariants import count_checked, find_violations, find_warnings

    engine = _engine(args)
    violations, warnings = find_violations(engine), find_warnings(engine)
    totals = count_checked(engine)
    for v in violations:
        print(f"VIOLATION tenant {v.tenant} [{v.kind}]: {v.message}")
    for w in warnings:
        print(f"WARNING tenant {w.tenant} [{w.kind}]: {w.message}")
    checked = f"{totals.agents} agents, {totals.leads} leads checked."
    if violations:
        print(f"{len(violations)} violation(s), {len(warnings)} warning(s): {checked}")
        return EXIT_REFUSED
    noted = f" {len(warnings)} warning(s) above." if warnings else ""
    print(f"All invariants hold: {checked}{noted}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from bench import BenchOptions, format_table, run_bench

    options = BenchOptions(url=args.url, leads=args.leads, agents=args.agents, bulk=args.bulk,
                           threads=args.threads, per_thread=args.per_thread, floor=args.floor,
                           mix_processes=args.mix_processes, mix_operations=args.mix_operations,
                           cluster=tuple(args.cluster or ()), audit_rows=args.audit_rows)
    try:
        result = run_bench(options, progress=lambda line: print(f"bench: {line}", file=sys.stderr))
    except DBAPIError as exc:
        raise explain_connection_error(exc, args.url) from exc
    print(json.dumps(result) if args.json else format_table(result))
    return 0


def _add(commands: Commands, name: str, run: Command, help: str) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help)
    parser.set_defaults(run=run)
    return parser


def _as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="as_user", required=True, help="act (and be audited) as this user")


def _add_init_db(commands: Commands) -> None:
    _add(commands, "init-db", cmd_init_db, "create or upgrade the schema (Alembic migrations)")


def _add_seed_demo(commands: Commands) -> None:
    seed = _add(commands, "seed-demo", cmd_seed_demo, "migrate, then fill an EMPTY database with the demo")
    seed.add_argument("--leads", type=int, default=5000, help="leads in the main tenant (default 5000)")
    seed.add_argument("--agents", type=int, default=40, help="agents in the main tenant (default 40)")
    seed.add_argument("--seed", type=int, default=7, help="random seed; same seed, same demo")


def _add_create_tenant(commands: Commands) -> None:
    tenant = _add(commands, "create-tenant", cmd_create_tenant, "add a tenant (a call center of its own)")
    tenant.add_argument("--slug", required=True, help="short id used by other commands, e.g. acme")
    tenant.add_argument("--name", required=True, help="display name, e.g. 'Acme Call Center'")


def _add_create_user(commands: Commands) -> None:
    user = _add(commands, "create-user", cmd_create_user,
                "add a user; the password is read from a prompt or stdin")
    user.add_argument("--tenant", required=True, help="tenant slug, e.g. acme")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--name", help="display name (default: the username)")
    user.add_argument("--email")
    user.add_argument("--password-stdin", action="store_true", help="read the password from stdin")


def _add_unlock_user(commands: Commands) -> None:
    unlock = _add(commands, "unlock-user", cmd_unlock_user,
                  "lift a user's lockout after failed logins (audited as cli)")
    unlock.add_argument("--tenant", required=True, help="the user's tenant slug, e.g. acme")
    unlock.add_argument("--username", required=True)


def _add_import_leads(commands: Commands) -> None:
    importer = _add(commands, "import-leads", cmd_import_leads,
                    "import new leads from a CSV (header row of lead field names: name, email, "
                    "phone, company, source, required_skill, due_date)")
    importer.add_argument("file")
    importer.add_argument("--all-or-nothing", action="store_true",
                          help="import nothing unless every row is valid")
    _as_user(importer)


def _add_bulk_assign(commands: Commands) -> None:
    bulk = _add(commands, "bulk-assign", cmd_bulk_assign,
                "assign many leads with a strategy; --dry-run previews")
    bulk.add_argument("--strategy", required=True, choices=[s.value for s in Strategy])
    bulk.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    bulk.add_argument("--limit", type=int, default=500, help="at most this many leads (default 500)")
    bulk.add_argument("--status", action="append", help="lead status filter (default: new)")
    bulk.add_argument("--source", action="append", help="lead source filter (repeatable)")
    bulk.add_argument("--category", action="append", help="score category filter (repeatable)")
    bulk.add_argument("--skill", help="leads requiring this skill")
    bulk.add_argument("--team", action="append", help="only agents of this team (repeatable)")
    bulk.add_argument("--agent-skill", help="only agents with this skill")
    bulk.add_argument("--agent", type=int, help="the agent id for --strategy manual")
    _as_user(bulk)


def _add_undo_batch(commands: Commands) -> None:
    undo = _add(commands, "undo-batch", cmd_undo_batch,
                "undo a bulk assignment while none of its leads changed")
    undo.add_argument("batch_id")
    _as_user(undo)


def _add_resume_batch(commands: Commands) -> None:
    resume = _add(commands, "resume-batch", cmd_resume_batch,
                  "finish a batch that stopped part-way (bulk assign, update, import or undo)")
    resume.add_argument("batch_id")
    _as_user(resume)


def _add_audit_verify(commands: Commands) -> None:
    _add(commands, "audit-verify", cmd_audit_verify, "check every tenant's audit hash chain")


def _add_rescore(commands: Commands) -> None:
    rescore = _add(commands, "rescore", cmd_rescore,
                   "recompute lead scores (nightly cron); chunked, one short transaction each")
    rescore.add_argument("--tenant", help="tenant slug (default: every tenant)")
    rescore.add_argument("--refresh-components", action="store_true",
                         help="also recompute the time-dependent components: engagement decay, "
                              "urgency and conversion frequencies")


def _add_route(commands: Commands) -> None:
    route = _add(commands, "route", cmd_route,
                 "cron, every minute: give back the leads of agents away past the grace, re-route "
                 "SLA-breached leads, place new leads by the active routing rules; --dry-run plans")
    route.add_argument("--tenant", help="tenant slug (default: every tenant)")
    route.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")


def _add_check(commands: Commands) -> None:
    _add(commands, "check", cmd_check,
         "verify capacity, lead/agent and open-lead counter invariants; exit 1 naming offenders")


def _add_bench(commands: Commands) -> None:
    bench = _add(commands, "bench", cmd_bench,
                 "fill a scratch database and time the project's code paths (docs/benchmarks.md)")
    bench.add_argument("--url", required=True,
                       help="database the bench may fill: empty, or one an earlier bench run filled")
    bench.add_argument("--leads", type=int, required=True, help="leads to generate")
    bench.add_argument("--agents", type=int, required=True, help="agents to generate")
    bench.add_argument("--bulk", type=int, required=True, help="leads per bulk assignment")
    bench.add_argument("--threads", type=int, default=16, help="concurrent assigners (default 16)")
    bench.add_argument("--per-thread", type=int, default=100,
                       help="assignment attempts per thread (default 100)")
    bench.add_argument("--floor", action="store_true",
                       help="also run the raw-SQL floor of ../shared/bench and report ratios")
    bench.add_argument("--mix-processes", type=int, default=32,
                       help="processes making the random mix of changes (default 32)")
    bench.add_argument("--mix-operations", type=int, default=200,
                       help="changes per process in the mix (default 200)")
    bench.add_argument("--cluster", action="append", metavar="URL",
                       help="a cluster node's scratch database (repeat per node): the mix runs there "
                            "too, writers spread over the nodes")
    bench.add_argument("--audit-rows", type=int, default=0,
                       help="also seed this many audit rows and time the audit page (e.g. 1000000)")
    bench.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


COMMANDS = (_add_init_db, _add_seed_demo, _add_create_tenant, _add_create_user, _add_unlock_user,
            _add_import_leads, _add_bulk_assign, _add_resume_batch, _add_undo_batch,
            _add_audit_verify, _add_rescore, _add_route, _add_check, _add_bench)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__)
    parser.add_argument("--database-url", help="overrides DATABASE_URL and .streamlit/secrets.toml")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except LeadOpsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except DBAPIError as exc:
        print(f"error: {explain_connection_error(exc, _settings(args).database_url).message}",
              file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
