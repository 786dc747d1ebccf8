"""Filters, columns and exports of the meeting point and offer lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.filters import Column, EntryFilterSet
from treffpunkte.models import Angebot, Kategorie, Sprache, Traeger, Treffpunkt, Zielgruppe


def names(related):
    return ", ".join(str(obj) for obj in related.all())


class TreffpunktFilter(EntryFilterSet):
    search_fields = ("name", "street", "description", "traeger__name")
    select_related = ("quartier", "traeger")
    columns = (
        Column("name", _("name"), order_by="name", link=True),
        Column("quartier", _("quarter"), "quartier.name", order_by="quartier__name"),
        Column("traeger", _("operator"), "traeger.name", order_by="traeger__name"),
        Column("status", _("status"), order_by="status"),
        Column("review_state", _("review state"), order_by="review_state"),
        Column("updated_at", _("updated"), order_by="updated_at"),
    )

    traeger = django_filters.ModelChoiceFilter(label=_("Operator"), queryset=Traeger.objects.only("name"))

    class Meta:
        model = Treffpunkt
        fields = ["q", "quartier", "status", "traeger", "in_praxisnetzwerk", "review_state"]


class AngebotFilter(EntryFilterSet):
    search_fields = ("title", "description", "contact", "treffpunkt__name")
    select_related = ("quartier", "treffpunkt", "kategorie")
    prefetch_related = ("zielgruppen", "sprachen")
    columns = (
        Column("title", _("title"), order_by="title", link=True),
        Column("quartier", _("quarter"), "quartier.name", order_by="quartier__name"),
        Column("treffpunkt", _("meeting point"), "treffpunkt.name", order_by="treffpunkt__name"),
        Column("kategorie", _("category"), "kategorie.name", order_by="kategorie__name"),
        Column("zielgruppen", _("target groups"), lambda angebot: names(angebot.zielgruppen)),
        Column("sprachen", _("languages spoken"), lambda angebot: names(angebot.sprachen)),
        Column("review_state", _("review state"), order_by="review_state"),
        Column("updated_at", _("updated"), order_by="updated_at"),
    )

    kategorie = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Kategorie.objects.all())
    zielgruppen = django_filters.ModelChoiceFilter(label=_("Target group"), queryset=Zielgruppe.objects.all())
    sprachen = django_filters.ModelChoiceFilter(label=_("Language spoken"), queryset=Sprache.objects.all())

    class Meta:
        model = Angebot
        fields = [
            "q",
            "quartier",
            "kategorie",
            "zielgruppen",
            "sprachen",
            "is_mobile",
            "free_of_charge",
            "review_state",
        ]
