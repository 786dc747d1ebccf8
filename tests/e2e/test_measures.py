"""Measures in a real browser: the coordinator filters and exports them; two people edit one at the same time."""

import csv
import datetime
import io

import pytest
from playwright.sync_api import expect

from handlungskonzepte.models import Massnahme
from tests import factories as f

pytestmark = pytest.mark.e2e


@pytest.fixture
def measures(kuckuck):
    nordstadt = f.QuartierFactory(name="Nordstadt", slug="nordstadt")
    konzept = f.HandlungskonzeptFactory(quartier=kuckuck)
    other = f.HandlungskonzeptFactory(quartier=nordstadt)
    running = Massnahme.Status.RUNNING
    return {
        "wanted": [
            f.MassnahmeFactory(handlungskonzept=konzept, title="Männertreff aufbauen", status=running),
            f.MassnahmeFactory(handlungskonzept=konzept, title="Hausaufgabenhilfe sichern", status=running),
        ],
        "other_status": f.MassnahmeFactory(
            handlungskonzept=konzept, title="Hoffest planen", status=Massnahme.Status.PLANNED
        ),
        "other_quarter": f.MassnahmeFactory(handlungskonzept=other, title="Netzwerk Nordstadt", status=running),
    }


def test_the_coordinator_filters_measures_by_quarter_and_status_and_exports_exactly_those(
    page, live_server, log_in, qm, measures
):
    log_in(qm)
    page.goto("/portal/massnahmen/")
    page.get_by_label("Quartier").select_option(label="Kuckuck")
    page.get_by_label("Status", exact=True).select_option(label="Laufend")
    page.get_by_role("button", name="Filtern").click()

    expect(page.get_by_role("link", name="Männertreff aufbauen")).to_be_visible()
    expect(page.get_by_role("link", name="Hausaufgabenhilfe sichern")).to_be_visible()
    expect(page.get_by_role("link", name="Hoffest planen")).to_have_count(0)
    expect(page.get_by_role("link", name="Netzwerk Nordstadt")).to_have_count(0)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als CSV exportieren").click()
    content = download_info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert {row[0] for row in rows[1:]} == {"Männertreff aufbauen", "Hausaufgabenhilfe sichern"}


def test_of_two_people_editing_one_measure_the_second_sees_the_conflict_and_keeps_their_input(
    browser, live_server, e2e_settings, qm, gwa, kuckuck
):
    konzept = f.HandlungskonzeptFactory(quartier=kuckuck)
    massnahme = f.MassnahmeFactory(
        handlungskonzept=konzept, title="Sprachcafé vorbereiten", start=datetime.date(2019, 1, 1)
    )
    pages = {}
    for name, user in (("qm", qm), ("gwa", gwa)):
        context = browser.new_context(base_url=live_server.url, locale="de-DE")
        page = context.new_page()
        page.goto("/anmelden/")
        page.get_by_label("Benutzername").fill(user.username)
        page.get_by_label("Passwort").fill("Ein-sicheres-Testpasswort-2019")
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url("**/portal/")
        page.goto(f"/portal/massnahmen/{massnahme.pk}/bearbeiten/")
        pages[name] = page

    pages["qm"].get_by_label("Titel").fill("Sprachcafé im Kuckucksnest vorbereiten")
    pages["qm"].get_by_role("button", name="Als Entwurf speichern").click()
    expect(pages["qm"].get_by_text("Als Entwurf gespeichert.")).to_be_visible()

    pages["gwa"].get_by_label("Beschreibung").fill("Mit Kinderbetreuung, dienstags.")
    pages["gwa"].get_by_role("button", name="Als Entwurf speichern").click()

    expect(pages["gwa"].get_by_text("Jemand anderes hat diesen Eintrag gespeichert", exact=False).first).to_be_visible()
    expect(pages["gwa"].get_by_text("Sprachcafé im Kuckucksnest vorbereiten", exact=False).first).to_be_visible()
    expect(pages["gwa"].get_by_label("Beschreibung")).to_have_value("Mit Kinderbetreuung, dienstags.")
    massnahme.refresh_from_db()
    assert massnahme.title == "Sprachcafé im Kuckucksnest vorbereiten"
    assert massnahme.description == ""
