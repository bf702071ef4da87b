"""Settings from the environment, else `.streamlit/secrets.toml`, else demo defaults."""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.domain.audit_chain import AuditKey
from core.domain.errors import ConfigurationError
from core.domain.exports import DEFAULT_MAX_ROWS

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "leadops.db"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
# Only ever used with the embedded SQLite demo; any other database must set its own keys.
DEMO_COOKIE_KEY = "leadops-demo-cookie-key-not-for-production"
DEMO_AUDIT_KEY = "leadops-demo-audit-key-not-for-production"
MIN_KEY_LENGTH = 32  # each signs something: the login cookie (HS256), the audit trail (HMAC)


def _secret(name: str, value: str | None, *, database_url: str, demo_value: str) -> str:
    """A signing key from the settings: only an embedded SQLite database may use the built-in
    demo value, and any key must be long enough to be guessed by no one."""
    if value is None:
        if not database_url.startswith("sqlite"):
            raise ConfigurationError(
                f"{name} is not set. Set it in the environment or in .streamlit/secrets.toml to a "
                "long random string (the built-in demo key is only allowed with an embedded "
                "SQLite database)."
            )
        value = demo_value
    if len(value) < MIN_KEY_LENGTH:
        raise ConfigurationError(
            f"{name} is too short: use at least {MIN_KEY_LENGTH} random characters (for example "
            "the output of `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
        )
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    configured_cookie_key: str | None = None
    configured_audit_key: str | None = None
    cookie_name: str = "leadops_auth"
    cookie_expiry_days: float = 1.0
    export_max_rows: int = DEFAULT_MAX_ROWS  # the most rows one export may hold (docs/exports.md)

    @property
    def is_default_demo(self) -> bool:
        return self.database_url == default_database_url()

    def require_keys(self) -> None:
        """Raises ConfigurationError naming the first key that is missing or too short."""
        _ = (self.cookie_key, self.audit_key)

    @property
    def cookie_key(self) -> str:
        """The login cookie's signing key."""
        return _secret("LEADOPS_COOKIE_KEY", self.configured_cookie_key,
                       database_url=self.database_url, demo_value=DEMO_COOKIE_KEY)

    @property
    def audit_key(self) -> AuditKey:
        """The key of the audit trail's MACs (docs/architecture.md, "Audit chains"). Keep it
        as long as the database: rows written with one key verify only with that key."""
        secret = _secret("LEADOPS_AUDIT_KEY", self.configured_audit_key,
                         database_url=self.database_url, demo_value=DEMO_AUDIT_KEY)
        return AuditKey(secret.encode("utf-8"))


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _read_secrets(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigurationError(f"{path} cannot be read ({exc}). Fix or remove the file.") from exc


def _positive_int(name: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigurationError(f"{name} must be a whole number of rows, at least 1 (it is {value!r}).")
    return number


def load_settings(env: dict[str, str] | None = None, secrets_path: Path = SECRETS_PATH) -> Settings:
    env = dict(os.environ) if env is None else env
    secrets = _read_secrets(secrets_path)

    def pick(name: str) -> str | None:
        return env.get(name) or (str(secrets[name]) if secrets.get(name) else None)

    database_url = pick("DATABASE_URL") or default_database_url()
    return Settings(database_url=database_url, configured_cookie_key=pick("LEADOPS_COOKIE_KEY"),
                    configured_audit_key=pick("LEADOPS_AUDIT_KEY"),
                    export_max_rows=_positive_int("LEADOPS_EXPORT_MAX_ROWS", pick("LEADOPS_EXPORT_MAX_ROWS"),
                                                  DEFAULT_MAX_ROWS))
