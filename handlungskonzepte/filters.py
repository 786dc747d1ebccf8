"""Filters, columns and exports of the lists of action concepts, findings, goals and measures."""

import django_filters
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.filters import Column, EntryFilterSet, PeriodOverlapFilter, YearFilter
from handlungskonzepte.models import Befund, Beteiligungsformat, Handlungsfeld, Handlungskonzept, Massnahme, Ziel
from treffpunkte.models import Traeger

# The choices of the action concept filters: their title and years, without the quarter's boundary.
KONZEPTE = Handlungskonzept.objects.only("title", "start_year", "end_year", "quartier_id")


class HandlungskonzeptFilter(EntryFilterSet):
    search_fields = ("title", "summary")
    select_related = ("quartier",)
    columns = (
        Column("title", _("title"), order_by="title", link=True),
        Column("quartier", _("quarter"), "quartier.name", order_by="quartier__name"),
        Column("start_year", _("from year"), order_by="start_year"),
        Column("end_year", _("until year"), order_by="end_year"),
        Column("review_state", _("review state"), order_by="review_state"),
        Column("updated_at", _("updated"), order_by="updated_at"),
    )

    year = YearFilter(label=_("Valid in year"), start_field="start_year", end_field="end_year")

    class Meta:
        model = Handlungskonzept
        fields = ["q", "quartier", "year", "review_state"]


class BefundFilter(EntryFilterSet):
    search_fields = ("title", "description", "beteiligungsformat__title")
    select_related = ("handlungskonzept__quartier", "beteiligungsformat")
    columns = (
        Column("title", _("title"), order_by="title", link=True),
        Column("kind", _("kind"), order_by="kind"),
        Column("quartier", _("quarter"), "handlungskonzept.quartier.name", order_by="handlungskonzept__quartier__name"),
        Column(
            "beteiligungsformat",
            _("participation format"),
            "beteiligungsformat.title",
            order_by="beteiligungsformat__title",
        ),
        Column("review_state", _("review state"), order_by="review_state"),
        Column("updated_at", _("updated"), order_by="updated_at"),
    )

    handlungskonzept = django_filters.ModelChoiceFilter(label=_("Action concept"), queryset=KONZEPTE)
    format_kind = django_filters.ChoiceFilter(
        label=_("Kind of participation format"),
        field_name="beteiligungsformat__kind",
        choices=Beteiligungsformat.Kind.choices,
    )

    class Meta:
        model = Befund
        fields = ["q", "quartier", "kind", "handlungskonzept", "format_kind", "review_state"]


def field_with_concept(handlungsfeld):
    # Fields of action of different concepts often share a title ("Zusammenleben"): name the concept too.
    return f"{handlungsfeld.title} ({handlungsfeld.handlungskonzept})"


class ZielFilter(EntryFilterSet):
    search_fields = ("title", "description", "handlungsfeld__title")
    select_related = ("handlungsfeld__handlungskonzept__quartier",)
    columns = (
        Column("title", _("title"), order_by="title", link=True),
        Column("handlungsfeld", _("field of action"), "handlungsfeld.title", order_by="handlungsfeld__title"),
        Column(
            "quartier",
            _("quarter"),
            "handlungsfeld.handlungskonzept.quartier.name",
            order_by="handlungsfeld__handlungskonzept__quartier__name",
        ),
        Column("review_state", _("review state"), order_by="review_state"),
        Column("updated_at", _("updated"), order_by="updated_at"),
    )

    handlungskonzept = django_filters.ModelChoiceFilter(
        label=_("Action concept"), field_name="handlungsfeld__handlungskonzept", queryset=KONZEPTE
    )
    handlungsfeld = django_filters.ModelChoiceFilter(
        label=_("Field of action"),
        queryset=Handlungsfeld.objects.select_related("handlungskonzept").only(
            "title", "handlungskonzept__title", "handlungskonzept__start_year", "handlungskonzept__end_year"
        ),
    )

    class Meta:
        model = Ziel
        fields = ["q", "quartier", "handlungskonzept", "handlungsfeld", "review_state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["handlungsfeld"].label_from_instance = field_with_concept


class MassnahmeFilter(EntryFilterSet):
    search_fields = ("title", "description", "owner_traeger__name")
    select_related = ("handlungskonzept__quartier", "owner_traeger")
    columns = (
        Column("title", _("title"), order_by="title", link=True),
        Column("quartier", _("quarter"), "handlungskonzept.quartier.name", order_by="handlungskonzept__quartier__name"),
        Column("owner", _("responsible"), order_by="owner"),
        Column("owner_traeger", _("responsible operator"), "owner_traeger.name", order_by="owner_traeger__name"),
        Column("status", _("status"), order_by="status"),
        Column("progress", _("progress (%)"), order_by="progress"),
        Column("start", _("start"), order_by="start"),
        Column("end", _("end"), order_by="end"),
        Column("late", _("late"), lambda massnahme: massnahme.is_late),
        Column("review_state", _("review state"), order_by="review_state"),
    )

    late = django_filters.BooleanFilter(label=_("Late against its period"), method="filter_late")
    owner_traeger = django_filters.ModelChoiceFilter(
        label=_("Responsible operator"), queryset=Traeger.objects.only("name")
    )
    year = YearFilter(label=_("Running in year"), start_field="start__year", end_field="end__year")
    running_from = PeriodOverlapFilter(label=_("Running from"), start_field="start", end_field="end", bound="from")
    running_until = PeriodOverlapFilter(label=_("Running until"), start_field="start", end_field="end", bound="until")

    class Meta:
        model = Massnahme
        fields = [
            "q",
            "quartier",
            "status",
            "owner",
            "owner_traeger",
            "year",
            "running_from",
            "running_until",
            "late",
            "review_state",
        ]

    def filter_late(self, queryset, name, value):
        return queryset.filter(Massnahme.late()) if value else queryset.exclude(Massnahme.late())
