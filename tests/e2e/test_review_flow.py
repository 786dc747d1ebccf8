"""The review rule in a real browser: an offer goes from a social worker's draft to the public page."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from treffpunkte.models import Schedule

pytestmark = pytest.mark.e2e


def test_an_offer_goes_from_draft_through_return_and_approval_to_the_public_page(
    page, live_server, log_in, log_out, kuckuck, gwa, qm
):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck, name="Stadtteiltreff Kuckucksnest", approved=True)
    f.KategorieFactory(name="Sprachcafé")

    # The social worker adds an offer at a meeting point in their quarter and submits it.
    log_in(gwa)
    page.goto(f"{live_server.url}/portal/angebote/neu/")
    page.get_by_label("Titel").fill("Sprachcafé für Frauen")
    page.get_by_label("Quartier").select_option(label="Kuckuck")
    page.get_by_label("Stadtteiltreffpunkt").select_option(label=treffpunkt.name)
    page.get_by_label("Kategorie").select_option(label="Sprachcafé")
    # The offer's times are part of its form: a row of the schedule table, visible and typed into.
    expect(page.locator("#id_schedules-0-weekday")).to_be_visible()
    assert page.locator("fieldset.formset .table-responsive").bounding_box()["width"] > 300
    page.locator("#id_schedules-0-kind").select_option(value=Schedule.Kind.WEEKLY)
    page.locator("#id_schedules-0-weekday").select_option(value=str(Schedule.Weekday.TUESDAY))
    page.locator("#id_schedules-0-start_time").fill("10:00")
    page.locator("#id_schedules-0-end_time").fill("12:00")
    page.get_by_role("button", name="Speichern und zur Prüfung einreichen").click()
    expect(page.get_by_text("Gespeichert und zur Prüfung eingereicht.", exact=False)).to_be_visible()
    schedule = Schedule.objects.get(angebot__title="Sprachcafé für Frauen")
    assert (schedule.weekday, schedule.start_time.hour, schedule.end_time.hour) == (Schedule.Weekday.TUESDAY, 10, 12)
    log_out()

    # The coordinator finds it in the queue and returns it with a comment.
    log_in(qm)
    page.get_by_role("link", name="Wartet auf meine Prüfung").click()
    page.get_by_role("link", name="Sprachcafé für Frauen").click()
    page.get_by_label("Zur Überarbeitung zurückgeben").check()
    page.get_by_label("Kommentar").fill("Bitte die Uhrzeit in die Beschreibung schreiben.")
    page.get_by_role("button", name="Entscheidung bestätigen").click()
    expect(page.get_by_text("Bitte die Uhrzeit in die Beschreibung schreiben.")).to_be_visible()
    log_out()

    # The social worker edits and resubmits.
    log_in(gwa)
    page.get_by_role("link", name="Posteingang", exact=True).click()
    page.get_by_role("button", name=re.compile("Öffnen")).first.click()
    page.get_by_role("link", name="Bearbeiten").click()
    page.get_by_label("Beschreibung", exact=True).fill("Dienstags 10 bis 12 Uhr, mit Kinderbetreuung.")
    page.get_by_role("button", name="Speichern und zur Prüfung einreichen").click()
    log_out()

    # The coordinator approves; the offer appears on the public page of the quarter.
    log_in(qm)
    page.get_by_role("link", name="Wartet auf meine Prüfung").click()
    page.get_by_role("link", name="Sprachcafé für Frauen").click()
    page.get_by_label("Freigeben").check()
    page.get_by_role("button", name="Entscheidung bestätigen").click()
    log_out()

    page.goto(f"{live_server.url}/quartiere/kuckuck/")
    page.get_by_role("link", name="Sprachcafé für Frauen").first.click()
    expect(page.get_by_role("heading", name="Sprachcafé für Frauen", level=1)).to_be_visible()
    expect(page.get_by_text("Dienstags 10 bis 12 Uhr", exact=False)).to_be_visible()
