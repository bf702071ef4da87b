"""Database access for pages: the engine is shared, sessions are per use case."""

from datetime import datetime

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.pages_manager import PagesManager

from core.accounts import login
from core.domain.clock import utcnow
from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.performance import Performance
from core.domain.permissions import Permission, allows
from core.gamification import standings
from core.scoring import leaderboard, weights
from db.bootstrap import open_database
from db.unit_of_work import SqlUnitOfWork
from pages._shared import state
from pages._shared.literal import literal
from settings import Settings, load_settings


@st.cache_resource(show_spinner="Opening the database… (the very first start also creates the demo "
                                "database and fills and scores it: a few seconds)")
def _engine_for(database_url: str, _settings: Settings) -> Engine:
    return open_database(_settings.database_url, audit_key=_settings.audit_key,
                         demo_if_empty=_settings.is_default_demo)


def settings() -> Settings:
    return load_settings()


def require_keys() -> None:
    """Refuse to serve without the login cookie's and the audit trail's keys."""
    settings().require_keys()


def engine() -> Engine:
    current = settings()
    return _engine_for(current.database_url, current)


def reader() -> SqlUnitOfWork:
    return SqlUnitOfWork(engine(), read_only=True)


def writer() -> SqlUnitOfWork:
    return SqlUnitOfWork(engine())


def actor_allowed_to(permission: Permission, refusal: str) -> Actor:
    """The logged-in user, if their role may use this page; otherwise the page stops here.
    (Core refuses the use cases too: this only spares the person a page of errors.)"""
    actor = current_actor()
    if not allows(actor.role, permission):
        st.error(refusal, icon=":material/block:")
        st.stop()
    return actor


def _run_through_the_frame() -> None:
    """Until app.py has called st.navigation once in a server process, Streamlit takes the
    folder `pages/` for a folder of pages and runs the file a link names by itself, without
    the login. app.py's navigation leaves that mode for good; a link that is a fresh server's
    first request does it here and runs again, through app.py and its login, at the same URL."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def current_actor() -> Actor:
    """The logged-in user, re-read every run so role changes apply at once.

    Pages call this first. Streamlit can run a file in `pages/` without app.py (see
    `_run_through_the_frame`), so a page must not trust that the login ran: without a
    logged-in user, or when the session has ended, it stops here.
    """
    username = st.session_state.get(state.USERNAME)
    if not st.session_state.get(state.AUTH_STATUS) or not username:
        _run_through_the_frame()
        st.warning("You are not logged in. Open the LeadOps start page to log in.", icon=":material/lock:")
        st.stop()
    try:
        return session_actor()
    except LeadOpsError as exc:  # the session ended, or the database is gone
        st.error(literal(exc.message), icon=":material/lock:")
        st.stop()


def session_actor() -> Actor:
    """The user of this session while its generation holds; SessionEnded once a logout on any
    device, a deactivation or a new password has ended it."""
    generation = st.session_state.get(state.SESSION_GENERATION)
    return login.session_user(reader(), st.session_state.get(state.USERNAME) or "",
                              -1 if generation is None else generation)


# Cached reads are keyed by tenant *and role*: core checks the role's permission on the first
# read, and a later hit only serves a role that passed that check for that tenant.
@st.cache_data(ttl=600, max_entries=8, show_spinner="Loading scored leads…")
def _scored_leads(tenant_id: int, role: str, weights_version: int, database_url: str,
                  _actor: Actor) -> pd.DataFrame:
    return weights.scored_leads(reader(), _actor)


def cached_scored_leads(actor: Actor, weights_version: int) -> pd.DataFrame:
    """Every lead's components for the what-if preview. Cached per tenant and weights version
    (a save makes a new version, so the cache never serves scores from before it)."""
    return _scored_leads(actor.tenant_id, actor.role, weights_version, settings().database_url, actor)


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _performance(tenant_id: int, role: str, database_url: str, _actor: Actor) -> dict[int, Performance]:
    return standings.agent_performance(reader(), _actor)


def cached_performance(actor: Actor) -> dict[int, Performance]:
    """Each agent's performance score, per tenant, at most a minute old (every role sees it;
    it sums a month of every agent's daily points, too slow for every click)."""
    return _performance(actor.tenant_id, actor.role, settings().database_url, actor)


@st.cache_data(ttl=60, max_entries=32, show_spinner=False)
def _leaderboard(tenant_id: int, role: str, filters: LeadFilters, weights_version: int,
                 database_url: str, _actor: Actor) -> tuple[leaderboard.Leaderboard, datetime]:
    return leaderboard.leaderboard_at_once(reader, _actor, filters), utcnow()


def cached_leaderboard(actor: Actor, filters: LeadFilters,
                       weights_version: int) -> tuple[leaderboard.Leaderboard, datetime]:
    """The leaderboard's whole-tenant figures (category counts, histogram, movers) and when
    they were read, per tenant, filters and weights version, for at most a minute: at a
    million leads they read a million index entries, and every click reruns the page."""
    return _leaderboard(actor.tenant_id, actor.role, filters, weights_version,
                        settings().database_url, actor)


def forget_leaderboards() -> None:
    _leaderboard.clear()
