"""The attendance grid: a row per occurrence of the person's offers in a week, all counts saved in one POST."""

import datetime

import pytest
from django.urls import reverse

from hameln_quartiere.models import LogEntry
from tests import factories as f
from tests.treffpunkte.conftest import MONDAY, WEEK, client_for, weekly_angebot
from treffpunkte.models import Schedule, Teilnahme

TUESDAY = MONDAY + datetime.timedelta(days=1)
URL = reverse("treffpunkte:attendance-grid")


def grid(client, week=WEEK):
    return client.get(URL, {"woche": week})


def post_rows(client, rows, week=WEEK):
    """POST ``rows`` of ``(angebot id, date, participants)`` as the grid's formset would."""
    data = {
        "teilnahme-TOTAL_FORMS": str(len(rows)),
        "teilnahme-INITIAL_FORMS": str(len(rows)),
        "teilnahme-MIN_NUM_FORMS": "0",
        "teilnahme-MAX_NUM_FORMS": "1000",
    }
    for i, (angebot_id, day, participants) in enumerate(rows):
        data[f"teilnahme-{i}-angebot"] = str(angebot_id)
        data[f"teilnahme-{i}-date"] = day.isoformat()
        data[f"teilnahme-{i}-participants"] = "" if participants is None else str(participants)
    return client.post(f"{URL}?woche={week}", data)


def rows_of(response):
    return [(form.occurrence.angebot.pk, form.occurrence.date) for form in response.context["formset"]]


def test_the_grid_shows_one_row_per_occurrence_of_the_week_without_cancellations(gwa, kuckuck, nordstadt):
    tuesday = weekly_angebot(kuckuck)
    f.ScheduleFactory(angebot=tuesday, weekday=Schedule.Weekday.THURSDAY)
    cancelled = weekly_angebot(kuckuck, weekday=Schedule.Weekday.FRIDAY)
    cancelled.cancellations.create(date=MONDAY + datetime.timedelta(days=4), reason="Ferien")
    weekly_angebot(kuckuck, valid_from=datetime.date(2019, 4, 1))  # not yet valid
    weekly_angebot(nordstadt)  # not in the social worker's quarters

    response = grid(client_for(gwa))

    assert response.status_code == 200
    assert rows_of(response) == [(tuesday.pk, TUESDAY), (tuesday.pk, MONDAY + datetime.timedelta(days=3))]
    assert [o.angebot for o in response.context["cancelled"]] == [cancelled]
    assert "Ferien" in response.content.decode()


def test_the_grid_defaults_to_this_week_and_links_the_weeks_around_it(gwa, kuckuck):
    response = client_for(gwa).get(URL)
    assert response.context["monday"].weekday() == 0
    response = grid(client_for(gwa))
    assert response.context["previous_week"] == "2019-W10"
    assert response.context["next_week"] == "2019-W12"
    assert 'href="?woche=2019-W12"' in response.content.decode()


def test_the_grid_saves_all_counts_at_once_and_logs_each(gwa, kuckuck):
    first, second = weekly_angebot(kuckuck), weekly_angebot(kuckuck)
    client = client_for(gwa)

    response = post_rows(client, [(first.pk, TUESDAY, 12), (second.pk, TUESDAY, 0)])

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?woche={WEEK}"
    counts = {t.angebot_id: (t.participants, t.recorded_by) for t in Teilnahme.objects.all()}
    assert counts == {first.pk: (12, gwa), second.pk: (0, gwa)}
    assert LogEntry.objects.filter(action="treffpunkte.teilnahme.created", actor=gwa).count() == 2


def test_recorded_counts_are_prefilled_and_updated(gwa, kuckuck):
    angebot = weekly_angebot(kuckuck)
    f.TeilnahmeFactory(angebot=angebot, date=TUESDAY, participants=7)
    client = client_for(gwa)

    assert grid(client).context["formset"].forms[0]["participants"].value() == 7
    assert post_rows(client, [(angebot.pk, TUESDAY, 9)]).status_code == 302

    assert Teilnahme.objects.get().participants == 9
    log = LogEntry.objects.get(action="treffpunkte.teilnahme.changed")
    assert log.data["changes"] == {"participants": [7, 9]}


