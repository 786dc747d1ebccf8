"""The public pages in a real browser: axe-core finds no WCAG 2.1 A/AA violation on any page type, in German
and in Arabic (right to left); the search works without JavaScript; nothing is loaded from another host."""

import datetime
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories as f

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the pages' Content Security Policy refuses; the policy
    # itself is checked in test_content_security_policy.py.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def public_content(kuckuck):
    nest = f.TreffpunktFactory(
        quartier=kuckuck,
        name="Stadtteiltreff Kuckucksnest",
        slug="kuckucksnest",
        street="Am Musteranger 7",
        postal_code="31789",
        latitude="52.0981",
        longitude="9.3847",
        description="Offener Treff mit Café und Hausaufgabenraum.",
        description_ar="مكان لقاء مفتوح مع مقهى.",
        approved=True,
    )
    f.KontaktpersonFactory(traeger=nest.traeger, name="Petra Muster", function="Leitung", is_public=True)
    angebot = f.AngebotFactory(treffpunkt=nest, title="Sprachcafé", description="Deutsch sprechen.", approved=True)
    angebot.sprachen.add(f.SpracheFactory(code="ar", name="Arabisch"))
    for weekday in range(7):
        f.ScheduleFactory(angebot=angebot, weekday=weekday, start_time=datetime.time(16), end_time=datetime.time(18))
    return {"treffpunkt": nest, "angebot": angebot}


def public_paths(content, language):
    angebot = content["angebot"]
    return [
        f"/{language}/",
        f"/{language}/quartiere/kuckuck/",
        f"/{language}/treffpunkte/kuckucksnest/",
        f"/{language}/angebote/{angebot.pk}/",
        f"/{language}/angebote/?quartier=kuckuck&sprache=ar",
        f"/{language}/treffpunkte/kuckucksnest/wochenprogramm/",
        f"/{language}/quartiere/kuckuck/wochenprogramm/",
    ]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_public_pages_have_no_wcag_violations(page, live_server, e2e_settings, public_content, language):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in public_paths(public_content, language):
        page.goto(f"{live_server.url}{path}")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", language)
        expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
        assert result["passes"], f"{path}: axe checked nothing"
        violations = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        assert not violations, f"{path}: {json.dumps(violations, ensure_ascii=False, indent=1)}"
    assert all(url.startswith(live_server.url) for url in requested), [
        url for url in requested if not url.startswith(live_server.url)
    ]


def test_the_search_works_without_javascript_and_the_language_is_remembered(
    browser, live_server, e2e_settings, public_content
):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/de/")

    page.get_by_role("link", name="Angebote finden").first.click()
    page.get_by_label("Quartier").select_option("kuckuck")
    page.get_by_label("Gesprochene Sprache").select_option("ar")
    page.get_by_role("button", name="Angebote zeigen").click()
    assert "/de/angebote/?" in page.url and "quartier=kuckuck" in page.url and "sprache=ar" in page.url
    expect(page.get_by_role("link", name="Sprachcafé")).to_be_visible()

    page.get_by_role("link", name="العربيّة").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert "/ar/angebote/" in page.url and "sprache=ar" in page.url
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/ar/")
    context.close()
