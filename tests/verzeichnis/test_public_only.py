"""Nothing unapproved, no pending change and nothing else non-public reaches residents: checked on every public
URL there is (every page, programme, PDF, calendar feed and open-data response, in every language)."""

import io

import pytest
from django.conf import settings
from django.urls import get_resolver, reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from tests import factories as f
from tests.urlwalk import named_patterns
from treffpunkte.models import Treffpunkt

SECRETS = [
    "Geheimer Treff",  # a draft meeting point, named by a time of a public offer and by a mobile offer
    "Geschlossener Treff",
    "Angebot im geschlossenen Treff",
    "Entwurfsangebot",
    "Vorgeschlagener Titel",  # a pending change of an approved offer
    "Vorgeschlagene Beschreibung",
    "Vorgeschlagener Treffname",  # a pending change of an approved meeting point
    "Heimliche Person",  # a contact person without consent
]


@pytest.fixture
def scene(kuckuck, nest):
    today = timezone.localdate()
    secret = f.TreffpunktFactory(quartier=kuckuck, name="Geheimer Treff", slug="geheim")
    closed = f.TreffpunktFactory(
        quartier=kuckuck, name="Geschlossener Treff", slug="zu", status=Treffpunkt.Status.CLOSED, approved=True
    )
    visible = f.AngebotFactory(treffpunkt=nest, title="Sichtbares Angebot", approved=True)
    f.ScheduleFactory(angebot=visible, weekday=today.weekday())
    f.ScheduleFactory(angebot=visible, weekday=(today.weekday() + 1) % 7, treffpunkt=secret)
    visible.pending = {"title": "Vorgeschlagener Titel", "description": "Vorgeschlagene Beschreibung"}
    visible.review_state = "submitted"
    visible.save()
    nest.pending = {"name": "Vorgeschlagener Treffname"}
    nest.save()
    mobile = f.AngebotFactory(
        quartier=kuckuck, treffpunkt=secret, is_mobile=True, title="Wandernder Treff", approved=True
    )
    f.ScheduleFactory(angebot=mobile, kind="single", weekday=None, date=today, place="Spielplatz")
    hidden_offer = f.AngebotFactory(treffpunkt=closed, title="Angebot im geschlossenen Treff", approved=True)
    f.ScheduleFactory(angebot=hidden_offer, weekday=today.weekday())
    draft = f.AngebotFactory(treffpunkt=nest, title="Entwurfsangebot")
    f.ScheduleFactory(angebot=draft, weekday=today.weekday())
    f.KontaktpersonFactory(traeger=nest.traeger, name="Heimliche Person", is_public=False)
    return {"public": [visible, mobile], "hidden": [hidden_offer, draft], "secret": secret, "closed": closed}


PUBLIC_NAMESPACES = ("verzeichnis:", "hsds:")


def public_urls(scene, kuckuck, nest, language):
    """Every public URL with the arguments of the public entries of the scene."""
    urls = []
    for name, pattern in named_patterns(get_resolver().url_patterns):
        if not name.startswith(PUBLIC_NAMESPACES):
            continue
        converters = set(pattern.pattern.converters)
        with translation.override(language):
            if not converters:
                urls.append(reverse(name))
            elif converters == {"slug"}:
                slug = kuckuck.slug if "quartier" in name else nest.slug
                urls.append(reverse(name, kwargs={"slug": slug}))
            elif converters == {"pk"}:
                urls.extend(reverse(name, kwargs={"pk": angebot.pk}) for angebot in scene["public"])
            elif converters == {"entry_id"}:
                continue  # the open data's single objects: reached through the ids their lists give
            else:
                raise AssertionError(f"{name}: which public entry fills {converters}?")
    return urls


def text_of(response):
    content_type = response.headers["Content-Type"]
    if content_type == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return response.content.decode()


def assert_public(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    text = text_of(response)
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"{url} shows {leaked}"
    return response


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_no_public_url_shows_anything_not_public(client, scene, kuckuck, nest, language):
    urls = public_urls(scene, kuckuck, nest, language)
    assert len(urls) >= 17
    for url in urls:
        response = assert_public(client, url)
        if url.startswith("/api/hsds/") and url.rstrip("/") != "/api/hsds":
            for item in response.json()["contents"]:
                assert_public(client, f"{url}/{item['id']}")
    # What residents do see, to show the check looks at real pages.
    assert "Sichtbares Angebot" in client.get(reverse("verzeichnis:quartier", args=[kuckuck.slug])).text


def test_non_public_entries_are_not_found_at_any_public_address(client, scene, kuckuck):
    for slug in (scene["secret"].slug, scene["closed"].slug):
        for name in ("treffpunkt", "programm-treffpunkt", "programm-treffpunkt-pdf", "kalender-treffpunkt"):
            assert client.get(reverse(f"verzeichnis:{name}", args=[slug])).status_code == 404, (name, slug)
    for angebot in scene["hidden"]:
        for name in ("angebot", "kalender-angebot"):
            assert client.get(reverse(f"verzeichnis:{name}", args=[angebot.pk])).status_code == 404, name


def test_a_time_at_a_public_meeting_point_names_it(client, scene, nest, kuckuck):
    other = f.TreffpunktFactory(quartier=kuckuck, name="Öffentlicher Nachbartreff", approved=True)
    visible = scene["public"][0]
    f.ScheduleFactory(angebot=visible, weekday=timezone.localdate().weekday(), treffpunkt=other)
    assert "Öffentlicher Nachbartreff" in client.get(reverse("verzeichnis:angebot", args=[visible.pk])).text
