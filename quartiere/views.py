"""The portal pages of the quarters app: a quarter's page (everything of the quarter the person may see; its
public page is in ``verzeichnis``), the yearly cycle of the yearly goals (carry-over, the year comparison)."""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, F, prefetch_related_objects
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from hameln_quartiere.rules import may
from hameln_quartiere.views import EntryMixin, PortalMixin
from handlungskonzepte.models import Handlungskonzept, Massnahme
from handlungskonzepte.services import concept_rollup, traceability_chain
from quartiere.charts import indicator_charts
from quartiere.forms import YearForm
from quartiere.models import Jahresziel, Quartier
from quartiere.services import carry_over, is_unfinished, may_carry_over
from treffpunkte.models import Angebot, Treffpunkt, running_in


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


# --- The yearly cycle: a yearly goal's page, its carry-over, and the year comparison ----------------------------


def linked_goal(jahresziel, name):
    """The goal linked as ``carried_over_from`` or ``carried_over_to`` (both joined by the page's query)."""
    try:
        return getattr(jahresziel, name)
    except Jahresziel.DoesNotExist:
        return None


class JahreszielPages:
    """A yearly goal's page: where it was carried over from and to, and the carry-over button where allowed
    (``page_context`` of ``entry_urls``). Both links come with the goal in its one query."""

    def get_queryset(self):
        # The quarter of the goal carried over from: the page names that goal as "quarter year: title".
        return (
            super()
            .get_queryset()
            .select_related("carried_over_from__quartier", "carried_over_to")
            .defer("carried_over_from__quartier__boundary")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        jahresziel = self.object
        previous = linked_goal(jahresziel, "carried_over_from")
        following = linked_goal(jahresziel, "carried_over_to")
        context["cycle"] = {
            # A linked goal in a quarter the person does not work in is not named.
            "previous": previous if previous is not None and may(user, "view", previous) else None,
            "next": following if following is not None and may(user, "view", following) else None,
            "next_year": jahresziel.year + 1,
            "can_carry_over": following is None and is_unfinished(jahresziel) and may_carry_over(user, jahresziel),
        }
        return context


class JahreszielCarryOverView(EntryMixin, DetailView):
    """Carries an unfinished yearly goal over to next year (POST only, the button on the goal's page) and shows
    next year's goal: the new draft, or the one an earlier click created.

    Anyone who may see the goal gets this far (anything else is a 404); ``carry_over`` checks that the person may
    add a yearly goal in its quarter and that the goal is unfinished, and refuses in words otherwise.
    """

    model = Jahresziel
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        jahresziel = self.get_object()
        successor, created = carry_over(jahresziel, actor=request.user)
        if created:
            messages.success(
                request,
                _("“%(title)s” was carried over to %(year)s as a draft. Adjust it and submit it for review.")
                % {"title": successor.title, "year": successor.year},
            )
        else:
            messages.info(
                request,
                _("This yearly goal had already been carried over to %(year)s; nothing new was created.")
                % {"year": successor.year},
            )
        return redirect(successor)


@dataclass
class QuarterYear:
    """What one quarter did in one year: a column of the year comparison."""

    quartier: Quartier
    jahresziele: list = field(default_factory=list)
    massnahmen: list = field(default_factory=list)
    treffpunkte: list = field(default_factory=list)
    angebote: int = 0

    def assessed(self, assessment):
        return sum(1 for jahresziel in self.jahresziele if jahresziel.assessment == assessment)


# The assessments in the order the comparison counts them: the outcome first, what is still open last.
ASSESSMENT_ORDER = (
    Jahresziel.Assessment.REACHED,
    Jahresziel.Assessment.PARTLY,
    Jahresziel.Assessment.NOT_REACHED,
    Jahresziel.Assessment.OPEN,
)


class CountRow(NamedTuple):
    """A row of numbers of the year comparison: one value per quarter and their sum."""

    key: str
    label: str
    values: list
    total: int


class JahresvergleichView(PortalMixin, TemplateView):
    """The quarters side by side for one year (``?jahr=2019``, the current year by default): the yearly goals
    and their assessment (plan against outcome), the measures completed in the year, the meeting points opened
    in it and the approved offers running in it.

    Everyone with a role reads it, one column per quarter they may see. A constant number of queries however
    many quarters, goals, measures and meeting points there are.
    """

    template_name = "quartiere/jahresvergleich.html"

    def quartiere(self):
        user = self.request.user
        if user.covers_all_quarters:
            return list(Quartier.objects.only("name", "slug"))
        # Prefetched onto the user, so the scope of the entries below (``User.quartier_ids``) reuses the query.
        prefetch_related_objects([user], "quartiere")
        return list(user.quartiere.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        this_year = timezone.localdate().year
        columns = {quartier.pk: QuarterYear(quartier) for quartier in self.quartiere()}
        jahresziele = Jahresziel.objects.visible_to(user)
        years = jahresziele.order_by().values_list("year", flat=True).distinct()
        form = YearForm(self.request.GET, years=[*years, this_year], default=this_year)
        year = form.year
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

        for jahresziel in (
            jahresziele.filter(year=year)
            .select_related("carried_over_to")
            .only(
                "title",
                "year",
                "quartier",
                "assessment",
                "assessment_statement",
                "review_state",
                "approved_at",
                "carried_over_from",
                "carried_over_to__year",
            )
            .order_by("title", "pk")
        ):
            columns[jahresziel.quartier_id].jahresziele.append(jahresziel)
        for massnahme in (
            Massnahme.objects.visible_to(user)
            .filter(status=Massnahme.Status.DONE, end__range=(first, last))
            .annotate(quartier_pk=F("handlungskonzept__quartier"))
            .only("title", "end", "status")
            .order_by("end", "title", "pk")
        ):
            columns[massnahme.quartier_pk].massnahmen.append(massnahme)
        for treffpunkt in (
            Treffpunkt.objects.visible_to(user)
            .filter(opened_on__range=(first, last))
            .only("name", "quartier", "opened_on", "status")
            .order_by("opened_on", "name", "pk")
        ):
            columns[treffpunkt.quartier_id].treffpunkte.append(treffpunkt)
        for row in (
            Angebot.objects.visible_to(user)
            .approved()
            .filter(running_in(first, last))
            .order_by()
            .values("quartier")
            .annotate(count=Count("pk"))
        ):
            columns[row["quartier"]].angebote = row["count"]

        columns = list(columns.values())

        def row(key, label, values):
            return CountRow(key, label, values, sum(values))

        goal_rows = [row("planned", _("Yearly goals planned"), [len(column.jahresziele) for column in columns])]
        goal_rows += [
            row(assessment.value, assessment.label, [column.assessed(assessment) for column in columns])
            for assessment in ASSESSMENT_ORDER
        ]
        context.update(
            form=form,
            year=year,
            columns=columns,
            goal_rows=goal_rows,
            massnahmen_row=row("massnahmen", _("Measures completed"), [len(c.massnahmen) for c in columns]),
            treffpunkte_row=row("treffpunkte", _("Meeting points opened"), [len(c.treffpunkte) for c in columns]),
            angebote_row=row("angebote", _("Approved offers running"), [c.angebote for c in columns]),
        )
        return context
