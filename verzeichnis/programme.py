"""The weekly programme of a meeting point or a quarter, to print or as a PDF, with a QR code back to its page.

The PDF is the print page itself: WeasyPrint renders the same template with the print stylesheet
(``static/css/print.css``). It reads the static files from disk and fetches nothing else, so rendering never
goes out to the network.
"""

import datetime

import segno
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from hameln_quartiere.pdf import render_pdf
from quartiere.models import Quartier
from treffpunkte.views import FIRST_YEAR, LAST_YEAR, iso_week, shown_week, week_start
from verzeichnis import public
from verzeichnis.cache import cached_public
from verzeichnis.ical import BOUNDARIES

WEEK = datetime.timedelta(weeks=1)


def qr_code_svg(url):
    """``url`` as a QR code, an SVG element to put into the page as it is (no image to fetch)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=2, omitsize=True, svgclass="qr-code", title=url)
    return mark_safe(svg)  # noqa: S308 - segno escapes the title, the only text in it


class ProgrammeView(TemplateView):
    """One week (``?woche=2026-W48``, this week by default or when it is no week) of a meeting point's or a
    quarter's public offers, day by day with the cancelled dates marked; as a page to print or, with
    ``as_pdf``, as a PDF of that page."""

    template_name = "verzeichnis/programme.html"
    as_pdf = False
    # Set by the subclasses: the URL names of the page and of its PDF.
    page_url_name = pdf_url_name = None

    def get_object(self):
        raise NotImplementedError

    def get_offers(self):
        raise NotImplementedError

    def place(self):
        """The meeting point whose programme this is, if it is one's."""
        return None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        context = self.get_context_data(**kwargs)
        if not self.as_pdf:
            return self.render_to_response(context)
        html = render_to_string(self.get_template_names(), context, request=request)
        response = HttpResponse(render_pdf(html, request), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="wochenprogramm-{self.object.slug}-{context["week"]}.pdf"'
        return response

    def get_context_data(self, **kwargs):
        monday, invalid = week_start(self.request.GET.get("woche"), timezone.localdate())
        week = iso_week(monday)
        page_url = self.object.public_url
        absolute_page_url = self.request.build_absolute_uri(page_url)
        return super().get_context_data(
            object=self.object,
            programme=public.week_programme(self.get_offers(), monday, at=self.place()),
            monday=monday,
            sunday=monday + datetime.timedelta(days=6),
            week=week,
            previous_week=shown_week(monday - WEEK),
            next_week=shown_week(monday + WEEK),
            invalid_week=(
                _("“%(week)s” is not a week between %(first)s and %(last)s; this week is shown instead.")
                % {"week": self.request.GET["woche"][:20], "first": FIRST_YEAR, "last": LAST_YEAR}
                if invalid
                else ""
            ),
            page_url=page_url,
            absolute_page_url=absolute_page_url,
            programme_url=reverse(f"verzeichnis:{self.page_url_name}", args=[self.object.slug]),
            pdf_url=reverse(f"verzeichnis:{self.pdf_url_name}", args=[self.object.slug]),
            qr_code=qr_code_svg(absolute_page_url),
            **kwargs,
        )


@method_decorator(cached_public, name="dispatch")
class TreffpunktProgrammeView(ProgrammeView):
    page_url_name, pdf_url_name = "programm-treffpunkt", "programm-treffpunkt-pdf"

    def get_object(self):
        return get_object_or_404(
            public.treffpunkte().select_related("quartier").defer("quartier__boundary"), slug=self.kwargs["slug"]
        )

    def get_offers(self):
        return public.offers_at(self.object).defer(*BOUNDARIES)

    def place(self):
        return self.object

    def get_context_data(self, **kwargs):
        return super().get_context_data(treffpunkt=self.object, **kwargs)


@method_decorator(cached_public, name="dispatch")
class QuartierProgrammeView(ProgrammeView):
    page_url_name, pdf_url_name = "programm-quartier", "programm-quartier-pdf"

    def get_object(self):
        return get_object_or_404(Quartier.objects.defer("boundary"), slug=self.kwargs["slug"])

    def get_offers(self):
        return public.angebote_for_listing().filter(quartier=self.object).defer(*BOUNDARIES)

    def get_context_data(self, **kwargs):
        return super().get_context_data(quartier=self.object, **kwargs)


urlpatterns = [
    path(
        "treffpunkte/<slug:slug>/wochenprogramm/",
        TreffpunktProgrammeView.as_view(),
        name="programm-treffpunkt",
    ),
    path(
        "treffpunkte/<slug:slug>/wochenprogramm.pdf",
        TreffpunktProgrammeView.as_view(as_pdf=True),
        name="programm-treffpunkt-pdf",
    ),
    path(
        "quartiere/<slug:slug>/wochenprogramm/",
        QuartierProgrammeView.as_view(),
        name="programm-quartier",
    ),
    path(
        "quartiere/<slug:slug>/wochenprogramm.pdf",
        QuartierProgrammeView.as_view(as_pdf=True),
        name="programm-quartier-pdf",
    ),
]
