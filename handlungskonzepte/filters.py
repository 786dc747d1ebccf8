"""Filters, columns and exports of the lists of action concepts, findings, goals and measures."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.filters import Column, EntryFilterSet
from handlungskonzepte.models import Befund, Handlungskonzept, Massnahme, Ziel


class YearFilter(django_filters.NumberFilter):
    """Entries whose period includes the year: ``start_field`` up to ``end_field`` (open end allowed)."""

    def __init__(self, *args, start_field, end_field, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_field = start_field
        self.end_field = end_field

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        return queryset.filter(
            Q(**{f"{self.start_field}__lte": value})
            & (Q(**{f"{self.end_field}__isnull": True}) | Q(**{f"{self.end_field}__gte": value}))
        )


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

    year = YearFilter(label=_("Year"), start_field="start_year", end_field="end_year")

    class Meta:
        model = Handlungskonzept
        fields = ["q", "quartier", "year", "review_state"]


class BefundFilter(EntryFilterSet):
    search_fields = ("title", "description")
    select_related = ("handlungskonzept__quartier", "beteiligungsformat")
    columns = (
        Column("title", _("title"), order_by="title", link=True),
        Column("kind", _("kind"), order_by="kind"),
        Column("quartier", _("quarter"), "handlungskonzept.quartier.name", order_by="handlungskonzept__quartier__name"),
        Column("beteiligungsformat", _("participation format"), "beteiligungsformat.title"),
        Column("review_state", _("review state"), order_by="review_state"),
        Column("updated_at", _("updated"), order_by="updated_at"),
    )

    class Meta:
        model = Befund
        fields = ["q", "quartier", "kind", "handlungskonzept", "review_state"]


class ZielFilter(EntryFilterSet):
    search_fields = ("title", "description")
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

    class Meta:
        model = Ziel
        fields = ["q", "quartier", "handlungsfeld", "review_state"]


class MassnahmeFilter(EntryFilterSet):
    search_fields = ("title", "description", "owner_traeger__name")
    select_related = ("handlungskonzept__quartier", "owner_traeger")
    columns = (
        Column("title", _("title"), order_by="title", link=True),
        Column("quartier", _("quarter"), "handlungskonzept.quartier.name", order_by="handlungskonzept__quartier__name"),
        Column("owner", _("responsible"), order_by="owner"),
        Column("status", _("status"), order_by="status"),
        Column("progress", _("progress (%)"), order_by="progress"),
        Column("start", _("start"), order_by="start"),
        Column("end", _("end"), order_by="end"),
        Column("review_state", _("review state"), order_by="review_state"),
    )

    year = YearFilter(label=_("Running in year"), start_field="start__year", end_field="end__year")

    class Meta:
        model = Massnahme
        fields = ["q", "quartier", "status", "owner", "year", "review_state"]
