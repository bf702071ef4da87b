"""Settings from the environment, else `.streamlit/secrets.toml`, else demo defaults."""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.domain.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "leadops.db"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
# Only ever used with the embedded SQLite demo; any other database must set its own key.
DEMO_COOKIE_KEY = "leadops-demo-cookie-key-not-for-production"
MIN_COOKIE_KEY_LENGTH = 32  # it signs the login cookie (HS256)


@dataclass(frozen=True)
class Settings:
    database_url: str
    configured_cookie_key: str | None = None
    cookie_name: str = "leadops_auth"
    cookie_expiry_days: float = 1.0

    @property
    def is_default_demo(self) -> bool:
        return self.database_url == default_database_url()

    @property
    def cookie_key(self) -> str:
        """The login cookie's signing key; only an embedded SQLite database may go without."""
        key = self.configured_cookie_key
        if key is None:
            if not self.database_url.startswith("sqlite"):
                raise ConfigurationError(
                    "LEADOPS_COOKIE_KEY is not set. Set it in the environment or in "
                    ".streamlit/secrets.toml to a long random string (the built-in demo key is "
                    "only allowed with an embedded SQLite database)."
                )
            key = DEMO_COOKIE_KEY
        if len(key) < MIN_COOKIE_KEY_LENGTH:
            raise ConfigurationError(
                f"LEADOPS_COOKIE_KEY is too short: use at least {MIN_COOKIE_KEY_LENGTH} random "
                "characters (for example the output of `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`)."
            )
        return key


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _read_secrets(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigurationError(f"{path} cannot be read ({exc}). Fix or remove the file.") from exc


def load_settings(env: dict[str, str] | None = None, secrets_path: Path = SECRETS_PATH) -> Settings:
    env = dict(os.environ) if env is None else env
    secrets = _read_secrets(secrets_path)

    def pick(name: str) -> str | None:
        return env.get(name) or (str(secrets[name]) if secrets.get(name) else None)

    database_url = pick("DATABASE_URL") or default_database_url()
    return Settings(database_url=database_url, configured_cookie_key=pick("LEADOPS_COOKIE_KEY"))
