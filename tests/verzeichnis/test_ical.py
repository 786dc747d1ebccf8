"""The calendar feeds: they parse, and a calendar app expanding them gets exactly the dates of the occurrence rule."""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from tests import factories as f
from treffpunkte.models import Cancellation, Schedule, Treffpunkt

BERLIN = ZoneInfo("Europe/Berlin")
EIGHT_WEEKS = datetime.timedelta(weeks=8)


def feed(client, name, *args, language="de", status=200):
    with translation.override(language):
        url = reverse(f"verzeichnis:{name}", args=args)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


def events(response):
    return Calendar.from_ical(response.content).walk("VEVENT")


def excluded(vevent):
    """The EXDATE values of an event, as datetimes (one or several EXDATE lines)."""
    exdates = vevent.get("EXDATE", [])
    if not isinstance(exdates, list):
        exdates = [exdates]
    return {value.dt for exdate in exdates for value in exdate.dts}


def expanded(response, first, last):
    """``{summary: dates}`` from ``first`` to ``last`` as a calendar app sees them: RRULE expanded by dateutil,
    minus EXDATE."""
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=BERLIN)
    end = datetime.datetime.combine(last, datetime.time.max, tzinfo=BERLIN)
    dates = defaultdict(set)
    for vevent in events(response):
        dtstart = vevent.decoded("DTSTART")
        if "RRULE" in vevent:
            instances = rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=dtstart).between(start, end, inc=True)
        else:
            instances = [dtstart] if start <= dtstart <= end else []
        dates[str(vevent["SUMMARY"])] |= {instance.date() for instance in instances if instance not in excluded(vevent)}
    return {summary: sorted(days) for summary, days in dates.items() if days}


def occurrences(angebote, first, last):
    return {
        angebot.title: [occurrence.date for occurrence in angebot.occurrences(first, last)]
        for angebot in angebote
        if angebot.occurrences(first, last)
    }


def offer(nest, title, *schedules, cancel_nth=(), cancel_on=()):
    """An approved offer at ``nest`` with the given schedule rows; cancelled on the nth of its dates from today
    on (``cancel_nth``) and on the dates ``cancel_on``."""
    angebot = f.AngebotFactory(treffpunkt=nest, title=title, approved=True)
    for fields in schedules:
        f.ScheduleFactory(angebot=angebot, **fields)
    today = timezone.localdate()
    upcoming = angebot.occurrences(today, today + EIGHT_WEEKS)
    for day in [*(upcoming[nth].date for nth in cancel_nth), *cancel_on]:
        Cancellation.objects.create(angebot=angebot, date=day, reason="Ferien")
    return angebot


def monday_after(day):
    return day + datetime.timedelta(days=7 - day.weekday())


@pytest.fixture
def programme(nest, today):
    """Offers with every kind of time the feeds must express, some dates cancelled."""
    monthly, single = Schedule.Kind.MONTHLY, Schedule.Kind.SINGLE
    return [
        offer(nest, "Sprachcafé", {"weekday": Schedule.Weekday.TUESDAY}, cancel_nth=[1]),
        # Every second week counted from the fixed Monday of Schedule.dates, as there is no “valid from”.
        offer(nest, "Männertreff", {"weekday": Schedule.Weekday.THURSDAY, "interval": 2}, cancel_nth=[0]),
        # Every third week counted from a “valid from” in the past on another weekday, ending within the weeks.
        offer(
            nest,
            "Nähwerkstatt",
            {
                "weekday": Schedule.Weekday.WEDNESDAY,
                "interval": 3,
                "valid_from": today - datetime.timedelta(days=38),
                "valid_until": today + datetime.timedelta(days=40),
            },
        ),
        offer(nest, "Elterncafé", {"kind": monthly, "weekday": Schedule.Weekday.TUESDAY, "week_of_month": 2}),
        offer(
            nest,
            "Kochabend",
            {"kind": monthly, "weekday": Schedule.Weekday.FRIDAY, "week_of_month": -1},
            cancel_nth=[1],
        ),
        offer(
            nest,
            "Stadtteilfest",
            {"kind": single, "weekday": None, "date": today + datetime.timedelta(days=10)},
            {"kind": single, "weekday": None, "date": today + datetime.timedelta(days=12)},
            cancel_nth=[1],
        ),
        # Two times on the same day; its cancellation takes both.
        offer(
            nest,
            "Hausaufgabenhilfe",
            {"weekday": Schedule.Weekday.MONDAY},
            {"weekday": Schedule.Weekday.MONDAY, "start_time": datetime.time(18), "end_time": datetime.time(19)},
            {"weekday": Schedule.Weekday.FRIDAY},
            cancel_on=[monday_after(today + datetime.timedelta(weeks=1))],
        ),
    ]


def test_the_feed_expands_to_exactly_the_dates_of_the_occurrence_rule(client, nest, programme, today):
    response = feed(client, "kalender-treffpunkt", nest.slug)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    for last in (today + EIGHT_WEEKS, today + datetime.timedelta(days=400)):
        assert expanded(response, today, last) == occurrences(programme, today, last)


