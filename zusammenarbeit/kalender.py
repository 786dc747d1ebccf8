"""My calendar: a personal iCalendar feed of the meetings a person takes part in and the due dates of their tasks.

The feed lives at a secret address (``KalenderZugang.token``) that calendar apps fetch without logging in.
The person makes it, renews it (the old address stops working at once) or revokes it on “My calendar”. An
address that was revoked, never existed, or belongs to someone who may no longer use the portal is a 404.
The feed holds only what the person may see, and is never cached on the way: its address is the password.
"""

import datetime

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from icalendar import Calendar, Event, vDuration

from hameln_quartiere.models import User
from hameln_quartiere.rules import has_staff_role
from hameln_quartiere.services import log
from hameln_quartiere.views import PortalMixin
from verzeichnis.ical import BERLIN, REFRESH, local
from zusammenarbeit.models import Aufgabe, KalenderZugang, Sitzung
from zusammenarbeit.services import task_url

# How far back the feed reaches: last year's meetings stay in the calendar, older ones drop out of the feed.
PAST = datetime.timedelta(days=365)

# The address is a secret: no cache on the way keeps it, and no page it leads to learns it as a referrer.
PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def private(response):
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


# --- Services ------------------------------------------------------------------------------------------------


def active_address(user):
    """The person's address that works now, or ``None``."""
    return KalenderZugang.objects.filter(user=user, revoked_at__isnull=True).first()


def _revoke(user, *, actor):
    revoked = []
    for zugang in KalenderZugang.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        zugang.revoked_at = timezone.now()
        zugang.save(update_fields=["revoked_at"])
        log(zugang, "revoked", actor=actor)
        revoked.append(zugang)
    return revoked


@transaction.atomic
def renew_address(user, *, actor):
    """Make a new feed address for ``user``; one they had before stops working at once."""
    # The person's row, locked: two clicks at once make one address, not a unique-constraint error.
    User.objects.select_for_update().filter(pk=user.pk).first()
    _revoke(user, actor=actor)
    zugang = KalenderZugang.objects.create(user=user)
    log(zugang, "created", actor=actor)
    return zugang


@transaction.atomic
def revoke_address(user, *, actor):
    """Revoke ``user``'s feed address: calendar apps get a 404 from now on. Returns whether there was one."""
    return bool(_revoke(user, actor=actor))


# --- The feed ------------------------------------------------------------------------------------------------


def meetings(user):
    """The meetings ``user`` takes part in and may see, from a year ago on."""
    return (
        Sitzung.objects.visible_to(user)
        .filter(teilnehmende=user, date__gte=timezone.localdate() - PAST)
        .select_related("quartier")
        .defer("quartier__boundary")
        .order_by("date", "start_time", "pk")
    )


def open_tasks(user):
    """The open tasks of ``user``, with the meeting they come from (for the link)."""
    return (
        Aufgabe.objects.filter(assignee=user, status=Aufgabe.Status.OPEN)
        .select_related("tagesordnungspunkt__sitzung")
        .order_by("due", "pk")
    )


def meeting_event(request, sitzung):
    vevent = Event()
    vevent.add("uid", f"sitzung-{sitzung.pk}@{request.get_host()}")
    vevent.add("dtstamp", sitzung.updated_at)
    if sitzung.start_time:
        vevent.add("dtstart", local(sitzung.date, sitzung.start_time))
        if sitzung.end_time:
            vevent.add("dtend", local(sitzung.date, sitzung.end_time))
    else:
        # No time yet: the whole day, as calendars show a date without a time.
        vevent.add("dtstart", sitzung.date)
        vevent.add("dtend", sitzung.date + datetime.timedelta(days=1))
    vevent.add("summary", sitzung.title or sitzung.get_kind_display())
    if sitzung.place:
        vevent.add("location", sitzung.place)
    if sitzung.title:
        vevent.add("categories", [sitzung.get_kind_display()])
    vevent.add("url", request.build_absolute_uri(sitzung.get_absolute_url()))
    return vevent


