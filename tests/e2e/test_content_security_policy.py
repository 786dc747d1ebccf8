"""The Content Security Policy in a real Chromium: the pages that use scripts (the maps, Bootstrap, the forms,
the admin's widgets) work under it, and the browser reports no violation on any of them."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hameln_quartiere.models import Role
from tests import factories as f
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.e2e

# Collects what the browser refused, before any script of the page runs.
REPORT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def violations(page):
    """Every CSP violation of the page: the browser's event and its console messages."""
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(REPORT_VIOLATIONS)

    def found():
        reported = page.evaluate("window.__cspViolations")
        return reported + [text for text in console if "Content Security Policy" in text]

    return found


@pytest.fixture
def nest(kuckuck):
    return f.TreffpunktFactory(
        quartier=kuckuck,
        name="Stadtteiltreff Kuckucksnest",
        slug="kuckucksnest",
        latitude="52.1031",
        longitude="9.3752",
        approved=True,
    )


def test_public_pages_with_their_map_run_under_the_policy(page, live_server, e2e_settings, violations, nest):
    page.goto(f"{live_server.url}/de/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert violations() == []

    page.goto(f"{live_server.url}/de/treffpunkte/kuckucksnest/")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)  # Leaflet and the app's map script ran
    assert violations() == []


def test_portal_pages_and_forms_run_under_the_policy(page, live_server, log_in, violations, nest, qm):
    log_in(qm)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert violations() == []

    page.goto(f"{live_server.url}{reverse('quartiere:quartier-detail', args=['kuckuck'])}")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert violations() == []

    page.goto(f"{live_server.url}{reverse('handlungskonzepte:massnahme-create')}")
    expect(page.locator("form[method=post] button[type=submit]").first).to_be_visible()
    # Bootstrap's script ran: the collapsed navigation opens on a narrow screen.
    page.set_viewport_size({"width": 500, "height": 900})
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav")).to_have_class("navbar-collapse collapse show")
    assert violations() == []


def test_the_admin_runs_under_the_policy(page, live_server, e2e_settings, violations, nest):
    admin = f.UserFactory(username="stadtadmin", role=Role.ADMIN, is_staff=True, is_superuser=True, password=PASSWORD)
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.locator("#id_username").fill(admin.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{reverse('admin:index')}")
    assert violations() == []

    # The user form: the admin's script turns the permission list into its two-box selector.
    page.goto(f"{live_server.url}{reverse('admin:hameln_quartiere_user_change', args=[admin.pk])}")
    expect(page.locator(".selector").first).to_be_visible()
    assert violations() == []

    # A changelist with its actions and a form with inlines, calendars and clocks.
    page.goto(f"{live_server.url}{reverse('admin:treffpunkte_treffpunkt_changelist')}")
    expect(page.locator("#action-toggle")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('admin:treffpunkte_angebot_add')}")
    expect(page.locator("#content-main form")).to_be_visible()
    assert violations() == []