def test_recurring_times_are_recurrence_rules_with_their_end(client, nest, programme, today):
    rules = {
        str(vevent["SUMMARY"]): vevent["RRULE"].to_ical().decode()
        for vevent in events(feed(client, "kalender-treffpunkt", nest.slug))
        if "RRULE" in vevent
    }

    assert rules["Sprachcafé"] == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    assert rules["Männertreff"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert rules["Elterncafé"] == "FREQ=MONTHLY;BYDAY=2TU"
    assert rules["Kochabend"] == "FREQ=MONTHLY;BYDAY=-1FR"
    # The end of the last day, in UTC as RFC 5545 asks for with a local start time.
    until = datetime.datetime.combine(today + datetime.timedelta(days=40), datetime.time(23, 59, 59), tzinfo=BERLIN)
    assert (
        rules["Nähwerkstatt"]
        == f"FREQ=WEEKLY;UNTIL={until.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ};INTERVAL=3;BYDAY=WE"
    )


def test_cancelled_dates_are_excluded_only_from_the_times_they_fall_on(client, nest, programme, today):
    vevents = events(feed(client, "kalender-treffpunkt", nest.slug))
    exdates = {
        (str(vevent["SUMMARY"]), vevent.decoded("DTSTART").weekday(), vevent.decoded("DTSTART").time()): excluded(
            vevent
        )
        for vevent in vevents
    }
    monday = monday_after(today + datetime.timedelta(weeks=1))

    # Both Monday times lose the cancelled Monday, the Friday time nothing.
    assert exdates[("Hausaufgabenhilfe", 0, datetime.time(15))] == {
        datetime.datetime.combine(monday, datetime.time(15), tzinfo=BERLIN)
    }
    assert exdates[("Hausaufgabenhilfe", 0, datetime.time(18))] == {
        datetime.datetime.combine(monday, datetime.time(18), tzinfo=BERLIN)
    }
    assert exdates[("Hausaufgabenhilfe", 4, datetime.time(15))] == set()
    # The cancelled single date is no event; the other one is.
    (festival,) = [vevent for vevent in vevents if str(vevent["SUMMARY"]) == "Stadtteilfest"]
    assert festival.decoded("DTSTART").date() == today + datetime.timedelta(days=10)
    assert "RRULE" not in festival and "EXDATE" not in festival


def test_times_are_in_berlin_time_with_the_time_zone_described(client, nest, programme):
    response = feed(client, "kalender-treffpunkt", nest.slug)
    calendar = Calendar.from_ical(response.content)

    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Berlin"
    for vevent in calendar.walk("VEVENT"):
        assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert vevent["DTEND"].params["TZID"] == "Europe/Berlin"
    assert b"DTSTART;TZID=Europe/Berlin:" in response.content


def test_an_event_names_the_offer_its_place_its_description_and_links_to_the_offer_page(client, nest, today):
    angebot = f.AngebotFactory(
        treffpunkt=nest,
        title="Sprachcafé",
        description="Deutsch üben bei Kaffee und Tee.",
        description_en="Practise German over coffee and tea.",
        approved=True,
    )
    f.ScheduleFactory(angebot=angebot)

    (vevent,) = events(feed(client, "kalender-angebot", angebot.pk))

    assert str(vevent["SUMMARY"]) == "Sprachcafé"
    assert str(vevent["LOCATION"]) == "Stadtteiltreff Kuckucksnest, Kuckucksweg 1, 31785 Hameln"
    assert str(vevent["DESCRIPTION"]) == "Deutsch üben bei Kaffee und Tee."
    assert str(vevent["URL"]) == f"http://testserver/de/angebote/{angebot.pk}/"

    (english,) = events(feed(client, "kalender-angebot", angebot.pk, language="en"))
    assert str(english["DESCRIPTION"]) == "Practise German over coffee and tea."
    assert english["DESCRIPTION"].params["LANGUAGE"] == "en"
    assert str(english["URL"]) == f"http://testserver/en/angebote/{angebot.pk}/"
    # Without an Arabic description, the German one, said to be German.
    (arabic,) = events(feed(client, "kalender-angebot", angebot.pk, language="ar"))
    assert str(arabic["DESCRIPTION"]) == "Deutsch üben bei Kaffee und Tee."
    assert arabic["DESCRIPTION"].params["LANGUAGE"] == "de"


def test_a_time_at_another_place_is_located_there(client, nest, kuckuck):
    elsewhere = f.TreffpunktFactory(
        quartier=kuckuck, name="Gemeindehaus", street="Kirchplatz 2", postal_code="31785", approved=True
    )
    mobile = f.AngebotFactory(quartier=kuckuck, treffpunkt=None, is_mobile=True, title="Wandertreff", approved=True)
    f.ScheduleFactory(angebot=mobile, weekday=Schedule.Weekday.MONDAY, place="Spielplatz am Bach")
    f.ScheduleFactory(angebot=mobile, weekday=Schedule.Weekday.FRIDAY, treffpunkt=elsewhere)
    # A meeting point that is not public is never named: the place given with the time, or none.
    hidden = f.TreffpunktFactory(quartier=kuckuck, name="Geheimtreff")
    f.ScheduleFactory(angebot=mobile, weekday=Schedule.Weekday.SATURDAY, treffpunkt=hidden, place="Hinterhof")
    f.ScheduleFactory(angebot=mobile, weekday=Schedule.Weekday.SUNDAY, treffpunkt=hidden)

    vevents = events(feed(client, "kalender-angebot", mobile.pk))

    assert [str(vevent.get("LOCATION", "")) for vevent in vevents] == [
        "Spielplatz am Bach",
        "Gemeindehaus, Kirchplatz 2, 31785 Hameln",
        "Hinterhof",
        "",
    ]


def test_an_offers_own_meeting_point_is_named_only_while_public(client, kuckuck):
    closed = f.TreffpunktFactory(quartier=kuckuck, name="Alter Treff", status=Treffpunkt.Status.CLOSED, approved=True)
    mobile = f.AngebotFactory(quartier=kuckuck, treffpunkt=closed, is_mobile=True, title="Wandertreff", approved=True)
    f.ScheduleFactory(angebot=mobile)

    (vevent,) = events(feed(client, "kalender-angebot", mobile.pk))

    assert "LOCATION" not in vevent
    assert b"Alter Treff" not in feed(client, "kalender-quartier", kuckuck.slug).content


def test_uids_stay_the_same_from_one_fetch_to_the_next(client, nest, programme):
    before = {str(vevent["UID"]) for vevent in events(feed(client, "kalender-treffpunkt", nest.slug))}
    offer(nest, "Neues Angebot", {"weekday": Schedule.Weekday.SATURDAY})  # changes the content: a fresh feed

    after = {str(vevent["UID"]) for vevent in events(feed(client, "kalender-treffpunkt", nest.slug))}

    assert len(after) == len(before) + 1
    assert before < after


def test_the_quarter_feed_has_the_quarters_public_offers_only(client, kuckuck, nest):
    f.ScheduleFactory(angebot=f.AngebotFactory(treffpunkt=nest, title="Sprachcafé", approved=True))
    mobile = f.AngebotFactory(quartier=kuckuck, treffpunkt=None, is_mobile=True, title="Wandertreff", approved=True)
    f.ScheduleFactory(angebot=mobile, place="Spielplatz")
    hidden = [
        f.AngebotFactory(treffpunkt=nest, title="Entwurf"),
        f.AngebotFactory(treffpunkt=f.TreffpunktFactory(approved=True), title="Anderes Quartier", approved=True),
        f.AngebotFactory(
            treffpunkt=f.TreffpunktFactory(quartier=kuckuck, status=Treffpunkt.Status.CLOSED, approved=True),
            title="Am geschlossenen Treff",
            approved=True,
        ),
    ]
    for angebot in hidden:
        f.ScheduleFactory(angebot=angebot)

    summaries = {str(vevent["SUMMARY"]) for vevent in events(feed(client, "kalender-quartier", kuckuck.slug))}

    assert summaries == {"Sprachcafé", "Wandertreff"}


def test_a_pending_change_is_not_in_the_feed_until_it_is_approved(client, nest):
    angebot = f.AngebotFactory(treffpunkt=nest, title="Sprachcafé", approved=True, pending={"title": "Neuer Titel"})
    f.ScheduleFactory(angebot=angebot)

    for response in (feed(client, "kalender-treffpunkt", nest.slug), feed(client, "kalender-angebot", angebot.pk)):
        assert [str(vevent["SUMMARY"]) for vevent in events(response)] == ["Sprachcafé"]
        assert b"Neuer Titel" not in response.content


def test_what_is_not_public_has_no_feed(client, kuckuck, nest):
    draft = f.AngebotFactory(treffpunkt=nest, title="Entwurf")
    closed = f.TreffpunktFactory(quartier=kuckuck, status=Treffpunkt.Status.CLOSED, approved=True)
    unapproved = f.TreffpunktFactory(quartier=kuckuck)
    at_closed = f.AngebotFactory(treffpunkt=closed, approved=True)

    feed(client, "kalender-angebot", draft.pk, status=404)
    feed(client, "kalender-angebot", at_closed.pk, status=404)
    feed(client, "kalender-treffpunkt", closed.slug, status=404)
    feed(client, "kalender-treffpunkt", unapproved.slug, status=404)
    feed(client, "kalender-quartier", "gibt-es-nicht", status=404)


@pytest.mark.parametrize("name", ["kalender-treffpunkt", "kalender-quartier"])
def test_the_feeds_cost_the_same_queries_for_two_and_for_six_offers(client, django_assert_num_queries, nest, name):
    slug = nest.slug if name == "kalender-treffpunkt" else nest.quartier.slug
    for count in (2, 6):
        while nest.angebote.count() < count:
            angebot = f.AngebotFactory(treffpunkt=nest, approved=True)
            f.ScheduleFactory(angebot=angebot)
            Cancellation.objects.create(angebot=angebot, date=datetime.date(2030, 1, 1))
        with django_assert_num_queries(6):
            assert len(events(feed(client, name, slug))) == count
