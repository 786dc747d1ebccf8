"""Filters, columns and exports of the yearly goals list."""

from django.utils.translation import gettext_lazy as _

from hameln_quartiere.filters import Column, EntryFilterSet
from quartiere.models import Jahresziel


class JahreszielFilter(EntryFilterSet):
    search_fields = ("title", "description", "assessment_statement")
    select_related = ("quartier",)
    columns = (
        Column("title", _("goal"), order_by="title", link=True),
        Column("quartier", _("quarter"), "quartier.name", order_by="quartier__name"),
        Column("year", _("year"), order_by="year"),
        Column("assessment", _("assessment"), order_by="assessment"),
        Column("review_state", _("review state"), order_by="review_state"),
    )

    class Meta:
        model = Jahresziel
        fields = ["q", "quartier", "year", "assessment", "review_state"]
