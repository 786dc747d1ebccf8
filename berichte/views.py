"""The yearly reports in the portal: the report of a year as page, PDF and spreadsheet, its finalised versions,
the comparison of two versions and of a year with the year before.

Who may read a report follows its scope (``berichte.rules``): a quarter's report whoever covers the quarter, the
whole programme's report whoever sees all quarters. Anyone else gets a 404, as for entries outside their
quarters. The live report reads the approved content as it is; a finalised version shows what was delivered.
"""

import datetime
import re

import rules
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from hameln_quartiere.views import PortalMixin
from quartiere.models import Quartier

from . import compare, formats, report, services
from .charts import charts_of
from .models import Jahresbericht

FIRST_YEAR, LAST_YEAR = 2000, 2100
SLUG = re.compile(r"[-\w]+")
# The years the overview offers: this one and the ones before it.
OVERVIEW_YEARS = 8


def may_read(user, quartier):
    return rules.has_perm("berichte.view_report", user, quartier)


def may_finalise(user, quartier):
    return rules.has_perm("berichte.finalise_report", user, quartier)


def scope_query(quartier):
    return f"?{urlencode({'quartier': quartier.slug})}" if quartier is not None else ""


def report_url(name, year, quartier):
    return reverse(f"berichte:{name}", args=[year]) + scope_query(quartier)


def presented(document):
    """The sections with each table's charts beside it, for the templates."""
    result = []
    for section in document["sections"]:
        charts = charts_of(section)
        result.append(
            {
                "section": section,
                "tables": [{"table": table, "charts": charts.get(table["key"], [])} for table in section["tables"]],
            }
        )
    return result


def report_context(document, version=None):
    return {
        "document": document,
        "sections": presented(document),
        "version": version,
        "made_at": datetime.datetime.fromisoformat(document["made_at"]),
    }


class ScopeMixin(PortalMixin):
    """A report page of ``year`` for the quarter ``?quartier=`` or the whole programme; 404 outside the person's
    scope or for a year far away."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.year = kwargs["year"]
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise Http404
        slug = request.GET.get("quartier")
        if slug and not SLUG.fullmatch(slug):
            raise Http404  # not a quarter's address: no need to ask the database (which refuses NUL bytes)
        self.quartier = get_object_or_404(Quartier.objects.only("name", "slug"), slug=slug) if slug else None
        if not may_read(request.user, self.quartier):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def scope_links(self):
        """The other scopes of the same year the person may read, for switching between them."""
        user = self.request.user
        scopes = (
            [None, *Quartier.objects.only("name", "slug")] if user.covers_all_quarters else list(user.quartiere.all())
        )
        return [
            {
                "name": q.name if q else _("All quarters"),
                "url": report_url("bericht", self.year, q),
                "current": q == self.quartier,
            }
            for q in scopes
            if may_read(user, q)
        ]


class ReportView(ScopeMixin, TemplateView):
    """The report of a year as it stands: built now from the approved content. As page, PDF or spreadsheet."""

    template_name = "berichte/report.html"
    file_format = "html"

    def get(self, request, *args, **kwargs):
        document = report.build(self.year, self.quartier)
        if self.file_format == "xlsx":
            return formats.xlsx_response(document)
        context = self.get_context_data(**report_context(document))
        if self.file_format == "pdf":
            return formats.pdf_response(request, context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.file_format != "html":
            return context
        context.update(
            year=self.year,
            quartier=self.quartier,
            scopes=self.scope_links(),
            versions=list(Jahresbericht.objects.of_scope(self.year, self.quartier).select_related("finalised_by")),
            may_finalise=may_finalise(self.request.user, self.quartier),
            pdf_url=report_url("bericht-pdf", self.year, self.quartier),
            xlsx_url=report_url("bericht-xlsx", self.year, self.quartier),
            comparison_url=report_url("vorjahr", self.year, self.quartier),
            finalise_url=report_url("abschliessen", self.year, self.quartier),
            previous_year_url=report_url("bericht", self.year - 1, self.quartier) if self.year > FIRST_YEAR else "",
            next_year_url=report_url("bericht", self.year + 1, self.quartier) if self.year < LAST_YEAR else "",
        )
        return context


class YearComparisonView(ScopeMixin, TemplateView):
    """The report's numbers of a year beside those of the year before, per quarter, with the differences."""

    template_name = "berichte/year_comparison.html"

    def get_context_data(self, **kwargs):
        current = report.build(self.year, self.quartier)
        previous = report.build(self.year - 1, self.quartier)
        kwargs.pop("year", None)  # the URL's, an int like self.year
        return super().get_context_data(
            year=self.year,
            previous_year=self.year - 1,
            quartier=self.quartier,
            document=current,
            tables=compare.year_comparison(previous, current),
            report_url=report_url("bericht", self.year, self.quartier),
            **kwargs,
        )


class FinaliseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For whom it is finalised, or what the new version corrects."),
    )


