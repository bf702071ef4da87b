"""The re-login cookie: a signed token naming the user and their session generation.

A reload or a new tab logs in from it while the user's generation in the database is the
one it names; a logout or a deactivation anywhere bumps the generation, so the cookie stops
working everywhere even though the browser keeps it for a day.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import extra_streamlit_components as stx
import jwt
import streamlit as st

# The cookie manager's component key. Its report of the browser's cookies reruns the app once
# a login has set the cookie (the browser tests wait for that report: tests/e2e/conftest.py).
COMPONENT_KEY = "init"


@dataclass(frozen=True)
class CookieClaims:
    username: str
    generation: int


def encode(claims: CookieClaims, *, key: str, days: float) -> str:
    expires = datetime.now().astimezone() + timedelta(days=days)
    return jwt.encode({"sub": claims.username, "gen": claims.generation, "exp": expires},
                      key, algorithm="HS256")


def decode(token: str | None, *, key: str) -> CookieClaims | None:
    """The claims of a token we signed and that has not expired; otherwise None."""
    if not token:
        return None
    try:
        payload = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp"]})
        return CookieClaims(str(payload["sub"]), int(payload["gen"]))
    except (jwt.InvalidTokenError, KeyError, TypeError, ValueError):
        return None  # forged, expired, or written by an earlier version of LeadOps


def browser_token(name: str) -> str | None:
    """The cookie as the browser sent it when this session began."""
    return st.context.cookies.get(name)


class CookieJar:
    """Sets and deletes the cookie in the browser, through a component rendered once per run."""

    def __init__(self) -> None:
        self._manager = stx.CookieManager(key=COMPONENT_KEY)

    def set(self, name: str, token: str, *, days: float) -> None:
        self._manager.set(name, token, expires_at=datetime.now() + timedelta(days=days))

    def delete(self, name: str) -> None:
        try:
            self._manager.delete(name)
        except KeyError:  # the browser had not reported it: nothing to delete
            pass
