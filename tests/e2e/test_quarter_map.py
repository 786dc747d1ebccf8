"""A quarter's portal page in a real browser: the map draws the meeting points from the app's own files only, and
the header search finds them."""

import pytest
from playwright.sync_api import expect

from tests import factories as f

pytestmark = pytest.mark.e2e


def test_a_social_worker_opens_their_quarter_sees_the_map_and_searches(page, live_server, log_in, kuckuck, gwa):
    f.TreffpunktFactory(
        quartier=kuckuck, name="Stadtteiltreff Kuckucksnest", latitude="52.1031", longitude="9.3752", approved=True
    )
    f.TreffpunktFactory(quartier=kuckuck, name="Bewohnertreff Kuckuck", latitude="52.1050", longitude="9.3790")
    f.TreffpunktFactory(quartier=kuckuck, name="Treff ohne Ort")
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    log_in(gwa)
    page.get_by_role("link", name="Kuckuck", exact=True).first.click()

    expect(page.get_by_role("heading", name="Kuckuck", level=1)).to_be_visible()
    expect(page.locator("#quartier-map")).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
    page.get_by_role("button", name="Stadtteiltreff Kuckucksnest").click()
    expect(page.locator(".leaflet-popup").get_by_role("link", name="Stadtteiltreff Kuckucksnest")).to_be_visible()
    expect(page.locator("[data-treffpunkte]").get_by_text("Treff ohne Ort")).to_be_visible()
    assert requested
    assert all(url.startswith(live_server.url) for url in requested), [
        url for url in requested if not url.startswith(live_server.url)
    ]

    # Labels are English message ids until the German catalogue catches up; the id is stable either way.
    page.locator("#header-search").fill("Kuckucksnest")
    page.keyboard.press("Enter")
    expect(
        page.locator("[data-result-group='treffpunkt']").get_by_role("link", name="Stadtteiltreff Kuckucksnest")
    ).to_be_visible()
