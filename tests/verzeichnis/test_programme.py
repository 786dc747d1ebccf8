"""The weekly programme to print and as a PDF: the week's public offers day by day, cancellations marked, and a
QR code back to the public page."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from hameln_quartiere import pdf
from tests import factories as f
from treffpunkte.models import Cancellation, Schedule, Treffpunkt
from verzeichnis import programme

# Monday 4 March 2030 to Sunday 10 March 2030.
WEEK = "2030-W10"
MONDAY = datetime.date(2030, 3, 4)


def get(client, name, *args, language="de", status=200, **params):
    with translation.override(language):
        url = reverse(f"verzeichnis:{name}", args=args)
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code)
    return response


def days(html):
    """The text of each day of the programme, Monday first."""
    return re.findall(r'<li class="programme-day.*?</li>\s*(?=<li class="programme-day|</ol>)', html, re.S)


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def week(nest, kuckuck):
    """Offers in the week 2030-W10: one on Tuesday and Thursday (cancelled on Thursday), one on Friday at another
    meeting point and on Wednesday at one that is not public, one only in other weeks, one not approved and
    one with a pending new title."""
    sprachcafe = f.AngebotFactory(treffpunkt=nest, title="Sprachcafé", approved=True)
    f.ScheduleFactory(angebot=sprachcafe, weekday=Schedule.Weekday.TUESDAY, start_time=datetime.time(10))
    f.ScheduleFactory(angebot=sprachcafe, weekday=Schedule.Weekday.THURSDAY, start_time=datetime.time(10))
    Cancellation.objects.create(angebot=sprachcafe, date=MONDAY + datetime.timedelta(days=3))
    gemeindehaus = f.TreffpunktFactory(quartier=kuckuck, name="Gemeindehaus", street="Kirchplatz 2", approved=True)
    kochabend = f.AngebotFactory(treffpunkt=nest, title="Kochabend", approved=True)
    f.ScheduleFactory(angebot=kochabend, weekday=Schedule.Weekday.FRIDAY, treffpunkt=gemeindehaus)
    geheim = f.TreffpunktFactory(quartier=kuckuck, name="Geheimtreff", street="Verborgene Gasse 1")
    f.ScheduleFactory(angebot=kochabend, weekday=Schedule.Weekday.WEDNESDAY, treffpunkt=geheim)
    f.ScheduleFactory(
        angebot=f.AngebotFactory(treffpunkt=nest, title="Elterncafé", approved=True),
        kind=Schedule.Kind.SINGLE,
        weekday=None,
        date=MONDAY + datetime.timedelta(weeks=1),
    )
    f.ScheduleFactory(angebot=f.AngebotFactory(treffpunkt=nest, title="Entwurf"), weekday=Schedule.Weekday.MONDAY)
    f.ScheduleFactory(
        angebot=f.AngebotFactory(treffpunkt=nest, title="Männertreff", approved=True, pending={"title": "Neu"}),
        weekday=Schedule.Weekday.MONDAY,
        start_time=datetime.time(18),
        end_time=datetime.time(20),
    )
    return sprachcafe


def test_the_print_page_shows_the_weeks_offers_day_by_day_with_cancelled_dates_marked(client, nest, week):
    html = get(client, "programm-treffpunkt", nest.slug, woche=WEEK).text

    monday, tuesday, wednesday, thursday, friday, saturday, sunday = days(html)
    assert "04.03.2030" in monday and "Männertreff" in monday and "18:00" in monday
    assert "Sprachcafé" in tuesday and "10:00" in tuesday and "fällt aus" not in tuesday
    assert "Sprachcafé" in thursday and "fällt aus" in thursday
    # Kochabend takes place at other meeting points that week: the public one is named, the other is not.
    assert "Kochabend" in friday and "Gemeindehaus, Kirchplatz 2" in friday
    assert "Kochabend" in wednesday
    for empty in (saturday, sunday):
        assert "programme-entry" not in empty
    for absent in ("Elterncafé", "Entwurf", "Neu<", "Geheimtreff", "Verborgene Gasse"):
        assert absent not in html
    assert 'href="/de/angebote/' in html


def test_the_print_page_has_a_qr_code_of_the_public_page_and_the_print_stylesheet(client, nest, week):
    html = get(client, "programm-treffpunkt", nest.slug, woche=WEEK).text

    assert programme.qr_code_svg("http://testserver/de/treffpunkte/kuckucksnest/") in html
    assert '<svg viewBox="0 0 ' in html and "<title>http://testserver/de/treffpunkte/kuckucksnest/</title>" in html
    assert 'href="/static/css/print.css"' in html


def test_the_week_is_chosen_by_iso_week_with_links_to_the_weeks_before_and_after(client, nest, week):
    html = get(client, "programm-treffpunkt", nest.slug, woche=WEEK).text
    assert 'href="/de/treffpunkte/kuckucksnest/wochenprogramm/?woche=2030-W09"' in html
    assert 'href="/de/treffpunkte/kuckucksnest/wochenprogramm/?woche=2030-W11"' in html
    assert 'href="/de/treffpunkte/kuckucksnest/wochenprogramm.pdf?woche=2030-W10"' in html

    following = get(client, "programm-treffpunkt", nest.slug, woche="2030-W11").text
    assert "Elterncafé" in following and "11.03.2030" in following


@pytest.mark.parametrize("woche", [None, "2030-W60", "nächste Woche", "1999-W10"])
def test_without_a_valid_week_the_page_shows_this_week(client, nest, woche):
    params = {"woche": woche} if woche else {}
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())

    html = get(client, "programm-treffpunkt", nest.slug, **params).text

    assert days(html)[0].count(f"{monday:%d.%m.%Y}") == 1
    assert ('role="status"' in html) == bool(woche)


def test_the_quarter_programme_has_the_public_offers_of_all_its_meeting_points_and_mobile_ones(
    client, kuckuck, nest, week
):
    wandertreff = f.AngebotFactory(
        quartier=kuckuck, treffpunkt=None, is_mobile=True, title="Wandertreff", approved=True
    )
    f.ScheduleFactory(angebot=wandertreff, weekday=Schedule.Weekday.SATURDAY, place="Spielplatz am Bach")
    f.ScheduleFactory(
        angebot=f.AngebotFactory(treffpunkt=f.TreffpunktFactory(approved=True), title="Anderswo", approved=True)
    )
    closed = f.TreffpunktFactory(quartier=kuckuck, status=Treffpunkt.Status.CLOSED, approved=True)
    f.ScheduleFactory(angebot=f.AngebotFactory(treffpunkt=closed, title="Geschlossen", approved=True))

    html = get(client, "programm-quartier", kuckuck.slug, woche=WEEK).text

    tuesday, saturday = days(html)[1], days(html)[5]
    # On a quarter's programme every offer names its place.
    assert "Sprachcafé" in tuesday and "Stadtteiltreff Kuckucksnest, Kuckucksweg 1" in tuesday
    assert "Wandertreff" in saturday and "Spielplatz am Bach" in saturday
    for absent in ("Anderswo", "Geschlossen", "Entwurf", "Elterncafé", "Geheimtreff"):
        assert absent not in html
    assert "<title>http://testserver/de/quartiere/kuckuck/</title>" in html


def test_what_is_not_public_has_no_programme(client, kuckuck):
    closed = f.TreffpunktFactory(quartier=kuckuck, status=Treffpunkt.Status.CLOSED, approved=True)
    unapproved = f.TreffpunktFactory(quartier=kuckuck)
    for name in ("programm-treffpunkt", "programm-treffpunkt-pdf"):
        get(client, name, closed.slug, status=404)
        get(client, name, unapproved.slug, status=404)
    for name in ("programm-quartier", "programm-quartier-pdf"):
        get(client, name, "gibt-es-nicht", status=404)


def test_the_arabic_programme_reads_right_to_left(client, nest, week):
    html = get(client, "programm-treffpunkt", nest.slug, language="ar", woche=WEEK).text
    assert '<html lang="ar"' in html and 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html
    # Times stay left to right inside the right-to-left text.
    assert '<span class="programme-time text-nowrap fw-semibold" dir="ltr">' in html

    response = get(client, "programm-treffpunkt-pdf", nest.slug, language="ar", woche=WEEK)
    assert "Sprachcafé" in pdf_text(response)


def test_the_pdf_is_the_print_page_without_navigation(client, nest, week):
    response = get(client, "programm-treffpunkt-pdf", nest.slug, woche=WEEK)

    assert response["Content-Disposition"] == 'inline; filename="wochenprogramm-kuckucksnest-2030-W10.pdf"'
    text = pdf_text(response)
    for title in ("Sprachcafé", "Kochabend", "Männertreff"):
        assert title in text
    assert "fällt aus" in text
    assert "http://testserver/de/treffpunkte/kuckucksnest/" in text
    for absent in ("Elterncafé", "Entwurf", "Geheimtreff", "Türkçe", "2030-W09", "Open data"):
        assert absent not in text


def test_the_quarter_pdf_has_the_quarters_offers(client, kuckuck, week):
    response = get(client, "programm-quartier-pdf", kuckuck.slug, woche=WEEK)

    assert response["Content-Disposition"] == 'inline; filename="wochenprogramm-kuckuck-2030-W10.pdf"'
    text = pdf_text(response)
    assert "Sprachcafé" in text and "fällt aus" in text


def test_rendering_the_pdf_reads_only_local_static_files(client, nest, week, monkeypatch):
    fetched = []
    fetch = pdf.static_files_fetcher().fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(pdf.static_files_fetcher(), "fetch", spy)
    get(client, "programm-treffpunkt-pdf", nest.slug, woche=WEEK)

    assert "http://testserver/static/css/print.css" in fetched
    assert all(url.startswith(("http://testserver/static/", "data:")) for url in fetched)


def test_the_pdf_fetcher_serves_static_files_from_disk_and_refuses_everything_else():
    fetcher = pdf.static_files_fetcher()("http://testserver/")

    response = fetcher.fetch("http://testserver/static/css/print.css")
    assert b"@media print" in response.read()
    assert response.content_type == "text/css"
    for url in (
        "https://example.org/static/css/print.css",
        "http://testserver/de/treffpunkte/",
        "http://testserver/static/../hameln_quartiere/settings.py",
        "http://testserver/static/%2E%2E/hameln_quartiere/settings.py",
        "http://testserver/static/css/gibt-es-nicht.css",
        "http://testserver/static/",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.parametrize(
    ("name", "pdf"),
    [
        ("programm-treffpunkt", False),
        ("programm-treffpunkt-pdf", True),
        ("programm-quartier", False),
        ("programm-quartier-pdf", True),
    ],
)
def test_the_programmes_cost_the_same_queries_for_two_and_for_six_offers(
    client, django_assert_num_queries, kuckuck, nest, name, pdf
):
    elsewhere = f.TreffpunktFactory(quartier=kuckuck, approved=True)
    slug = nest.slug if name.startswith("programm-treffpunkt") else kuckuck.slug
    for count in (2, 6):
        while nest.angebote.count() < count:
            angebot = f.AngebotFactory(treffpunkt=nest, approved=True)
            f.ScheduleFactory(angebot=angebot, weekday=Schedule.Weekday.MONDAY)
            f.ScheduleFactory(angebot=angebot, weekday=Schedule.Weekday.FRIDAY, treffpunkt=elsewhere)
            Cancellation.objects.create(angebot=angebot, date=MONDAY)
        with django_assert_num_queries(6):
            response = get(client, name, slug, woche=WEEK)
        text = pdf_text(response) if pdf else response.text
        assert text.count("fällt aus") == count
