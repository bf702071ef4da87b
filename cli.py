"""LeadOps command line, for operators and cron. `python cli.py --help` lists the commands."""

import argparse
import getpass
import json
import logging
import sys
import time

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from core import accounts
from core.errors import LeadOpsError
from core.permissions import Role
from core.settings import load_settings
from db.engine import check_connection, create_database_engine, explain_connection_error

EXIT_REFUSED = 1
EXIT_USAGE = 2


def _engine(args: argparse.Namespace) -> Engine:
    url = args.database_url or load_settings().database_url
    engine = create_database_engine(url)
    check_connection(engine)
    return engine


def cmd_init_db(args: argparse.Namespace) -> int:
    from db.migrate import current_revision, upgrade

    engine = _engine(args)
    upgrade(engine)
    print(f"Database is at schema revision {current_revision(engine)}.")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from db.demo import DEMO_LOGINS, seed_demo
    from db.migrate import upgrade

    engine = _engine(args)
    upgrade(engine)
    summary = seed_demo(engine, leads=args.leads, agents=args.agents, seed=args.seed)
    print(f"Seeded {summary.tenants} tenants, {summary.agents} agents, {summary.leads} leads, "
          f"{summary.activities} activities.")
    print("Demo logins (demo only): " + ", ".join(f"{d.username}/{d.password}" for d in DEMO_LOGINS))
    return 0


def cmd_create_tenant(args: argparse.Namespace) -> int:
    from core.tenants import create_tenant
    from db.unit_of_work import SqlUnitOfWork

    tenant_id = create_tenant(SqlUnitOfWork(_engine(args)), slug=args.slug, name=args.name)
    print(f"Created tenant {args.slug.lower()} (id {tenant_id}) with the default scoring weights.")
    return 0


def _acting(engine, username: str):
    """Bulk commands act as a named user, with that user's role and tenant, audited as them."""
    from db.unit_of_work import SqlUnitOfWork

    return accounts.acting_user(SqlUnitOfWork(engine, read_only=True), username)


