"""Browser tests: Playwright drives the system Chromium against a live server on the real database.

Without Chromium (a developer machine that has not installed it) these tests are skipped with the reason,
unless ``E2E_REQUIRED`` is set, as CI does: there a missing browser is a failure. A failing test leaves a
screenshot in ``test-results/``.
"""

import os
import shutil
from pathlib import Path

import pytest

from hameln_quartiere.models import Role
from tests import factories as f

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
PASSWORD = "Ein-sicheres-Testpasswort-2019"

# The page and the database share the test's thread; Playwright's sync API runs an event loop in it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.environ.get("E2E_REQUIRED"):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages go to paths (``page.goto("/portal/")``) on the live server."""
    return live_server.url


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-DE", "timezone_id": "Europe/Berlin"}


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{item.name}.png"), full_page=True)


@pytest.fixture
def e2e_settings(settings, live_server):
    # The live server speaks plain HTTP on localhost.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    return settings


@pytest.fixture
def kuckuck(transactional_db):
    return f.QuartierFactory(name="Kuckuck", slug="kuckuck")


@pytest.fixture
def qm(transactional_db):
    return f.UserFactory(
        username="qm", first_name="Jana", last_name="Koordinatorin", role=Role.QM_COORDINATOR, password=PASSWORD
    )


@pytest.fixture
def gwa(kuckuck):
    return f.UserFactory(
        username="gwa", first_name="Aylin", last_name="Demir", role=Role.GWA, quartiere=[kuckuck], password=PASSWORD
    )


@pytest.fixture
def log_in(page, live_server, e2e_settings):
    """Log ``user`` in through the login form; returns the page."""

    def log_in(user):
        page.goto(f"{live_server.url}/anmelden/")
        page.get_by_label("Benutzername").fill(user.username)
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(f"{live_server.url}/portal/")
        return page

    return log_in


@pytest.fixture
def log_out(page, live_server):
    def log_out():
        page.get_by_role("button", name="Abmelden").click()
        page.wait_for_url(f"{live_server.url}/de/")

    return log_out
