import os
import uuid

import pytest
import redis
from django.db import connection


@pytest.fixture
def postgresql_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and concurrent sessions); run with DATABASE_URL=postgres://…")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def redis_url():
    """The Redis the multi-server tests use (``REDIS_TEST_URL``, else a local one), or None if none answers."""
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return None
    return url


def key_prefix():
    """A cache key prefix of this test run and worker, so parallel runs sharing one Redis never collide."""
    return f"hq-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