def test_an_unchanged_count_is_neither_saved_nor_logged_and_an_emptied_one_is_removed(gwa, kuckuck):
    kept, emptied = weekly_angebot(kuckuck), weekly_angebot(kuckuck)
    f.TeilnahmeFactory(angebot=kept, date=TUESDAY, participants=7)
    f.TeilnahmeFactory(angebot=emptied, date=TUESDAY, participants=3)

    post_rows(client_for(gwa), [(kept.pk, TUESDAY, 7), (emptied.pk, TUESDAY, None)])

    assert list(Teilnahme.objects.values_list("angebot", "participants")) == [(kept.pk, 7)]
    assert list(LogEntry.objects.values_list("action", flat=True)) == ["treffpunkte.teilnahme.deleted"]


def test_a_negative_count_is_refused_next_to_the_field_and_nothing_is_saved(gwa, kuckuck):
    good, bad = weekly_angebot(kuckuck), weekly_angebot(kuckuck)

    response = post_rows(client_for(gwa), [(good.pk, TUESDAY, 5), (bad.pk, TUESDAY, -2)])

    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[1].has_error("participants", "min_value")
    assert forms[0]["participants"].value() == "5"  # the person's input stays
    assert not Teilnahme.objects.exists()
    assert not LogEntry.objects.exists()


def test_a_forged_date_outside_the_schedule_is_refused_and_nothing_is_saved(gwa, kuckuck):
    angebot = weekly_angebot(kuckuck)
    wednesday = TUESDAY + datetime.timedelta(days=1)

    response = post_rows(client_for(gwa), [(angebot.pk, TUESDAY, 5), (angebot.pk, wednesday, 8)])

    assert response.status_code == 200
    assert response.context["formset"].forms[1].has_error("__all__", "not_scheduled")
    assert not Teilnahme.objects.exists()


def test_a_cancelled_date_or_another_week_is_refused(gwa, kuckuck):
    angebot = weekly_angebot(kuckuck)
    angebot.cancellations.create(date=TUESDAY)
    next_tuesday = TUESDAY + datetime.timedelta(weeks=1)

    assert post_rows(client_for(gwa), [(angebot.pk, TUESDAY, 5)]).status_code == 200
    assert post_rows(client_for(gwa), [(angebot.pk, next_tuesday, 5)]).status_code == 200
    assert not Teilnahme.objects.exists()


def test_an_offer_outside_the_persons_quarters_is_refused(gwa, nordstadt):
    elsewhere = weekly_angebot(nordstadt)

    response = post_rows(client_for(gwa), [(elsewhere.pk, TUESDAY, 5)])

    assert response.status_code == 200
    assert not Teilnahme.objects.exists()


def test_attendance_is_recorded_also_while_the_offer_is_under_review_or_approved(gwa, kuckuck):
    submitted = weekly_angebot(kuckuck)
    submitted.review_state = "submitted"
    submitted.save()
    approved = f.AngebotFactory(approved=True, treffpunkt=f.TreffpunktFactory(quartier=kuckuck))
    f.ScheduleFactory(angebot=approved)

    response = post_rows(client_for(gwa), [(submitted.pk, TUESDAY, 4), (approved.pk, TUESDAY, 6)])

    assert response.status_code == 302
    assert Teilnahme.objects.count() == 2


def test_the_coordinator_sees_the_offers_of_every_quarter(qm, kuckuck, nordstadt):
    weekly_angebot(kuckuck), weekly_angebot(nordstadt)
    assert len(rows_of(grid(client_for(qm)))) == 2


@pytest.mark.parametrize("person", ["familie", "leitung", "norole"])
def test_people_who_do_not_record_attendance_are_refused(person, familie, db):
    users = {
        "familie": familie,
        "leitung": f.UserFactory(role="leitung"),
        "norole": f.UserFactory(role=""),
    }
    assert grid(client_for(users[person])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login(client, db):
    response = grid(client)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