def cmd_import_leads(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.lead_import import default_mapping, import_leads, read_import_file
    from db.unit_of_work import SqlUnitOfWork

    engine = _engine(args)
    actor = _acting(engine, args.as_user)
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise LeadOpsError(f"Cannot read {args.file}: {exc.strerror}.") from exc
    file = read_import_file(data)
    result = import_leads(lambda: SqlUnitOfWork(engine), actor, file, default_mapping(file.columns),
                          all_or_nothing=args.all_or_nothing)
    for line, outcome, detail in result.report:
        print(f"line {line}: {outcome}: {detail}")
    refused = sum(1 for _, outcome, _ in result.report if outcome == "refused")
    print(f"{result.imported} imported, {refused} refused"
          + (" (all or nothing: nothing imported)" if args.all_or_nothing and refused else "") + ".")
    return EXIT_REFUSED if refused else 0


def cmd_bulk_assign(args: argparse.Namespace) -> int:
    from core.bulk_assign import AgentScope, BulkPlan, BulkRequest, commit_bulk_assign, plan_bulk_assign
    from core.bulk_strategies import Strategy
    from core.leads import LeadFilters
    from db.unit_of_work import SqlUnitOfWork

    engine = _engine(args)
    actor = _acting(engine, args.as_user)
    request = BulkRequest(
        strategy=Strategy(args.strategy), limit=args.limit, manual_agent_id=args.agent,
        filters=LeadFilters(statuses=tuple(args.status or ["new"]), sources=tuple(args.source or []),
                            categories=tuple(args.category or []), required_skill=args.skill),
        scope=AgentScope(teams=tuple(args.team or []), skill=args.agent_skill),
    )
    plan = plan_bulk_assign(SqlUnitOfWork(engine, read_only=True), actor, request)
    if not args.dry_run:
        outcome = commit_bulk_assign(lambda: SqlUnitOfWork(engine), actor, plan)
        if isinstance(outcome, BulkPlan):
            print(outcome.notice, file=sys.stderr)
            return EXIT_REFUSED
    names = {a: state.name for a, state in plan.agents_before.items()}
    refused = plan.unplaced if args.dry_run else outcome.refused
    not_placed = {lead_id for lead_id, _ in refused}
    verb = "would go" if args.dry_run else "assigned"
    for lead_id, agent_id in plan.placed:
        if lead_id not in not_placed:
            print(f"lead {lead_id}: {verb} to {names[agent_id]} (#{agent_id})")
    for lead_id, why in refused:
        print(f"lead {lead_id}: not placed: {why}")
    placed = len(plan.placed) if args.dry_run else outcome.assigned
    batch = "" if args.dry_run else f" in batch {outcome.batch_id}"
    print(f"{placed} {'planned' if args.dry_run else 'assigned'}{batch}, {len(refused)} not placed.")
    return EXIT_REFUSED if refused else 0


def cmd_undo_batch(args: argparse.Namespace) -> int:
    from core.bulk_assign import undo_batch
    from db.unit_of_work import SqlUnitOfWork

    engine = _engine(args)
    result = undo_batch(lambda: SqlUnitOfWork(engine), _acting(engine, args.as_user), args.batch_id)
    for lead_id, why in result.blocked:
        print(f"lead {lead_id}: blocks the undo: {why}")
    if result.blocked and not result.reverted:
        print("Undo refused: nothing was changed.")
        return EXIT_REFUSED
    print(f"{result.reverted} leads back to new (undo batch {result.undo_batch_id}).")
    return EXIT_REFUSED if result.blocked else 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise LeadOpsError("The two passwords differ. Nothing was created; try again.")
    return first


def cmd_create_user(args: argparse.Namespace) -> int:
    from db.unit_of_work import SqlUnitOfWork

    engine = _engine(args)
    password = _read_password(args)
    user_id = accounts.create_user(
        SqlUnitOfWork(engine), tenant_slug=args.tenant, username=args.username,
        name=args.name or args.username, role=args.role, password=password, email=args.email,
    )
    print(f"Created user {args.username.lower()} (id {user_id}, role {args.role}) in {args.tenant}.")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from db.audit_verify import verify_audit_chains

    checked, breaks = verify_audit_chains(_engine(args))
    for b in breaks:
        where = f"row id {b.audit_id}" if b.audit_id else "a row"
        print(f"BROKEN tenant {b.tenant_slug}: {where} at seq {b.seq}: {b.problem}", file=sys.stderr)
    if breaks:
        return EXIT_REFUSED
    print(f"Audit chains intact: {checked} rows checked.")
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from core.clock import utcnow
    from core.rescoring import rescore_tenant
    from db.unit_of_work import SqlUnitOfWork

    engine = _engine(args)
    with SqlUnitOfWork(engine, read_only=True) as uow:
        slugs = [args.tenant] if args.tenant else uow.tenants.all_slugs()
        tenant_ids = {slug: uow.tenants.id_for_slug(slug) for slug in slugs}
    missing = [slug for slug, tenant_id in tenant_ids.items() if tenant_id is None]
    if missing:
        raise LeadOpsError(f"Tenant {missing[0]!r} does not exist. Check the tenant slug.")
    now = utcnow()
    for slug, tenant_id in tenant_ids.items():
        started = time.perf_counter()
        report = rescore_tenant(lambda: SqlUnitOfWork(engine), tenant_id, now,
                                refresh_components=args.refresh_components)
        print(f"Rescored {report.leads} leads of {slug} in {report.chunks} chunk(s), "
              f"{time.perf_counter() - started:.1f} s.")
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
    from db.bench import BenchOptions, format_table, run_bench

    options = BenchOptions(url=args.url, leads=args.leads, agents=args.agents, bulk=args.bulk,
                           threads=args.threads, per_thread=args.per_thread, floor=args.floor)
    try:
        result = run_bench(options, progress=lambda line: print(f"bench: {line}", file=sys.stderr))
    except DBAPIError as exc:
        raise explain_connection_error(exc, args.url) from exc
    print(json.dumps(result) if args.json else format_table(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__)
    parser.add_argument("--database-url", help="overrides DATABASE_URL and .streamlit/secrets.toml")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init_db = commands.add_parser("init-db", help="create or upgrade the schema (Alembic migrations)")
    init_db.set_defaults(run=cmd_init_db)

    seed = commands.add_parser("seed-demo", help="migrate, then fill an EMPTY database with the demo")
    seed.add_argument("--leads", type=int, default=5000, help="leads in the main tenant (default 5000)")
    seed.add_argument("--agents", type=int, default=40, help="agents in the main tenant (default 40)")
    seed.add_argument("--seed", type=int, default=7, help="random seed; same seed, same demo")
    seed.set_defaults(run=cmd_seed_demo)

    tenant = commands.add_parser("create-tenant", help="add a tenant (a call center of its own)")
    tenant.add_argument("--slug", required=True, help="short id used by other commands, e.g. acme")
    tenant.add_argument("--name", required=True, help="display name, e.g. 'Acme Call Center'")
    tenant.set_defaults(run=cmd_create_tenant)

    user = commands.add_parser("create-user", help="add a user; the password is read from a prompt or stdin")
    user.add_argument("--tenant", required=True, help="tenant slug, e.g. acme")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--name", help="display name (default: the username)")
    user.add_argument("--email")
    user.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    user.set_defaults(run=cmd_create_user)

    importer = commands.add_parser("import-leads", help="import new leads from a CSV (header row of "
                                   "lead field names: name, email, phone, company, source, "
                                   "required_skill, due_date)")
    importer.add_argument("file")
    importer.add_argument("--all-or-nothing", action="store_true",
                          help="import nothing unless every row is valid")
    importer.add_argument("--as", dest="as_user", required=True, help="act (and be audited) as this user")
    importer.set_defaults(run=cmd_import_leads)

    bulk = commands.add_parser("bulk-assign", help="assign many leads with a strategy; --dry-run previews")
    bulk.add_argument("--strategy", required=True,
                      choices=["round_robin", "least_loaded", "performance", "skills", "manual"])
    bulk.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    bulk.add_argument("--limit", type=int, default=500, help="at most this many leads (default 500)")
    bulk.add_argument("--status", action="append", help="lead status filter (default: new)")
    bulk.add_argument("--source", action="append", help="lead source filter (repeatable)")
    bulk.add_argument("--category", action="append", help="score category filter (repeatable)")
    bulk.add_argument("--skill", help="leads requiring this skill")
    bulk.add_argument("--team", action="append", help="only agents of this team (repeatable)")
    bulk.add_argument("--agent-skill", help="only agents with this skill")
    bulk.add_argument("--agent", type=int, help="the agent id for --strategy manual")
    bulk.add_argument("--as", dest="as_user", required=True, help="act (and be audited) as this user")
    bulk.set_defaults(run=cmd_bulk_assign)

    undo = commands.add_parser("undo-batch", help="undo a bulk assignment while none of its leads changed")
    undo.add_argument("batch_id")
    undo.add_argument("--as", dest="as_user", required=True, help="act (and be audited) as this user")
    undo.set_defaults(run=cmd_undo_batch)

    verify = commands.add_parser("audit-verify", help="check every tenant's audit hash chain")
    verify.set_defaults(run=cmd_audit_verify)

    rescore = commands.add_parser(
        "rescore", help="recompute lead scores (nightly cron); chunked, one short transaction each")
    rescore.add_argument("--tenant", help="tenant slug (default: every tenant)")
    rescore.add_argument("--refresh-components", action="store_true",
                         help="also recompute the time-dependent components: engagement decay, "
                              "urgency and conversion frequencies")
    rescore.set_defaults(run=cmd_rescore)

    check = commands.add_parser(
        "check", help="verify capacity, lead/agent and open-lead counter invariants; exit 1 naming offenders")
    check.set_defaults(run=cmd_check)

    bench = commands.add_parser(
        "bench", help="fill a scratch database and time the project's code paths (docs/benchmarks.md)")
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
    bench.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    bench.set_defaults(run=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except LeadOpsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except DBAPIError as exc:
        url = args.database_url or load_settings().database_url
        print(f"error: {explain_connection_error(exc, url).message}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