class FinaliseView(ScopeMixin, FormView):
    """Finalise the report as it is now as its next version (the coordinator and the city admins)."""

    template_name = "berichte/finalise.html"
    form_class = FinaliseForm

    def check_permission(self):
        if not may_finalise(self.request.user, self.quartier):
            raise PermissionDenied(_("The coordinator and the city admins finalise reports."))
        if self.year > timezone.localdate().year:
            raise Http404  # a year still to come has nothing to deliver

    def get(self, request, *args, **kwargs):
        self.check_permission()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_permission()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        version = services.finalise(self.year, self.quartier, by=self.request.user, note=form.cleaned_data["note"])
        messages.success(
            self.request,
            _("Version %(version)s of the report is finalised; it stays as it is now.") % {"version": version.version},
        )
        return redirect(version)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            year=self.year,
            quartier=self.quartier,
            versions=list(Jahresbericht.objects.of_scope(self.year, self.quartier).select_related("finalised_by")),
            report_url=report_url("bericht", self.year, self.quartier),
            **kwargs,
        )


class VersionMixin(PortalMixin):
    """A finalised version, for whoever may read its report; 404 for anyone else."""

    def get_version(self):
        version = get_object_or_404(
            Jahresbericht.objects.select_related("quartier", "finalised_by").defer("quartier__boundary"),
            pk=self.kwargs["pk"],
        )
        if not may_read(self.request.user, version.quartier):
            raise Http404
        return version


class VersionView(VersionMixin, TemplateView):
    """A finalised version as it was delivered: page, PDF or spreadsheet from its stored content."""

    template_name = "berichte/report.html"
    file_format = "html"

    def get(self, request, *args, **kwargs):
        version = self.get_version()
        document = version.document
        if self.file_format == "xlsx":
            return formats.xlsx_response(document, version)
        context = self.get_context_data(**report_context(document, version))
        if self.file_format == "pdf":
            return formats.pdf_response(request, context)
        others = list(
            Jahresbericht.objects.of_scope(version.year, version.quartier)
            .select_related("finalised_by")
            .defer("document")
        )
        context.update(
            year=version.year,
            quartier=version.quartier,
            versions=others,
            pdf_url=reverse("berichte:fassung-pdf", args=[version.pk]),
            xlsx_url=reverse("berichte:fassung-xlsx", args=[version.pk]),
            comparison_url=reverse("berichte:fassung-vergleich", args=[version.pk]),
            live_url=report_url("bericht", version.year, version.quartier),
        )
        return self.render_to_response(context)


CURRENT = "aktuell"


class VersionComparisonView(VersionMixin, TemplateView):
    """What differs between a finalised version and another version of the same report (``?mit=<id>``) or the
    report as it stands now (``?mit=aktuell``). Without a choice: the version before, or now for the first."""

    template_name = "berichte/version_comparison.html"

    def get_context_data(self, **kwargs):
        version = self.get_version()
        versions = list(Jahresbericht.objects.of_scope(version.year, version.quartier).select_related("finalised_by"))
        chosen = self.request.GET.get("mit")
        if chosen is None:
            earlier = [v for v in versions if v.version < version.version]
            chosen = str(earlier[0].pk) if earlier else CURRENT
        if chosen == CURRENT:
            # Built in the version's language, so that only what changed differs, not the words.
            with translation.override(version.document.get("language") or settings.LANGUAGE_CODE):
                other, other_document = None, report.build(version.year, version.quartier)
        else:
            other = next((v for v in versions if str(v.pk) == chosen and v.pk != version.pk), None)
            if other is None:
                raise Http404
            other_document = other.document
        # Older first: a version before this one, or this one before the current state.
        if other is not None and other.version < version.version:
            old, new, old_version, new_version = other_document, version.document, other, version
        else:
            old, new, old_version, new_version = version.document, other_document, version, other
        return super().get_context_data(
            version=version,
            year=version.year,
            quartier=version.quartier,
            versions=[v for v in versions if v.pk != version.pk],
            chosen=chosen,
            current=CURRENT,
            old_version=old_version,
            new_version=new_version,
            changes=compare.version_changes(old, new),
            **kwargs,
        )


class IndexView(PortalMixin, TemplateView):
    """The reports a person may read: the last years, each for the whole programme and each quarter they cover,
    with how many versions were finalised and when the last one was."""

    template_name = "berichte/index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        this_year = timezone.localdate().year
        quartiere = (
            list(Quartier.objects.only("name", "slug")) if user.covers_all_quarters else list(user.quartiere.all())
        )
        scopes = ([None] if may_read(user, None) else []) + [q for q in quartiere if may_read(user, q)]
        finalised = self.finalised(scopes)
        years = sorted(
            {*range(this_year - OVERVIEW_YEARS + 1, this_year + 1), *(year for year, _q in finalised)}, reverse=True
        )
        rows = [
            {
                "year": year,
                "cells": [
                    {
                        "quartier": q,
                        "url": report_url("bericht", year, q),
                        "finalised": finalised.get((year, q.pk if q else None)),
                    }
                    for q in scopes
                ],
            }
            for year in years
        ]
        return super().get_context_data(scopes=scopes, rows=rows, **kwargs)

    @staticmethod
    def finalised(scopes):
        """``{(year, quarter id or None): {"versions": n, "last": time}}`` for the reports of ``scopes``."""
        ids = [q.pk for q in scopes if q is not None]
        scope = Q(quartier__in=ids) | Q(quartier__isnull=True) if None in scopes else Q(quartier__in=ids)
        versions = Jahresbericht.objects.filter(scope)
        return {
            (entry["year"], entry["quartier"]): entry
            for entry in versions.order_by()
            .values("year", "quartier")
            .annotate(versions=Count("pk"), last=Max("finalised_at"))
        }
