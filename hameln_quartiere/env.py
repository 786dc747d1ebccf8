"""Typed readers for environment variables.

A malformed value stops start-up with an ``ImproperlyConfigured`` that names the variable, so a typo in a
deployment shows up at once instead of as a silently wrong setting (healthchecks' ``envbool``).
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0, yes/no, on/off), not {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name, default_sqlite_path, *, conn_max_age=60):
    """The database named by the URL in ``name``; unset means the embedded SQLite file.

    Connections are kept for ``conn_max_age`` seconds (with a health check), so a busy server does not connect
    anew for every request.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite_path)}
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name} must be a postgres://user:password@host:port/name or sqlite:///path URL, not {raw!r}."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=conn_max_age, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database: {raw!r}.")
    return config
