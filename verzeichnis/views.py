"""The public directory for residents: start page, quarters, meeting points, offers and the offer search.

Every view here is open to everyone and shows only public content (``verzeichnis.public``), in its approved
version; anything else is a 404. Pages are cached until public content changes (``verzeichnis.cache``) and cost
a fixed number of queries however many offers there are.
"""

import datetime
from operator import attrgetter

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import translate_url
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from quartiere.models import Quartier
from quartiere.views import map_points
from treffpunkte.models import Schedule
from verzeichnis import jsonld, public
from verzeichnis.cache import cached_public
from verzeichnis.filters import AngebotSuche

public_url = attrgetter("public_url")

# How far ahead an offer's page lists its next dates.
LOOKAHEAD = datetime.timedelta(weeks=8)
NEXT_DATES = 6


class LanguageSwitchView(View):
    """Switch to another language and remember it in a cookie, then show the same page in that language.

    A plain link (GET), so the switch works without JavaScript and public pages carry no form and no CSRF
    token; the choice is only a preference, so a forged link can do no harm.
    """

    def get(self, request, language):
        if language not in dict(settings.LANGUAGES):
            raise Http404
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = f"/{language}/"
        response = HttpResponseRedirect(translate_url(target, language))
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 60 * 60,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return response


@method_decorator(cached_public, name="dispatch")
class StartView(TemplateView):
    """The four quarters, and what is on from today to the end of the week: the first offers of each day, and a
    link to all of them (a city-wide programme has dozens a day; the page would be too long to read, and to load
    on a phone)."""

    template_name = "verzeichnis/start.html"
    entries_per_day = 10

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        programme = public.week_programme(public.angebote_for_listing(), public.monday_of(today))
        return super().get_context_data(
            quartiere=Quartier.objects.only("name", "slug", "description", "is_soziale_stadt"),
            programme=public.shortened([day for day in programme if day.date >= today], self.entries_per_day),
            **kwargs,
        )


@method_decorator(cached_public, name="dispatch")
class QuartierView(DetailView):
    """A quarter: its profile, its meeting points on a map and as a list, with their offers, and mobile offers."""

    template_name = "verzeichnis/quartier.html"
    context_object_name = "quartier"
    queryset = Quartier.objects.all()

    def get_context_data(self, **kwargs):
        treffpunkte, mobile_offers = public.quartier_listing(self.object)
        return super().get_context_data(
            treffpunkte=treffpunkte,
            mobile_offers=mobile_offers,
            map_points=map_points(treffpunkte, url=public_url),
            map_tile_url=settings.MAP_TILE_URL,
            map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
            jsonld=jsonld.quartier(self.object, treffpunkte, self.request),
            **kwargs,
        )


@method_decorator(cached_public, name="dispatch")
class TreffpunktView(DetailView):
    """A meeting point: address, map, opening hours, accessibility, operator, contact and this week's programme."""

    template_name = "verzeichnis/treffpunkt.html"
    context_object_name = "treffpunkt"

    def get_queryset(self):
        return public.treffpunkte().select_related("quartier", "traeger")

    def get_context_data(self, **kwargs):
        treffpunkt = self.object
        today = timezone.localdate()
        offers = list(public.offers_at(treffpunkt))
        treffpunkt.public_offers = [offer for offer in offers if offer.treffpunkt_id == treffpunkt.pk]
        return super().get_context_data(
            contacts=list(public.kontaktpersonen().filter(traeger=treffpunkt.traeger_id)),
            programme=public.week_programme(offers, public.monday_of(today), at=treffpunkt),
            map_points=map_points([treffpunkt], url=public_url),
            map_tile_url=settings.MAP_TILE_URL,
            map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
            jsonld=jsonld.treffpunkt(treffpunkt, self.request),
            **kwargs,
        )


@method_decorator(cached_public, name="dispatch")
class AngebotView(DetailView):
    """An offer: what, for whom, in which languages, where, when, the next dates and how to take part."""

    template_name = "verzeichnis/angebot.html"
    context_object_name = "angebot"

    def get_queryset(self):
        return public.angebote_for_listing()

    def get_context_data(self, **kwargs):
        angebot = self.object
        today = timezone.localdate()
        next_dates = angebot.occurrences(today, today + LOOKAHEAD, include_cancelled=True)[:NEXT_DATES]
        return super().get_context_data(
            schedules=[schedule for schedule in angebot.schedules.all() if is_current(schedule, today)],
            next_dates=next_dates,
            jsonld=jsonld.angebot(angebot, self.request, [date for date in next_dates if not date.cancellation]),
            **kwargs,
        )


def is_current(schedule, today):
    """Whether a time still lies ahead or is running: past single dates and ended series are history."""
    if schedule.kind == Schedule.Kind.SINGLE:
        return schedule.date >= today
    return schedule.valid_until is None or schedule.valid_until >= today


@method_decorator(cached_public, name="dispatch")
class SucheView(ListView):
    """The offer search. Every filter lives in the URL, so a search can be bookmarked, shared and printed."""

    template_name = "verzeichnis/suche.html"
    context_object_name = "angebote"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = AngebotSuche(self.request.GET or None, queryset=public.angebote_for_listing())
        return self.filterset.qs if self.filterset.is_bound else self.filterset.queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)
