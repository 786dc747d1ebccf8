"""What the detail pages of meeting points and offers show beyond their own fields, in a fixed number of queries.

The shared entry pages (``hameln_quartiere.views``) render these models' templates; the tags here read the
linked entries the person may see, so the detail page and the comment form's page show the same.
"""

import datetime

from django import template
from django.db.models import Avg, Count, Max, Min, Prefetch, Sum, prefetch_related_objects
from django.utils import timezone

from hameln_quartiere.rules import may
from treffpunkte.models import Angebot, Schedule, Teilnahme

register = template.Library()

# How far ahead the offer page looks for its next dates.
LOOKAHEAD = datetime.timedelta(days=92)
NEXT_DATES = 6
LAST_COUNTS = 8


@register.simple_tag(takes_context=True)
def treffpunkt_related(context, treffpunkt):
    """The meeting point's offers (with their schedules) and the measures at it that the person may see."""
    user = context["request"].user
    angebote = list(
        Angebot.objects.visible_to(user)
        .filter(treffpunkt=treffpunkt)
        .select_related("kategorie")
        .prefetch_related("schedules")
        .order_by("title", "pk")
    )
    for angebot in angebote:
        angebot.can_change = may(user, "change", angebot)
    massnahmen = list(
        treffpunkt.massnahmen.visible_to(user).select_related("handlungskonzept").order_by("start", "title", "pk")
    )
    return {
        "angebote": angebote,
        "massnahmen": massnahmen,
        "can_add_angebot": may(user, "add", Angebot),
        "can_record": may(user, "record_attendance", Angebot),
    }


@register.simple_tag(takes_context=True)
def angebot_related(context, angebot):
    """The offer's schedule, next dates, cancellations, attendance summary and the measures it carries out."""
    user = context["request"].user
    today = timezone.localdate()
    prefetch_related_objects(
        [angebot], Prefetch("schedules", queryset=Schedule.objects.select_related("treffpunkt")), "cancellations"
    )
    # The summary speaks of dates: monthly counts are no occasions (nor part of its total and average).
    summary = angebot.teilnahmen.filter(period=Teilnahme.Period.OCCURRENCE).aggregate(
        occasions=Count("pk"),
        total=Sum("participants"),
        average=Avg("participants"),
        first=Min("date"),
        last=Max("date"),
    )
    cancellations = list(angebot.cancellations.all())
    return {
        "schedules": list(angebot.schedules.all()),
        "next_dates": angebot.occurrences(today, today + LOOKAHEAD, include_cancelled=True)[:NEXT_DATES],
        "upcoming_cancellations": [c for c in cancellations if c.date >= today],
        "past_cancellation_count": sum(1 for c in cancellations if c.date < today),
        "attendance": summary,
        "last_counts": list(angebot.teilnahmen.select_related("recorded_by").order_by("-date")[:LAST_COUNTS]),
        "massnahmen": list(
            angebot.massnahmen.visible_to(user).select_related("handlungskonzept").order_by("start", "title", "pk")
        ),
        "can_record": may(user, "record_attendance", angebot),
    }
