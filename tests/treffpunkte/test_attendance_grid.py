"""The attendance grid: a row per occurrence of the person's offers in a week, all counts saved in one POST."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hameln_quartiere.models import LogEntry
from tests import factories as f
from tests.treffpunkte.conftest import MONDAY, WEEK, client_for, weekly_angebot
from treffpunkte.models import Schedule, Teilnahme

TUESDAY = MONDAY + datetime.timedelta(days=1)
URL = reverse("treffpunkte:attendance-grid")


def grid(client, week=WEEK):
    return client.get(URL, {"woche": week})


def post_rows(client, rows, week=WEEK):
    """POST ``rows`` of ``(angebot id, date, participants[, loaded])`` as the grid's formset would; ``loaded``, the
    count the page showed, is none unless given."""
    data = {
        "teilnahme-TOTAL_FORMS": str(len(rows)),
        "teilnahme-INITIAL_FORMS": str(len(rows)),
        "teilnahme-MIN_NUM_FORMS": "0",
        "teilnahme-MAX_NUM_FORMS": "1000",
    }
    for i, (angebot_id, day, participants, *loaded) in enumerate(rows):
        data[f"teilnahme-{i}-angebot"] = str(angebot_id)
        data[f"teilnahme-{i}-date"] = day.isoformat()
        data[f"teilnahme-{i}-participants"] = "" if participants is None else str(participants)
        data[f"teilnahme-{i}-loaded"] = "" if not loaded or loaded[0] is None else str(loaded[0])
    return client.post(f"{URL}?woche={week}", data)


def save_grid(client, page, changes, week=WEEK):
    """Save the grid ``page`` (a response) like the browser would, with ``{row index: count}`` typed in."""
    data = {}
    for form in [page.context["formset"].management_form, *page.context["formset"]]:
        for field in form:
            value = field.value()
            data[field.html_name] = "" if value is None else str(value)
    for i, participants in changes.items():
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
    assert post_rows(client, [(angebot.pk, TUESDAY, 9, 7)]).status_code == 302

    assert Teilnahme.objects.get().participants == 9
    log = LogEntry.objects.get(action="treffpunkte.teilnahme.changed")
    assert log.data["changes"] == {"participants": [7, 9]}


def test_an_unchanged_count_is_neither_saved_nor_logged_and_an_emptied_one_is_removed(gwa, kuckuck):
    kept, emptied = weekly_angebot(kuckuck), weekly_angebot(kuckuck)
    f.TeilnahmeFactory(angebot=kept, date=TUESDAY, participants=7)
    f.TeilnahmeFactory(angebot=emptied, date=TUESDAY, participants=3)

    post_rows(client_for(gwa), [(kept.pk, TUESDAY, 7, 7), (emptied.pk, TUESDAY, None, 3)])

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


# --- Two people in the same week: nobody's count is overwritten unknowingly ---------------------------------------


def test_two_people_saving_the_same_week_keep_each_others_counts_and_a_conflict_is_refused(gwa, qm, kuckuck):
    first, second = weekly_angebot(kuckuck), weekly_angebot(kuckuck)
    a, b = client_for(gwa), client_for(qm)
    page_a, page_b = grid(a), grid(b)  # both load the week with nothing recorded

    assert save_grid(a, page_a, {0: 12}).status_code == 302
    # B saves row 2 from the page loaded before: A's row 1, empty on B's page, is left alone.
    assert save_grid(b, page_b, {1: 5}).status_code == 302
    assert dict(Teilnahme.objects.values_list("angebot", "participants")) == {first.pk: 12, second.pk: 5}

    # B types a different count into row 1 (and changes row 2 again): refused, nothing of the grid is saved.
    response = save_grid(b, page_b, {0: 15, 1: 6})

    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert form.has_error("participants")
    message = " ".join(form.errors["participants"])
    assert "12" in message and str(gwa) in message
    assert form["participants"].value() == "15"  # B's input stays
    assert form["loaded"].value() == "12"  # the count recorded now: saving again is deliberate
    assert response.context["formset"].forms[1]["participants"].value() == "6"
    assert dict(Teilnahme.objects.values_list("angebot", "participants")) == {first.pk: 12, second.pk: 5}
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert not LogEntry.objects.filter(actor=qm, action="treffpunkte.teilnahme.changed").exists()

    # Saving the refused page again replaces A's count on purpose.
    assert save_grid(b, response, {}).status_code == 302
    assert dict(Teilnahme.objects.values_list("angebot", "participants")) == {first.pk: 15, second.pk: 6}
    assert Teilnahme.objects.get(angebot=first).recorded_by == qm


def test_a_row_left_alone_is_not_written_even_if_its_count_changed_meanwhile(gwa, qm, kuckuck):
    first, second = weekly_angebot(kuckuck), weekly_angebot(kuckuck)
    f.TeilnahmeFactory(angebot=first, date=TUESDAY, participants=7, recorded_by=gwa)
    page = grid(client_for(qm))
    Teilnahme.objects.filter(angebot=first).delete()  # someone removed it meanwhile

    assert save_grid(client_for(qm), page, {1: 3}).status_code == 302

    assert dict(Teilnahme.objects.values_list("angebot", "participants")) == {second.pk: 3}


def test_a_count_removed_meanwhile_is_refused_once(gwa, qm, kuckuck):
    angebot = weekly_angebot(kuckuck)
    f.TeilnahmeFactory(angebot=angebot, date=TUESDAY, participants=7, recorded_by=gwa)
    client = client_for(qm)
    page = grid(client)
    Teilnahme.objects.all().delete()

    response = save_grid(client, page, {0: 9})

    assert response.status_code == 200
    assert response.context["formset"].forms[0].has_error("participants")
    assert not Teilnahme.objects.exists()
    assert save_grid(client, response, {}).status_code == 302
    assert Teilnahme.objects.get().participants == 9


def test_the_same_count_saved_by_two_people_is_no_conflict(gwa, qm, kuckuck):
    angebot = weekly_angebot(kuckuck)
    page = grid(client_for(qm))
    f.TeilnahmeFactory(angebot=angebot, date=TUESDAY, participants=8, recorded_by=gwa)

    assert save_grid(client_for(qm), page, {0: 8}).status_code == 302

    assert Teilnahme.objects.get().recorded_by == gwa
    assert not LogEntry.objects.exists()


# --- ?woche= -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "week", ["9999-W52", "0001-W01", "1999-W52", "2101-W01", "2019-W54", "2019-W00", "2019-W11-W2", "11", "2019-X11"]
)
def test_a_week_outside_2000_to_2100_or_no_week_at_all_shows_this_week_with_a_message(gwa, kuckuck, week):
    response = grid(client_for(gwa), week=week)

    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["monday"] == today - datetime.timedelta(days=today.weekday())
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "abc"])
def test_a_wrong_week_is_still_refused_to_people_who_do_not_record_attendance(familie, week):
    assert grid(client_for(familie), week=week).status_code == 403


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01"])
def test_saving_with_a_wrong_week_does_not_fail(gwa, kuckuck, week):
    angebot = weekly_angebot(kuckuck)
    response = post_rows(client_for(gwa), [(angebot.pk, TUESDAY, 5)], week=week)
    assert response.status_code == 200  # another week than the one shown: refused, not a server error
    assert not Teilnahme.objects.exists()


def test_the_first_and_last_weeks_link_no_week_beyond_them(gwa, kuckuck):
    first = grid(client_for(gwa), week="2000-W01")
    assert first.context["previous_week"] is None
    assert first.context["next_week"] == "2000-W02"
    assert 'rel="prev"' not in first.content.decode()
    last = grid(client_for(gwa), week="2100-W52")
    assert last.context["next_week"] is None
    assert 'rel="next"' not in last.content.decode()
    assert not list(last.context["messages"])


def test_on_small_screens_the_grid_hides_the_side_columns_and_keeps_the_labelled_input(gwa, kuckuck):
    weekly_angebot(kuckuck)
    content = grid(client_for(gwa)).content.decode()
    assert content.count('class="d-none d-md-table-cell"') == 6  # date, time and place: head and row
    assert 'class="d-md-none small text-body-secondary"' in content
    assert "Teilnehmende: " in content
