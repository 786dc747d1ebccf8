"""The schedule of an offer, edited inline on the offer's form and saved with it."""

import pytest
from django.urls import reverse

from hameln_quartiere.models import LogEntry
from tests import factories as f
from tests.treffpunkte.conftest import client_for
from treffpunkte.models import Angebot, Schedule


def offer_data(treffpunkt, *rows, initial=0):
    data = {
        "title": "Sprachcafé",
        "quartier": treffpunkt.quartier_id,
        "treffpunkt": treffpunkt.pk,
        "kategorie": f.KategorieFactory().pk,
        "free_of_charge": "on",
        "schedules-TOTAL_FORMS": str(len(rows)),
        "schedules-INITIAL_FORMS": str(initial),
        "schedules-MIN_NUM_FORMS": "0",
        "schedules-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"schedules-{i}-{name}": value for name, value in row.items()})
    return data


WEEKLY = {"kind": "weekly", "weekday": "1", "interval": "1", "start_time": "15:00", "end_time": "17:00"}


def test_the_offer_form_shows_an_empty_schedule_row(gwa, kuckuck):
    response = client_for(gwa).get(reverse("treffpunkte:angebot-create"))
    assert response.status_code == 200
    assert 'name="schedules-0-weekday"' in response.content.decode()


def test_an_offer_is_created_with_its_schedule_and_the_rows_are_in_its_history(gwa, kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    monthly = {"kind": "monthly", "weekday": "2", "week_of_month": "-1", "interval": "1"}
    monthly.update(start_time="10:00", end_time="12:00")

    response = client_for(gwa).post(reverse("treffpunkte:angebot-create"), offer_data(treffpunkt, WEEKLY, monthly))

    angebot = Angebot.objects.get()
    assert response.status_code == 302
    assert sorted(angebot.schedules.values_list("kind", flat=True)) == ["monthly", "weekly"]
    parts = LogEntry.objects.get(action="treffpunkte.angebot.changed", data__parts=True)
    assert parts.actor == gwa
    assert parts.object_id == str(angebot.pk)
    assert parts.data["changes"]["Termin „Dienstag 15:00–17:00“: Von"] == ["", "15:00:00"]
    assert parts.data["changes"]["Termin „letzter Mittwoch 10:00–12:00“: Art"] == ["Wöchentlich", "Monatlich"]


def test_a_wrong_schedule_row_shows_the_error_next_to_the_field_keeps_the_input_and_saves_nothing(gwa, kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    wrong = {**WEEKLY, "start_time": "18:00", "end_time": "17:00", "place": "Spielplatz"}

    response = client_for(gwa).post(reverse("treffpunkte:angebot-create"), offer_data(treffpunkt, wrong))

    assert response.status_code == 200
    row = response.context["formsets"][0].forms[0]
    assert "end_time" in row.errors
    content = response.content.decode()
    assert 'value="Spielplatz"' in content
    assert 'class="invalid-feedback d-block"' in content
    assert not Angebot.objects.exists()
    assert not Schedule.objects.exists()


def test_every_two_weeks_needs_a_first_date(gwa, kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)

    response = client_for(gwa).post(
        reverse("treffpunkte:angebot-create"), offer_data(treffpunkt, {**WEEKLY, "interval": "2"})
    )

    assert response.context["formsets"][0].forms[0].has_error("valid_from")
    assert not Angebot.objects.exists()


@pytest.mark.parametrize("row", [{"kind": "monthly", "weekday": "1"}, {"kind": "single", "weekday": ""}])
def test_a_row_missing_what_its_kind_needs_is_refused(gwa, kuckuck, row):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    data = offer_data(treffpunkt, {**WEEKLY, **row})
    response = client_for(gwa).post(reverse("treffpunkte:angebot-create"), data)
    assert response.status_code == 200
    assert response.context["formsets"][0].total_error_count()
    assert not Angebot.objects.exists()


def test_the_schedule_of_an_existing_offer_is_changed_and_deleted_on_its_form(gwa, kuckuck):
    angebot = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=kuckuck), title="Sprachcafé")
    schedule = f.ScheduleFactory(angebot=angebot)
    other = f.ScheduleFactory(angebot=angebot, weekday=4)
    data = offer_data(
        angebot.treffpunkt,
        {**WEEKLY, "id": schedule.pk, "angebot": angebot.pk, "end_time": "18:00"},
        {**WEEKLY, "id": other.pk, "angebot": angebot.pk, "weekday": "4", "DELETE": "on"},
        initial=2,
    )
    data.update(kategorie=angebot.kategorie_id, loaded_version=angebot.version)

    response = client_for(gwa).post(reverse("treffpunkte:angebot-update", args=[angebot.pk]), data)

    assert response.status_code == 302
    assert [(s.weekday, s.end_time.hour) for s in angebot.schedules.all()] == [(1, 18)]


def test_another_meeting_point_is_chosen_from_approved_ones_and_the_offers_quarter(gwa, kuckuck, nordstadt):
    angebot = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=kuckuck))
    draft_elsewhere = f.TreffpunktFactory(quartier=nordstadt)
    approved_elsewhere = f.TreffpunktFactory(quartier=nordstadt, approved=True)

    response = client_for(gwa).get(reverse("treffpunkte:angebot-update", args=[angebot.pk]))

    choices = set(response.context["formsets"][0].forms[0].fields["treffpunkt"].queryset)
    assert angebot.treffpunkt in choices
    assert approved_elsewhere in choices
    assert draft_elsewhere not in choices
