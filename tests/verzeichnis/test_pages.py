"""The public pages: what they show, in which language, at what cost in queries, and that they stay current."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from hameln_quartiere import services
from hameln_quartiere.models import Role
from tests import factories as f
from treffpunkte.forms import AngebotForm
from treffpunkte.models import Angebot, Treffpunkt


def get(client, name, *args, language="de", status=200, **params):
    with translation.override(language):
        url = reverse(f"verzeichnis:{name}", args=args)
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code)
    return response


def jsonld_of(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_start_page_shows_the_quarters_and_what_is_on_this_week(client, kuckuck, sprachcafe):
    f.QuartierFactory(name="Südstadt", slug="suedstadt")
    text = get(client, "start").text
    assert "Kuckuck" in text and "Südstadt" in text
    assert "Sprachcafé" in text
    assert 'lang="de"' in text and 'dir="ltr"' in text


def test_the_start_page_lists_ten_offers_a_day_and_links_to_the_rest(client, nest, today):
    for hour in range(12):
        angebot = f.AngebotFactory(treffpunkt=nest, title=f"Angebot um {8 + hour} Uhr", approved=True)
        f.ScheduleFactory(
            angebot=angebot,
            weekday=today.weekday(),
            start_time=datetime.time(8 + hour),
            end_time=datetime.time(8 + hour, 30),
        )

    text = get(client, "start").text

    assert "Angebot um 17 Uhr" in text and "Angebot um 18 Uhr" not in text  # the earliest ten
    assert f'?wochentag={today.weekday()}"' in text
    assert re.search(r"2 weitere Angebote: alle Angebote am \w+", text)


def test_quarter_page_lists_public_meeting_points_with_their_offers_and_a_map(client, kuckuck, sprachcafe):
    f.TreffpunktFactory(quartier=kuckuck, name="Treff in Planung", status=Treffpunkt.Status.PLANNED, approved=True)
    f.TreffpunktFactory(quartier=kuckuck, name="Alter Treff", status=Treffpunkt.Status.CLOSED, approved=True)
    f.TreffpunktFactory(quartier=kuckuck, name="Treff im Entwurf")
    f.AngebotFactory(quartier=kuckuck, treffpunkt=None, is_mobile=True, title="Wandernder Bewohnertreff", approved=True)

    response = get(client, "quartier", "kuckuck")

    text = response.text
    assert "Stadtteiltreff Kuckucksnest" in text and "Sprachcafé" in text
    assert "Wandernder Bewohnertreff" in text
    for hidden in ("Treff in Planung", "Alter Treff", "Treff im Entwurf"):
        assert hidden not in text
    points = json.loads(re.search(r'id="map-points"[^>]*>(.*?)</script>', text, re.S).group(1))
    assert [point["url"] for point in points] == ["/de/treffpunkte/kuckucksnest/"]
    assert jsonld_of(response)["containsPlace"][0]["name"] == "Stadtteiltreff Kuckucksnest"


def test_meeting_point_page_has_address_access_operator_public_contacts_and_programme(client, nest, sprachcafe):
    f.KontaktpersonFactory(traeger=nest.traeger, name="Petra Öffentlich", is_public=True)
    f.KontaktpersonFactory(traeger=nest.traeger, name="Paul Privat", is_public=False)

    response = get(client, "treffpunkt", "kuckucksnest")

    text = response.text
    assert "Kuckucksweg 1" in text
    assert "Stufenloser Zugang: ja" in text
    assert nest.traeger.name in text
    assert "Petra Öffentlich" in text and "Paul Privat" not in text
    assert text.count("Sprachcafé") >= 7  # on every day of this week's programme
    data = jsonld_of(response)
    place, organization = data["@graph"]
    assert place["@type"] == "Place" and place["geo"]["latitude"] == pytest.approx(52.1031)
    assert organization["@type"] == "Organization" and organization["name"] == nest.traeger.name


def test_offer_page_shows_schedule_next_dates_and_an_event_description(client, sprachcafe, today):
    sprachcafe.cancellations.create(date=today, reason="Fortbildung")

    response = get(client, "angebot", sprachcafe.pk)

    text = response.text
    assert "Deutsch üben bei Kaffee und Tee." in text
    assert "Wöchentlich am Montag" in text
    assert "fällt aus" in text and "Fortbildung" in text
    event = jsonld_of(response)
    assert event["@type"] == "Event"
    assert len(event["eventSchedule"]) == 7
    assert event["eventSchedule"][0]["repeatFrequency"] == "P1W"
    assert event["location"]["name"] == "Stadtteiltreff Kuckucksnest"


@pytest.mark.parametrize("name", ["treffpunkt", "angebot"])
def test_entries_that_are_not_public_are_not_found(client, kuckuck, name):
    draft = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=kuckuck, slug="entwurf"))
    get(client, name, "entwurf" if name == "treffpunkt" else draft.pk, status=404)


def test_a_pending_change_stays_out_of_public_pages_until_approved(client, kuckuck, sprachcafe):
    gwa = f.UserFactory(role=Role.GWA, quartiere=[kuckuck])
    qm = f.UserFactory(role=Role.QM_COORDINATOR)
    data = {
        "title": "Sprachcafé NEU",
        "quartier": kuckuck.pk,
        "treffpunkt": sprachcafe.treffpunkt_id,
        "kategorie": sprachcafe.kategorie_id,
        "free_of_charge": "on",
        "loaded_version": sprachcafe.version,
    }
    form = AngebotForm(data, instance=Angebot.objects.get(pk=sprachcafe.pk), user=gwa)
    assert form.is_valid(), form.errors
    proposal = services.submit_for_review(services.save_entry(form, actor=gwa), actor=gwa)

    assert "Sprachcafé NEU" not in get(client, "angebot", sprachcafe.pk).text
    assert "Sprachcafé NEU" not in get(client, "quartier", "kuckuck").text

    services.approve(proposal, actor=qm)

    # The pages were cached; the approval made them current at once.
    assert "Sprachcafé NEU" in get(client, "angebot", sprachcafe.pk).text
    assert "Sprachcafé NEU" in get(client, "quartier", "kuckuck").text


def test_pages_are_served_from_the_cache_until_public_content_changes(client, sprachcafe, django_assert_num_queries):
    get(client, "angebot", sprachcafe.pk)
    with django_assert_num_queries(0):
        get(client, "angebot", sprachcafe.pk)
    sprachcafe.schedules.first().delete()
    assert get(client, "angebot", sprachcafe.pk).text.count("Wöchentlich am") == 6


def test_while_one_request_computes_a_changed_page_the_others_get_its_previous_version(client, sprachcafe, monkeypatch):
    get(client, "angebot", sprachcafe.pk)
    sprachcafe.schedules.first().delete()
    # Another request is computing the changed page right now: it holds the computing mark of this generation.
    real_add = cache.add
    monkeypatch.setattr(
        cache,
        "add",
        lambda key, *args, **kwargs: False if key.endswith(":computing") else real_add(key, *args, **kwargs),
    )

    assert get(client, "angebot", sprachcafe.pk).text.count("Wöchentlich am") == 7  # the previous version

    monkeypatch.undo()
    assert get(client, "angebot", sprachcafe.pk).text.count("Wöchentlich am") == 6  # computed afresh


def test_a_page_that_is_gone_is_never_served_from_its_previous_version(client, sprachcafe, monkeypatch):
    get(client, "angebot", sprachcafe.pk)
    pk = sprachcafe.pk
    sprachcafe.delete()
    get(client, "angebot", pk, status=404)
    # Even while another request would be computing it, nobody gets the withdrawn offer any more.
    real_add = cache.add
    monkeypatch.setattr(
        cache,
        "add",
        lambda key, *args, **kwargs: False if key.endswith(":computing") else real_add(key, *args, **kwargs),
    )

    get(client, "angebot", pk, status=404)


def test_responses_carry_an_etag_and_answer_304_when_unchanged(client, sprachcafe):
    first = get(client, "angebot", sprachcafe.pk)
    assert first.headers["ETag"]
    with translation.override("de"):
        url = reverse("verzeichnis:angebot", args=[sprachcafe.pk])
    assert client.get(url, HTTP_IF_NONE_MATCH=first.headers["ETag"]).status_code == 304


# --- Languages ---------------------------------------------------------------------------------------------


def test_arabic_pages_are_right_to_left_with_the_rtl_stylesheet(client, sprachcafe):
    text = get(client, "angebot", sprachcafe.pk, language="ar").text
    assert '<html lang="ar"' in text and 'dir="rtl"' in text
    assert "bootstrap.rtl.min.css" in text


def test_the_language_switch_remembers_the_choice_and_shows_the_same_page(client, sprachcafe):
    page = reverse("verzeichnis:angebot", args=[sprachcafe.pk])
    response = client.get(reverse("sprache", args=["tr"]), {"next": page})
    assert response.status_code == 302
    assert response.url == f"/tr/angebote/{sprachcafe.pk}/"
    assert response.cookies["django_language"].value == "tr"
    # The bare address now leads to the remembered language.
    assert client.get("/").url == "/tr/"


def test_the_language_switch_refuses_other_hosts_and_unknown_languages(client, db):
    response = client.get(reverse("sprache", args=["en"]), {"next": "https://example.com/"})
    assert response.url == "/en/"
    assert client.get(reverse("sprache", args=["xx"])).status_code == 404


def test_every_language_is_offered_by_its_own_name(client, kuckuck):
    text = get(client, "start").text
    for code, name in [("en", "English"), ("tr", "Türkçe"), ("ar", "العربيّة"), ("uk", "Українська")]:
        assert f'lang="{code}"' in text and name in text, code


def test_a_missing_translation_shows_the_german_text_marked(client, nest):
    nest.description_en = "An open meeting point for everyone."
    nest.save()
    english = get(client, "treffpunkt", "kuckucksnest", language="en").text
    assert "An open meeting point for everyone." in english
    turkish = get(client, "treffpunkt", "kuckucksnest", language="tr").text
    assert re.search(r'<div lang="de" dir="ltr"[^>]*>\s*<p>Ein offener Treff für alle im Quartier.</p>', turkish)


# --- Search ------------------------------------------------------------------------------------------------


def next_wednesday():
    today = timezone.localdate()
    return today + datetime.timedelta(days=(2 - today.weekday()) % 7 or 7)


@pytest.fixture
def offers(kuckuck, nest):
    nordstadt = f.QuartierFactory(name="Nordstadt", slug="nordstadt")
    treff = f.TreffpunktFactory(quartier=nordstadt, step_free=False, approved=True)
    arabisch = f.SpracheFactory(code="ar", name="Arabisch")
    familien = f.ZielgruppeFactory(name="Familien")
    beratung = f.KategorieFactory(name="Beratung")
    morning = f.AngebotFactory(treffpunkt=nest, title="Frühstück am Montag", approved=True)
    f.ScheduleFactory(angebot=morning, weekday=0, start_time="09:00", end_time="11:00")
    evening = f.AngebotFactory(
        treffpunkt=treff, title="Beratung am Abend", kategorie=beratung, free_of_charge=False, approved=True
    )
    f.ScheduleFactory(angebot=evening, weekday=2, start_time="18:00", end_time="20:00")
    evening.sprachen.add(arabisch)
    evening.zielgruppen.add(familien)
    single = f.AngebotFactory(treffpunkt=nest, title="Sommerfest", approved=True)
    f.ScheduleFactory(
        angebot=single, kind="single", weekday=None, date=next_wednesday(), start_time="14:00", end_time="18:00"
    )
    f.AngebotFactory(treffpunkt=nest, title="Noch nicht freigegeben")
    return {"morning": morning, "evening": evening, "single": single}


def found(client, **params):
    return {angebot.title for angebot in get(client, "suche", **params).context["angebote"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Frühstück am Montag", "Beratung am Abend", "Sommerfest"}),
        ({"quartier": "nordstadt"}, {"Beratung am Abend"}),
        ({"wochentag": "0"}, {"Frühstück am Montag"}),
        ({"wochentag": "2"}, {"Beratung am Abend", "Sommerfest"}),  # the summer party is next Wednesday
        ({"tageszeit": "vormittag"}, {"Frühstück am Montag"}),
        ({"tageszeit": "nachmittag"}, {"Sommerfest"}),
        ({"tageszeit": "abend"}, {"Beratung am Abend"}),
        ({"sprache": "ar"}, {"Beratung am Abend"}),
        ({"kostenlos": "on"}, {"Frühstück am Montag", "Sommerfest"}),
        ({"barrierefrei": "on"}, {"Frühstück am Montag", "Sommerfest"}),
        ({"quartier": "kuckuck", "tageszeit": "abend"}, set()),
    ],
)
def test_the_offer_search_filters_by_what_residents_ask(client, offers, params, expected):
    assert found(client, **params) == expected


def test_weekday_and_time_of_day_hold_for_one_current_time(client, nest):
    both = f.AngebotFactory(treffpunkt=nest, title="Montagmorgen und Mittwochabend", approved=True)
    f.ScheduleFactory(angebot=both, weekday=0, start_time="09:00", end_time="11:00")
    f.ScheduleFactory(angebot=both, weekday=2, start_time="18:00", end_time="20:00")
    ended = f.AngebotFactory(treffpunkt=nest, title="Freitags bis 2019", approved=True)
    f.ScheduleFactory(angebot=ended, weekday=4, valid_until=datetime.date(2019, 12, 31))

    assert found(client, wochentag="0", tageszeit="abend") == set()
    assert found(client, wochentag="2", tageszeit="abend") == {"Montagmorgen und Mittwochabend"}
    assert found(client, wochentag="4") == set()


def test_search_by_target_group_and_category(client, offers):
    familien = offers["evening"].zielgruppen.get()
    assert found(client, zielgruppe=familien.pk) == {"Beratung am Abend"}
    assert found(client, kategorie=offers["evening"].kategorie_id) == {"Beratung am Abend"}


def test_an_invalid_filter_says_so_in_german_and_shows_no_error_page(client, offers):
    response = get(client, "suche", quartier="gibt-es-nicht")
    assert "Bitte eine gültige Auswahl treffen" in response.text


# --- Queries -----------------------------------------------------------------------------------------------


def add_offers(kuckuck, nest, count):
    for _ in range(count):
        angebot = f.AngebotFactory(treffpunkt=nest, approved=True)
        f.ScheduleFactory(angebot=angebot, weekday=1)
        angebot.sprachen.add(f.SpracheFactory())
        angebot.zielgruppen.add(f.ZielgruppeFactory())
        f.AngebotFactory(quartier=kuckuck, treffpunkt=None, is_mobile=True, approved=True)


@pytest.mark.parametrize(
    ("name", "args", "queries"),
    [
        ("start", (), 6),
        ("quartier", ("kuckuck",), 7),
        ("treffpunkt", ("kuckucksnest",), 7),
        ("suche", (), 10),
    ],
)
def test_public_pages_cost_the_same_queries_however_many_offers(
    client, kuckuck, nest, name, args, queries, django_assert_num_queries
):
    add_offers(kuckuck, nest, 2)
    with django_assert_num_queries(queries):
        get(client, name, *args)
    add_offers(kuckuck, nest, 6)  # which moves the cache's content version on
    with django_assert_num_queries(queries):
        get(client, name, *args)


def test_offer_page_costs_a_fixed_number_of_queries(client, sprachcafe, django_assert_num_queries):
    with django_assert_num_queries(5):
        get(client, "angebot", sprachcafe.pk)


def test_a_page_rendered_while_a_change_is_being_committed_is_not_kept(
    client, sprachcafe, django_capture_on_commit_callbacks
):
    """Between a save and its commit a request may read the old rows under the new content version; the version
    moves on again at commit, so that page is not served afterwards."""
    with django_capture_on_commit_callbacks(execute=True):
        Angebot.objects.filter(pk=sprachcafe.pk).update(title="Sprachcafé NEU")
        sprachcafe.title = "Sprachcafé NEU"
        sprachcafe.save()
        # A reader before the commit: rendered from the state this test's request sees, and cached.
        stale = get(client, "angebot", sprachcafe.pk).text
        Angebot.objects.filter(pk=sprachcafe.pk).update(title="Sprachcafé ALT")
    assert "Sprachcafé NEU" in stale
    assert "Sprachcafé ALT" in get(client, "angebot", sprachcafe.pk).text


def test_a_meeting_point_shows_the_times_other_offers_hold_there(client, kuckuck, nest, today):
    wandering = f.AngebotFactory(
        quartier=kuckuck, treffpunkt=None, is_mobile=True, title="Wandernder Bewohnertreff", approved=True
    )
    f.ScheduleFactory(angebot=wandering, kind="single", weekday=None, date=today, treffpunkt=nest)
    f.ScheduleFactory(
        angebot=wandering,
        kind="single",
        weekday=None,
        date=today,
        place="Spielplatz",
        start_time="17:00",
        end_time="18:00",
    )

    page = get(client, "treffpunkt", "kuckucksnest").text
    programme = get(client, "programm-treffpunkt", "kuckucksnest").text
    feed = get(client, "kalender-treffpunkt", "kuckucksnest").content.decode()

    for text in (page, programme):
        assert "Wandernder Bewohnertreff" in text
        assert "Spielplatz" not in text  # its time elsewhere belongs to the other place's programme
    assert feed.count("BEGIN:VEVENT") == 1 and "Wandernder Bewohnertreff" in feed
