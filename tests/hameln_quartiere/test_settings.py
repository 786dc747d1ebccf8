"""Settings come from the environment, and a malformed value stops start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hameln_quartiere.env import env_bool, env_database, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def start_django(*command, **env):
    """Run ``command`` (default: `manage.py check`) in a fresh process with exactly these settings variables."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        list(command) or [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "true", "DATABASE_URL": "mysql://root@localhost/db"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DEBUG": "vielleicht"}, "DEBUG"),
        ({"DEBUG": "true", "EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
    ],
)
def test_malformed_setting_stops_start_up_naming_the_variable(env, variable):
    result = start_django(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_the_web_server_refuses_to_start_without_secret_key_when_debug_is_off():
    result = start_django(sys.executable, "-c", "import hameln_quartiere.wsgi", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr.splitlines()[-1]


def test_the_deploy_check_fails_without_secret_key():
    result = start_django(
        sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", DEBUG="false", ALLOWED_HOSTS="x"
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_commands_that_need_no_key_run_without_production_secrets():
    result = start_django(sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_without_database_url_the_app_runs_on_the_sqlite_file():
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.db import connection; print(connection.vendor)"],
        cwd=ROOT,
        env={**clean, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "sqlite"


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("On", True), ("no", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_bool("SOME_FLAG", True) is True


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "zehn")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def test_database_url_unset_means_sqlite_file(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env_database("DATABASE_URL", tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")


def test_database_url_postgres(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://quartiere:geheim@db.intern:5433/quartiere")
    config = env_database("DATABASE_URL", tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.intern",
        5433,
        "quartiere",
        "quartiere",
    )


def test_database_url_without_name_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://localhost")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", tmp_path / "db.sqlite3")


def test_german_is_the_default_language(settings):
    assert settings.LANGUAGE_CODE == "de"
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ is True
