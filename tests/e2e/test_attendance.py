"""A social worker's week in a real browser: the attendance of every offer of the week typed in one grid."""

import datetime

import pytest
from playwright.sync_api import expect

from tests import factories as f
from treffpunkte.models import Schedule, Teilnahme

pytestmark = pytest.mark.e2e


def test_a_social_worker_enters_a_week_of_attendance_in_the_grid(page, log_in, gwa, kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck, name="Stadtteiltreff Kuckucksnest", approved=True)
    sprachcafe = f.AngebotFactory(quartier=kuckuck, treffpunkt=treffpunkt, title="Sprachcafé", approved=True)
    maennertreff = f.AngebotFactory(quartier=kuckuck, treffpunkt=treffpunkt, title="Männertreff", approved=True)
    valid_from = datetime.date(2019, 1, 1)
    f.ScheduleFactory(angebot=sprachcafe, weekday=Schedule.Weekday.TUESDAY, valid_from=valid_from)
    f.ScheduleFactory(angebot=maennertreff, weekday=Schedule.Weekday.THURSDAY, valid_from=valid_from)

    log_in(gwa)
    # The week of 11 to 17 March 2019: the Sprachcafé on Tuesday the 12th, the Männertreff on Thursday the 14th.
    page.goto("/portal/teilnahme/?woche=2019-W11")
    page.get_by_label("Teilnehmende: Sprachcafé, 12.03.2019").fill("14")
    page.get_by_label("Teilnehmende: Männertreff, 14.03.2019").fill("-3")
    page.get_by_role("button", name="Teilnahme speichern").click()

    # A negative count is refused next to its row, the other row keeps what was typed, and nothing is saved.
    expect(page.get_by_label("Teilnehmende: Männertreff, 14.03.2019")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Teilnehmende: Sprachcafé, 12.03.2019")).to_have_value("14")
    assert not Teilnahme.objects.exists()

    page.get_by_label("Teilnehmende: Männertreff, 14.03.2019").fill("9")
    page.get_by_role("button", name="Teilnahme speichern").click()

    expect(page.get_by_label("Teilnehmende: Männertreff, 14.03.2019")).to_have_value("9")
    counts = dict(Teilnahme.objects.values_list("angebot__title", "participants"))
    assert counts == {"Sprachcafé": 14, "Männertreff": 9}
