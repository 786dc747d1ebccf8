import os

import pytest
from django.core.cache import cache
from django.utils import translation

from hameln_quartiere.models import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _german_by_default():
    """Each test starts in the default language: a request with another Accept-Language leaves that
    language active in the thread, which would leak into the next test on the same worker."""
    translation.activate("de")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Public pages and the portal's answers are cached (hameln_quartiere/cache.py), as in production with a
    shared cache; no test sees what another one cached."""
    settings.PORTAL_CACHE = True
    cache.clear()


@pytest.fixture
def computed_not_remembered(settings):
    """For tests that pin what computing a portal page costs: remembered, it costs less (see
    tests/portal/test_remembered.py), and a second request would measure the cache."""
    settings.PORTAL_CACHE = False


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings, tmp_path):
    # With DEBUG off the settings pick WhiteNoise's manifest storage, which needs collectstatic first, and
    # WhiteNoise warns (an error under filterwarnings) when STATIC_ROOT does not exist yet.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def superuser(db):
    return UserFactory(username="stadtadmin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file rather than in memory.

    The browser tests' live server answers in threads of its own; an in-memory database would have to be
    shared with them through one connection, which breaks when other tests on the same worker reopen it.
    Other databases keep pytest-django's own per-worker names (the fixture this one depends on).
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.getbasetemp() / f"test-{worker}.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end every session still connected to it.

    Playwright's sync API keeps an event loop in the test thread, so Django keeps the connections of code run
    under it apart and does not close them; PostgreSQL refuses to drop a database with open sessions.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()
