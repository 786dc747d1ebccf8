"""What residents may see: the one definition of public content, used by every page, feed and the open data.

Only approved entries, in their approved version (a pending change stays in ``pending`` until it is approved).
Meeting points are public while they are open or being set up; an offer is public with its meeting point, or
as a mobile offer. An operator is public through a public meeting point; a contact person only with consent.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q

from treffpunkte.models import Angebot, Kontaktperson, Schedule, Traeger, Treffpunkt

PUBLIC_STATUSES = (Treffpunkt.Status.SETTING_UP, Treffpunkt.Status.ACTIVE, Treffpunkt.Status.DORMANT)


def treffpunkte():
    return Treffpunkt.objects.approved().filter(status__in=PUBLIC_STATUSES)


def angebote():
    return Angebot.objects.approved().filter(Q(is_mobile=True) | Q(treffpunkt__in=treffpunkte()))


def traeger():
    return Traeger.objects.filter(Exists(treffpunkte().filter(traeger=OuterRef("pk"))))


def kontaktpersonen():
    return Kontaktperson.objects.filter(is_public=True)


def at_public_place(treffpunkt_field):
    """Annotation: whether ``treffpunkt_field`` names a public meeting point.

    A mobile offer, or one time of an offer, may name a meeting point that is closed or not approved; such a
    place must not show through the offer (``place_is_public`` is false, and pages leave it out).
    """
    return Exists(treffpunkte().filter(pk=OuterRef(treffpunkt_field)))


def schedules():
    """An offer's times, each knowing whether the other meeting point it names (if any) is public."""
    return Schedule.objects.select_related("treffpunkt").annotate(place_is_public=at_public_place("treffpunkt"))


def angebote_for_listing():
    """Public offers with what a list of them shows, in a fixed number of queries however many there are."""
    return (
        angebote()
        .annotate(place_is_public=at_public_place("treffpunkt"))
        .select_related("kategorie", "quartier", "treffpunkt__quartier", "treffpunkt__traeger")
        .prefetch_related("zielgruppen", "sprachen", Prefetch("schedules", queryset=schedules()), "cancellations")
        .order_by("title", "pk")
    )


def offers_at(treffpunkt):
    """The public offers that take place at ``treffpunkt``: those based there, and those of which a time is held
    there (the wandering residents' meeting on its day at the parish hall)."""
    return angebote_for_listing().filter(Q(treffpunkt=treffpunkt) | Q(schedules__treffpunkt=treffpunkt)).distinct()


def held_at(angebot, schedules, treffpunkt):
    """Those of ``schedules`` (times of ``angebot``) held at ``treffpunkt``: all of an offer based there (a time
    elsewhere is named with its place), else the times that name it."""
    if treffpunkt is None or angebot.treffpunkt_id == treffpunkt.pk:
        return list(schedules)
    return [schedule for schedule in schedules if schedule.treffpunkt_id == treffpunkt.pk]


def quartier_listing(quartier):
    """A quarter's public meeting points, each with its offers (``public_offers``), and its mobile offers.

    The offers are read once for the whole quarter and shared out, so the page costs the same few queries.
    """
    treffpunkte_ = list(
        treffpunkte().filter(quartier=quartier).select_related("quartier", "traeger").order_by("name", "pk")
    )
    offers = list(angebote_for_listing().filter(quartier=quartier))
    for treffpunkt in treffpunkte_:
        treffpunkt.public_offers = [offer for offer in offers if offer.treffpunkt_id == treffpunkt.pk]
    return treffpunkte_, [offer for offer in offers if offer.is_mobile]


@dataclass
class ProgrammeDay:
    """One day of a weekly programme: its occurrences in order of time, cancelled ones included and marked."""

    date: datetime.date
    occurrences: list
    # How many more occurrences the day has than are listed (``shortened``).
    more: int = 0


def shortened(programme, limit):
    """The days of ``programme`` with at most ``limit`` occurrences each, the earliest, and how many more."""
    return [ProgrammeDay(day.date, day.occurrences[:limit], max(len(day.occurrences) - limit, 0)) for day in programme]


def week_programme(offers, monday, *, at=None):
    """The seven days from ``monday`` with the occurrences of ``offers`` on each, earliest first; with ``at``, a
    meeting point's programme: visiting offers only with their times held there (``held_at``).

    ``offers`` should come with schedules and cancellations prefetched (``angebote_for_listing``).
    """
    sunday = monday + datetime.timedelta(days=6)
    days = {monday + datetime.timedelta(days=offset): [] for offset in range(7)}
    for offer in offers:
        for occurrence in offer.occurrences(monday, sunday, include_cancelled=True):
            occurrence.schedules = held_at(offer, occurrence.schedules, at)
            if occurrence.schedules:
                days[occurrence.date].append(occurrence)
    return [
        ProgrammeDay(day, sorted(occurrences, key=lambda o: (o.schedules[0].start_time, o.angebot.title)))
        for day, occurrences in days.items()
    ]


def monday_of(day):
    return day - datetime.timedelta(days=day.weekday())
