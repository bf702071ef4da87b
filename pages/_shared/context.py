"""Database access for pages: the engine is shared, sessions are per use case."""

import streamlit as st

from core import accounts
from core.identity import Actor
from core.settings import Settings, load_settings
from db.bootstrap import open_database
from db.unit_of_work import SqlUnitOfWork
from pages._shared import state


@st.cache_resource(show_spinner="Opening the database…")
def _engine_for(database_url: str, _settings: Settings):
    return open_database(_settings)


def settings() -> Settings:
    return load_settings()


def engine():
    current = settings()
    return _engine_for(current.database_url, current)


def reader() -> SqlUnitOfWork:
    return SqlUnitOfWork(engine(), read_only=True)


def writer() -> SqlUnitOfWork:
    return SqlUnitOfWork(engine())


def current_actor() -> Actor:
    """The logged-in user, re-read every run so role changes apply at once."""
    return accounts.acting_user(reader(), st.session_state[state.USERNAME])
