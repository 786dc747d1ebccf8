"""The review rule in a real browser: an offer goes from a social worker's draft to the public page."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f

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
    page.get_by_role("button", name="Speichern und zur Prüfung einreichen").click()
    expect(
        page.get_by_text("Saved and submitted", exact=False).or_(page.get_by_text("eingereicht", exact=False)).first
    ).to_be_visible()
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
    page.get_by_label("Beschreibung").fill("Dienstags 10 bis 12 Uhr, mit Kinderbetreuung.")
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
    expect(page.get_by_text("Sprachcafé für Frauen")).to_be_visible()
    expect(page.get_by_text("Dienstags 10 bis 12 Uhr", exact=False)).to_be_visible()
