"""The settings that keep app servers stateless: read in a fresh process, as a server starts with its environment."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
print(json.dumps({
    "session_engine": settings.SESSION_ENGINE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "prefix": settings.CACHES["default"].get("KEY_PREFIX", ""),
    "storage": type(default_storage).__module__ + "." + type(default_storage).__name__,
    "bucket": getattr(default_storage, "bucket_name", None),
    "endpoint": getattr(default_storage, "endpoint_url", None),
    "overwrite": getattr(default_storage, "file_overwrite", None),
}))
"""


def settings_with(**variables):
    drop = {"REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "CACHE_KEY_PREFIX"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(variables)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout)


def test_one_machine_keeps_sessions_in_the_database_and_uploads_on_disk():
    probe = settings_with()

    assert probe["session_engine"] == "django.contrib.sessions.backends.db"
    assert probe["cache"].endswith("LocMemCache")
    assert probe["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_with_redis_the_cache_and_the_sessions_are_shared():
    probe = settings_with(REDIS_URL="redis://127.0.0.1:6379/3", CACHE_KEY_PREFIX="hameln")

    assert probe["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert probe["prefix"] == "hameln"
    assert probe["session_engine"] == "django.contrib.sessions.backends.cached_db"


def test_with_a_bucket_uploads_go_to_s3_compatible_storage():
    probe = settings_with(AWS_STORAGE_BUCKET_NAME="quartiere-uploads", AWS_S3_ENDPOINT_URL="https://s3.intern:9000")

    assert probe["storage"] == "storages.backends.s3.S3Storage"
    assert (probe["bucket"], probe["endpoint"], probe["overwrite"]) == (
        "quartiere-uploads",
        "https://s3.intern:9000",
        False,
    )
