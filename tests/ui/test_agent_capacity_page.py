"""The capacity page renders the tenant's agents and the team figures."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Agent, Tenant
from tests.ui.conftest import logged_in_app


def test_capacity_page_shows_every_demo_agent_of_the_tenant(demo_url, engine):
    at = logged_in_app("manager", "manager")
    assert not at.exception
    assert [t.value for t in at.title] == ["Agent capacity"]
    with Session(engine) as s:
        acme_agents = set(s.scalars(select(Agent.name).join(Tenant).where(Tenant.slug == "acme")))
        globex_agents = set(s.scalars(select(Agent.name).join(Tenant).where(Tenant.slug == "globex")))
    table = at.dataframe[0].value
    assert len(table) == 12 and set(table["Agent"]) == acme_agents
    assert not (set(table["Agent"]) & (globex_agents - acme_agents))
    labels = {m.label for m in at.metric}
    assert {"Agents available", "Free slots (available agents)", "Team utilization",
            "Fairness (Gini)"} <= labels
    assert any("0 means every available agent is equally loaded" in c.value for c in at.caption)


def test_other_tenant_sees_only_its_own_agents(demo_url):
    at = logged_in_app("globex.admin", "admin")
    assert not at.exception
    assert len(at.dataframe[0].value) == 6


def test_no_page_shows_the_cookie_signing_key(demo_url):
    key = "test-cookie-key-of-at-least-32-characters"  # set by the demo_url fixture
    at = logged_in_app("manager", "manager")
    assert at.markdown and not any(key in m.value for m in at.markdown)
