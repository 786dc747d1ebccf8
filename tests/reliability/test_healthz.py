"""``/healthz`` tells the load balancer whether this server reaches its database and its shared cache."""

import socket

import pytest

from tests.reliability.conftest import redis_url


def closed_port():
    """A local port nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy_without_a_shared_cache(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "not configured"}
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies  # no session, no language cookie


def test_answers_anonymous_visitors_over_plain_http_without_a_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/").status_code in (301, 404)  # one address only


def test_post_is_not_allowed(client, db):
    assert client.post("/healthz").status_code == 405


def test_unreachable_redis_cache_gives_503(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unreachable"}


def test_reachable_redis_cache_is_ok(client, db, settings):
    url = redis_url()
    if url is None:
        pytest.skip("no Redis at 127.0.0.1:6379 (CI runs one)")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "hq-rel"}
    }

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


def test_unreachable_database_gives_503(client, transactional_db):
    from django.db import connection

    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()), OPTIONS={"connect_timeout": 2})
    else:
        connection.settings_dict["NAME"] = "/nonexistent-folder/db.sqlite3"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
