"""Calendar feeds (iCalendar, RFC 5545) of the public offers of a meeting point, a quarter or one offer.

One event per time (``Schedule`` row): a series as a recurrence rule that yields exactly the dates of
``Schedule.dates``, a single date as one event; cancelled dates are left out as EXDATE. Times are Hameln's
local time (Europe/Berlin, with its VTIMEZONE), so calendars keep them right across daylight saving time.
"""

import datetime
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from quartiere.models import Quartier
from treffpunkte.models import Schedule
from verzeichnis import public
from verzeichnis.cache import cached_public

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Long enough to hold the first date of any series: every eighth week at most, or one monthly date.
FIRST_DATE_SEARCH = datetime.timedelta(days=62)
# How often calendar apps should fetch the feed again (RFC 7986 and the older Microsoft property).
REFRESH = datetime.timedelta(hours=6)
# The quarters' outlines (GeoJSON) can be large; offers list nothing of them.
BOUNDARIES = ("quartier__boundary", "treffpunkt__quartier__boundary")


def location(angebot, schedule):
    """Where the time takes place: its own meeting point or place, else the offer's meeting point; name and
    address in one line. A meeting point that is not public is never named (``place_is_public`` of
    ``verzeichnis.public``). The weekly programme template shows places by the same rule."""
    if schedule.treffpunkt_id:
        treffpunkt = schedule.treffpunkt if schedule.place_is_public else None
    elif schedule.place:
        treffpunkt = None
    else:
        treffpunkt = angebot.treffpunkt if angebot.place_is_public else None
    if treffpunkt is None:
        return schedule.place
    address = ", ".join(
        part for part in (treffpunkt.street, f"{treffpunkt.postal_code} {treffpunkt.city}".strip()) if part
    )
    return f"{treffpunkt.name}, {address}" if address else treffpunkt.name


def first_date(angebot, schedule):
    """The first date of the time, the start of its series (``None`` if it never takes place).

    A series without “valid from” has no first date of its own; it counts from the day the offer was entered,
    which stays the same from one fetch of the feed to the next.
    """
    if schedule.kind == Schedule.Kind.SINGLE:
        return schedule.date
    start = schedule.valid_from or timezone.localdate(angebot.created_at)
    dates = schedule.dates(start, start + FIRST_DATE_SEARCH)
    return dates[0] if dates else None


def recurrence(schedule):
    """The recurrence rule of a series, ``None`` for a single date.

    From the first date on, every ``interval`` weeks on the weekday, or the nth (-1: last) weekday of every
    month: the dates ``Schedule.dates`` gives. The series ends at the end of “valid until”, given in UTC as
    RFC 5545 requires with a local start time.
    """
    if schedule.kind == Schedule.Kind.SINGLE:
        return None
    weekday = WEEKDAYS[schedule.weekday]
    if schedule.kind == Schedule.Kind.MONTHLY:
        rule = {"freq": "monthly", "byday": [f"{schedule.week_of_month}{weekday}"]}
    else:
        rule = {"freq": "weekly", "interval": schedule.interval or 1, "byday": [weekday]}
    if schedule.valid_until:
        end_of_day = datetime.datetime.combine(schedule.valid_until, datetime.time(23, 59, 59), tzinfo=BERLIN)
        rule["until"] = end_of_day.astimezone(datetime.UTC)
    return rule


def local(day, time):
    return datetime.datetime.combine(day, time, tzinfo=BERLIN)


def event(request, angebot, schedule, cancelled, language):
    """The VEVENT of one time of ``angebot``, or ``None`` when it has no date left (a cancelled single date
    is left out rather than sent as an event without dates, which calendar apps show anyway)."""
    first = first_date(angebot, schedule)
    if first is None:
        return None
    exdates = [
        local(day, schedule.start_time) for day in sorted(cancelled) if day >= first and schedule.dates(day, day)
    ]
    rule = recurrence(schedule)
    if rule is None and exdates:
        return None
    vevent = Event()
    vevent.add("uid", f"schedule-{schedule.pk}@{request.get_host()}")
    vevent.add("dtstamp", angebot.approved_at)
    vevent.add("dtstart", local(first, schedule.start_time))
    vevent.add("dtend", local(first, schedule.end_time))
    if rule:
        vevent.add("rrule", rule)
    if exdates:
        vevent.add("exdate", exdates)
    vevent.add("summary", angebot.title)
    if where := location(angebot, schedule):
        vevent.add("location", where)
    description, description_language = angebot.description_in(language)
    if description:
        vevent.add("description", description, parameters={"LANGUAGE": description_language})
    vevent.add("categories", [angebot.kategorie.name])
    vevent.add("url", request.build_absolute_uri(angebot.public_url))
    return vevent


def calendar_response(request, name, offers, filename, *, at=None):
    """The feed of ``offers`` (public ones, with schedules and cancellations prefetched) as a response; with
    ``at``, a meeting point's feed (visiting offers only with their times held there)."""
    language = get_language()
    calendar = Calendar()
    calendar.add("prodid", f"-//Stadt Hameln//Hameln Quartiere//{language.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(BERLIN))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    starts = []
    for angebot in offers:
        cancelled = {cancellation.date for cancellation in angebot.cancellations.all()}
        for schedule in public.held_at(angebot, angebot.schedules.all(), at):
            if vevent := event(request, angebot, schedule, cancelled, language):
                calendar.add_component(vevent)
                starts.append(vevent.decoded("dtstart").date())
    if starts:
        # The time zone's rules from the first event on, not from 1970: the feed stays small.
        calendar.add_missing_timezones(first_date=min(starts))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@cached_public
def treffpunkt_calendar(request, slug):
    treffpunkt = get_object_or_404(public.treffpunkte(), slug=slug)
    offers = public.offers_at(treffpunkt).defer(*BOUNDARIES)
    name = _("Offers at %(name)s") % {"name": treffpunkt.name}
    return calendar_response(request, name, offers, f"{treffpunkt.slug}.ics", at=treffpunkt)


@cached_public
def quartier_calendar(request, slug):
    quartier = get_object_or_404(Quartier.objects.defer("boundary"), slug=slug)
    offers = public.angebote_for_listing().filter(quartier=quartier).defer(*BOUNDARIES)
    name = _("Offers in %(name)s") % {"name": quartier.name}
    return calendar_response(request, name, offers, f"{quartier.slug}.ics")


@cached_public
def angebot_calendar(request, pk):
    offers = public.angebote_for_listing().filter(pk=pk).defer(*BOUNDARIES)
    angebot = get_object_or_404(offers)
    return calendar_response(request, angebot.title, [angebot], f"angebot-{angebot.pk}.ics")


urlpatterns = [
    path("treffpunkte/<slug:slug>/kalender.ics", treffpunkt_calendar, name="kalender-treffpunkt"),
    path("quartiere/<slug:slug>/kalender.ics", quartier_calendar, name="kalender-quartier"),
    path("angebote/<int:pk>/kalender.ics", angebot_calendar, name="kalender-angebot"),
]