def task_event(request, aufgabe, user):
    vevent = Event()
    vevent.add("uid", f"aufgabe-{aufgabe.pk}@{request.get_host()}")
    vevent.add("dtstamp", aufgabe.created_at)
    vevent.add("dtstart", aufgabe.due)
    vevent.add("dtend", aufgabe.due + datetime.timedelta(days=1))
    vevent.add("summary", _("Due: %(task)s") % {"task": aufgabe.title})
    vevent.add("transp", "TRANSPARENT")  # a due date, not a time the person is busy
    sitzung = aufgabe.tagesordnungspunkt.sitzung if aufgabe.tagesordnungspunkt_id else None
    # The task at its meeting when the person may see that, else in their list of tasks.
    if sitzung is None or user.covers(sitzung.quartier_id):
        url = task_url(aufgabe, sitzung)
    else:
        url = reverse("zusammenarbeit:aufgabe-list")
    vevent.add("url", request.build_absolute_uri(url))
    return vevent


def feed(request, token):
    """The feed of the person the address belongs to (no login: the address is the key)."""
    zugang = (
        KalenderZugang.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if zugang is None or not has_staff_role.test(zugang.user):
        raise Http404
    user = zugang.user
    name = _("Hameln quarters: %(person)s") % {"person": user}
    calendar = Calendar()
    calendar.add("prodid", f"-//Stadt Hameln//Hameln Quartiere//{get_language().upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(BERLIN))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    timed = []
    for sitzung in meetings(user):
        calendar.add_component(meeting_event(request, sitzung))
        if sitzung.start_time:
            timed.append(sitzung.date)
    for aufgabe in open_tasks(user):
        calendar.add_component(task_event(request, aufgabe, user))
    if timed:
        # Europe/Berlin's rules from the first timed meeting on (the helper the public feeds use, too).
        calendar.add_missing_timezones(first_date=min(timed))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kalender.ics"'
    return private(response)


# --- Pages ---------------------------------------------------------------------------------------------------


class KalenderView(PortalMixin, TemplateView):
    """“My calendar”: the person's feed address (as a full address to paste into a calendar app), and the buttons
    to make, renew or revoke it. For every person with a portal role."""

    template_name = "zusammenarbeit/kalender.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        zugang = active_address(self.request.user)
        context["zugang"] = zugang
        if zugang is not None:
            url = self.request.build_absolute_uri(reverse("zusammenarbeit:kalender-feed", args=[zugang.token]))
            context["feed_url"] = url
            # The same address for calendar apps that subscribe on a click (webcal is their scheme for it).
            context["webcal_url"] = "webcal://" + url.split("://", 1)[1]
        return context

    def get(self, request, *args, **kwargs):
        return private(super().get(request, *args, **kwargs))


class KalenderRenewView(PortalMixin, View):
    """Makes the person's feed address, or a new one in place of the old (POST)."""

    http_method_names = ["post"]

    def post(self, request):
        had_one = active_address(request.user) is not None
        renew_address(request.user, actor=request.user)
        if had_one:
            messages.success(request, _("Your calendar has a new address; the old one no longer works."))
        else:
            messages.success(request, _("Your calendar address is ready. Add it to your calendar app."))
        return redirect("zusammenarbeit:kalender")


class KalenderRevokeView(PortalMixin, View):
    """Revokes the person's feed address (POST)."""

    http_method_names = ["post"]

    def post(self, request):
        if revoke_address(request.user, actor=request.user):
            messages.success(request, _("Your calendar address was revoked; calendar apps can no longer read it."))
        else:
            messages.info(request, _("You had no calendar address."))
        return redirect("zusammenarbeit:kalender")


urlpatterns = [
    path("portal/kalender/", KalenderView.as_view(), name="kalender"),
    path("portal/kalender/neu/", KalenderRenewView.as_view(), name="kalender-renew"),
    path("portal/kalender/widerrufen/", KalenderRevokeView.as_view(), name="kalender-revoke"),
    # The token is URL-safe base64 (``secrets.token_urlsafe``): letters, digits, “-” and “_”, as a slug.
    path("kalender/<slug:token>.ics", feed, name="kalender-feed"),
]
