"""The demo is realistic, obeys the domain's invariants, and is the same for the same seed."""

from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.domain.errors import InvalidInput
from core.domain.vocabulary import SOURCES, LeadStatus, parse_skills
from db.demo import seed_demo
from db.models import Agent, Base, Lead, LeadActivity, ScoreHistory, User

NOW = datetime(2026, 11, 22, 9, 0)


@pytest.fixture
def seeded(engine):
    seed_demo(engine, leads=5000, agents=40, now=NOW, password_rounds=4)
    return engine


def test_demo_has_every_source_status_and_availability(seeded):
    with Session(seeded) as s:
        assert set(s.scalars(select(Lead.source).distinct())) == set(SOURCES)
        assert set(s.scalars(select(Lead.status).distinct())) == {x.value for x in LeadStatus}
        assert len(set(s.scalars(select(Agent.availability).distinct()))) == 4
        assert s.scalar(select(func.count()).select_from(Lead)) == 5000 + 120
        assert s.scalar(select(func.count()).select_from(LeadActivity)) > 3000
        roles = set(s.execute(select(User.username, User.role)).all())
        assert {("supervisor", "supervisor"), ("manager", "manager"), ("admin", "admin")} <= roles


def test_demo_obeys_the_lead_and_capacity_invariants(seeded):
    with Session(seeded) as s:
        open_statuses = ("assigned", "contacted", "qualified")
        assert not s.scalar(select(func.count()).where(
            Lead.status.in_(open_statuses), Lead.agent_id.is_(None)))
        assert not s.scalar(select(func.count()).where(
            Lead.status == "new", Lead.agent_id.is_not(None)))
        recount = dict(s.execute(
            select(Lead.agent_id, func.count()).where(Lead.status.in_(open_statuses))
            .group_by(Lead.agent_id)).all())
        for agent in s.scalars(select(Agent)):
            assert agent.open_leads == recount.get(agent.id, 0)
            assert agent.open_leads <= agent.max_capacity
        mismatched = [
            (skill, agent_skills)
            for skill, agent_skills in s.execute(
                select(Lead.required_skill, Agent.skills).join(Agent, Lead.agent_id == Agent.id)
                .where(Lead.required_skill.is_not(None)))
            if skill not in parse_skills(agent_skills)
        ]
        assert mismatched == []


def test_activities_fall_within_the_past_sixty_days(seeded):
    with Session(seeded) as s:
        oldest, newest = s.execute(
            select(func.min(LeadActivity.occurred_at), func.max(LeadActivity.occurred_at))).one()
    assert (NOW - oldest).days <= 60 and newest <= NOW


def test_due_dates_fall_after_the_lead_was_created_and_some_are_overdue(seeded):
    with Session(seeded) as s:
        leads = s.execute(select(Lead.created_at, Lead.due_date, Lead.status)
                          .where(Lead.due_date.is_not(None))).all()
    assert leads and all(due > created.date() for created, due, _ in leads)
    assert any(due < NOW.date() for _, due, status in leads if status != "converted")


def test_the_first_scoring_of_the_demo_is_no_move(seeded):
    with Session(seeded) as s:
        assert not s.scalar(select(func.count()).select_from(Lead).where(
            Lead.score_change.is_not(None) | Lead.previous_score.is_not(None)))
        assert not s.scalar(select(func.count()).select_from(ScoreHistory))
        assert not s.scalar(select(func.count()).select_from(Lead).where(Lead.last_calculated.is_(None)))


def _fingerprint(engine):
    with engine.connect() as c:
        return c.execute(text(
            "SELECT id, name, source, status, agent_id, required_skill, overall_score "
            "FROM leads ORDER BY id")).all()


def test_same_seed_gives_the_same_demo(engine, tmp_path):
    seed_demo(engine, leads=300, agents=10, now=NOW, password_rounds=4)
    first = _fingerprint(engine)
    with engine.begin() as c:
        for table in reversed(Base.metadata.sorted_tables):
            c.execute(table.delete())
    seed_demo(engine, leads=300, agents=10, now=NOW, password_rounds=4)
    second = _fingerprint(engine)
    strip_ids = lambda rows: [tuple(r)[1:4] + (r[5], r[6]) for r in rows]  # noqa: E731
    assert strip_ids(first) == strip_ids(second)


def test_seeding_a_database_that_has_data_is_refused(seeded):
    with pytest.raises(InvalidInput, match="already has data"):
        seed_demo(seeded, leads=10, agents=2)
