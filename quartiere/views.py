"""A quarter's portal page: everything of the quarter the person may see. Its public page is in ``verzeichnis``."""

from django.conf import settings
from django.utils import timezone
from django.views.generic import DetailView

from hameln_quartiere.views import PortalMixin
from handlungskonzepte.models import Handlungskonzept
from handlungskonzepte.services import concept_rollup, traceability_chain
from quartiere.charts import indicator_charts
from quartiere.models import Jahresziel, Quartier
from treffpunkte.models import Treffpunkt


def current_concept(concepts, year):
    """The action concept in force in ``year`` (the newest one that started by then), else the newest one.

    ``concepts`` are ordered newest start first.
    """
    running = [concept for concept in concepts if concept.start_year <= year <= concept.end_year]
    if running:
        return running[0]
    started = [concept for concept in concepts if concept.start_year <= year]
    return started[0] if started else (concepts[-1] if concepts else None)


def map_points(treffpunkte, url=lambda treffpunkt: treffpunkt.get_absolute_url()):
    """The meeting points that have coordinates and are not closed, as data for the map's markers.

    The markers link to ``url(treffpunkt)``: the portal page by default, the public page on public maps.
    """
    return [
        {
            "name": treffpunkt.name,
            "lat": float(treffpunkt.latitude),
            "lng": float(treffpunkt.longitude),
            "status": str(treffpunkt.get_status_display()),
            "address": ", ".join(part for part in (treffpunkt.street, treffpunkt.city) if part),
            "url": url(treffpunkt),
        }
        for treffpunkt in treffpunkte
        if treffpunkt.latitude is not None
        and treffpunkt.longitude is not None
        and treffpunkt.status != Treffpunkt.Status.CLOSED
    ]


class QuartierDetailView(PortalMixin, DetailView):
    """A quarter's portal page: profile, indicators over the years, yearly goals, meeting points on a map and
    as a list, and its current action concept: the progress of its measures (rolled up as on the concept's page)
    and its traceability chain (both from ``handlungskonzepte.services``).

    Everything is scoped to what the person may see; a quarter they do not work in is a 404. The page costs the
    same number of queries however many entries the quarter has.
    """

    template_name = "quartiere/quartier_detail.html"
    context_object_name = "quartier"

    def get_queryset(self):
        user = self.request.user
        queryset = Quartier.objects.all()
        if not user.covers_all_quarters:
            queryset = queryset.filter(pk__in=user.quartier_ids)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        quartier = self.object
        treffpunkte = list(
            Treffpunkt.objects.visible_to(user)
            .filter(quartier=quartier)
            .select_related("traeger")
            .order_by("name", "pk")
        )
        concepts = list(
            Handlungskonzept.objects.visible_to(user)
            .filter(quartier=quartier)
            .defer("summary", "pending")
            .order_by("-start_year")
        )
        concept = current_concept(concepts, timezone.localdate().year)
        context.update(
            charts=indicator_charts(quartier.kennzahlen.order_by("name", "year")),
            jahresziele=Jahresziel.objects.visible_to(user).filter(quartier=quartier).order_by("-year", "title"),
            treffpunkte=treffpunkte,
            map_points=map_points(treffpunkte),
            map_tile_url=settings.MAP_TILE_URL,
            map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
            concept=concept,
            other_concepts=[other for other in concepts if other != concept],
            massnahmen=concept.massnahmen.order_by("start", "title", "pk") if concept else [],
            rollup=concept_rollup(concept) if concept else None,
            chain=traceability_chain(concept, user=user) if concept else None,
        )
        return context
