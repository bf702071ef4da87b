import pytest

from core.domain.errors import ConfigurationError
from settings import DEMO_COOKIE_KEY, default_database_url, load_settings

MYSQL = "mysql+pymysql://leadops:pw@db:3306/leadops"


def test_defaults_to_the_embedded_demo_with_the_demo_key(tmp_path):
    settings = load_settings(env={}, secrets_path=tmp_path / "missing.toml")
    assert settings.database_url == default_database_url()
    assert settings.is_default_demo and settings.cookie_key == DEMO_COOKIE_KEY


def test_environment_wins_over_secrets_file(tmp_path):
    secrets = tmp_path / "secrets.toml"
    file_key = "from-file-0123456789-0123456789-0123"
    secrets.write_text(f'DATABASE_URL = "{MYSQL}"\nLEADOPS_COOKIE_KEY = "{file_key}"\n')
    from_file = load_settings(env={}, secrets_path=secrets)
    assert (from_file.database_url, from_file.cookie_key) == (MYSQL, file_key)
    env_key = "from-env-0123456789-0123456789-0123"
    from_env = load_settings(env={"LEADOPS_COOKIE_KEY": env_key}, secrets_path=secrets)
    assert from_env.cookie_key == env_key


def test_mysql_without_a_cookie_key_is_refused(tmp_path):
    settings = load_settings(env={"DATABASE_URL": MYSQL}, secrets_path=tmp_path / "none.toml")
    assert settings.database_url == MYSQL  # the CLI needs no cookie key
    with pytest.raises(ConfigurationError, match="LEADOPS_COOKIE_KEY is not set"):
        _ = settings.cookie_key


def test_malformed_secrets_file_is_named(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("DATABASE_URL = \n")
    with pytest.raises(ConfigurationError, match="secrets.toml cannot be read"):
        load_settings(env={}, secrets_path=secrets)


def test_short_cookie_key_is_refused(tmp_path):
    settings = load_settings(env={"DATABASE_URL": MYSQL, "LEADOPS_COOKIE_KEY": "short"},
                             secrets_path=tmp_path / "none.toml")
    with pytest.raises(ConfigurationError, match="at least 32"):
        _ = settings.cookie_key


def test_the_export_limit_is_a_setting_with_a_default(tmp_path):
    missing = tmp_path / "none.toml"
    assert load_settings(env={}, secrets_path=missing).export_max_rows == 100_000
    chosen = load_settings(env={"LEADOPS_EXPORT_MAX_ROWS": "25_000"}, secrets_path=missing)
    assert chosen.export_max_rows == 25_000
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("LEADOPS_EXPORT_MAX_ROWS = 500\n")
    assert load_settings(env={}, secrets_path=secrets).export_max_rows == 500
    for bad in ("0", "lots"):
        with pytest.raises(ConfigurationError, match="LEADOPS_EXPORT_MAX_ROWS must be a whole number"):
            load_settings(env={"LEADOPS_EXPORT_MAX_ROWS": bad}, secrets_path=missing)
