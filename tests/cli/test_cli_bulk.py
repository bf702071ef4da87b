"""The bulk commands as an operator or cron runs them, acting as a named user."""

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.demo import seed_demo
from db.models import AuditRow, Lead
from tests.cli.test_cli import run_cli


def test_bulk_assign_dry_run_then_commit_then_undo(engine, database_url):
    seed_demo(engine, leads=120, agents=12, password_rounds=4)
    dry = run_cli("bulk-assign", "--strategy", "least_loaded", "--limit", "10", "--dry-run",
                  "--as", "supervisor", url=database_url)
    planned = int(dry.stdout.strip().splitlines()[-1].split(" planned")[0])
    assert dry.stdout.count("would go to") == planned > 0, dry.stderr
    with Session(engine) as s:
        assigned_before = s.scalar(select(func.count()).select_from(Lead).where(Lead.status == "assigned"))
    done = run_cli("bulk-assign", "--strategy", "least_loaded", "--limit", "10", "--as", "supervisor",
                   url=database_url)
    assert done.stdout.count(": assigned to") == planned, done.stderr
    batch_id = done.stdout.strip().splitlines()[-1].split("in batch ")[1].split(",")[0]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead).where(Lead.status == "assigned")) == \
            assigned_before + planned
        assert s.scalar(select(AuditRow.actor_name).where(AuditRow.batch_id == batch_id).limit(1)) == \
            "supervisor"
    undo = run_cli("undo-batch", batch_id, "--as", "supervisor", url=database_url)
    assert undo.returncode == 0 and f"{planned} leads back to new" in undo.stdout


def test_bulk_commands_refuse_a_manager_and_unplaced_leads_exit_non_zero(engine, database_url):
    seed_demo(engine, leads=60, agents=3, password_rounds=4)
    manager = run_cli("bulk-assign", "--strategy", "round_robin", "--as", "manager", url=database_url)
    assert manager.returncode == 1 and "may not run bulk operations" in manager.stderr
    too_many = run_cli("bulk-assign", "--strategy", "least_loaded", "--limit", "500", "--dry-run",
                       "--as", "supervisor", url=database_url)
    assert too_many.returncode == 1 and "not placed:" in too_many.stdout


def test_import_leads_prints_a_report_and_exits_non_zero_on_refusals(engine, database_url, tmp_path):
    seed_demo(engine, leads=10, agents=2, password_rounds=4)
    good = tmp_path / "good.csv"
    good.write_text("name,email,source\nAna New,ana.new@example.com,referral\n")
    result = run_cli("import-leads", str(good), "--as", "admin", url=database_url)
    assert result.returncode == 0 and "line 2: imported: lead #" in result.stdout
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("name,email,source\nBo New,bo.new@example.com,event\nNo Contact,,event\n")
    refused = run_cli("import-leads", str(mixed), "--all-or-nothing", "--as", "admin", url=database_url)
    assert refused.returncode == 1
    assert "line 3: refused: needs an email or a phone" in refused.stdout
    assert "(all or nothing: nothing imported)" in refused.stdout
    missing = run_cli("import-leads", str(tmp_path / "nope.csv"), "--as", "admin", url=database_url)
    assert missing.returncode == 1 and "Cannot read" in missing.stderr


def test_import_leads_refuses_an_unreadable_file_in_one_line_and_a_control_character_per_row(
        engine, database_url, tmp_path):
    seed_demo(engine, leads=10, agents=2, password_rounds=4)
    with Session(engine) as s:
        leads_before = s.scalar(select(func.count()).select_from(Lead))
    huge = tmp_path / "huge.csv"
    huge.write_text("name,email,source\nAna,ana@example.com,event\n"
                    + "x" * 200_000 + ",b@example.com,event\n")
    unreadable = run_cli("import-leads", str(huge), "--as", "admin", url=database_url)
    assert unreadable.returncode == 1 and "Traceback" not in unreadable.stderr
    assert unreadable.stderr.startswith("error: Line 3 holds a cell longer than 131,072 characters")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"name,email,source\nAna,ana@example.com,event\nB\x00b,bob@example.com,event\n")
    refused = run_cli("import-leads", str(nul), "--all-or-nothing", "--as", "admin", url=database_url)
    assert refused.returncode == 1, refused.stderr
    assert "line 3: refused: name contains a control character (U+0000)" in refused.stdout
    assert "(all or nothing: nothing imported)" in refused.stdout
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead)) == leads_before


def test_bulk_assign_that_places_nothing_prints_each_leads_reason(engine, database_url):
    from db.models import Agent

    seed_demo(engine, leads=60, agents=3, password_rounds=4)
    with engine.begin() as c:
        c.execute(update(Agent).values(availability="offline"))
    result = run_cli("bulk-assign", "--strategy", "least_loaded", "--limit", "4", "--as", "supervisor",
                     url=database_url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    reasons = [line for line in result.stdout.splitlines() if ": not placed: " in line]
    assert len(reasons) == 4 and all(line.startswith("lead ") for line in reasons), result.stdout
    assert result.stdout.splitlines()[-1] == "0 planned, 4 not placed: nothing was assigned."
