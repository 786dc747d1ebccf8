"""Filters, columns and exports of the lists of meeting points, offers and operators."""

import django_filters
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.filters import Column, EntryFilterSet, ListFilterSet
from quartiere.models import Quartier
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


def quarter_names(traeger):
    """The quarters of the operator's meeting points that the person may see (``visible_treffpunkte``)."""
    return ", ".join(sorted({treffpunkt.quartier.name for treffpunkt in traeger.visible_treffpunkte}))


class TraegerFilter(ListFilterSet):
    """The operators: not under review, so every person with a role sees all of them; what is said about their
    meeting points (quarters, how many) counts only the meeting points the person may see.

    The view annotates ``treffpunkt_count`` and prefetches ``visible_treffpunkte`` (see ``TraegerListView``).
    """

    search_fields = ("name", "description", "street", "email", "kontaktpersonen__name")
    columns = (
        Column("name", _("name"), order_by="name", link=True),
        Column("kind", _("kind"), order_by="kind"),
        Column("quartiere", _("quarters"), quarter_names),
        Column("treffpunkt_count", _("meeting points"), order_by="treffpunkt_count"),
        Column("email", _("e-mail"), order_by="email"),
        Column("phone", _("phone")),
        Column("website", _("website")),
    )

    quartier = django_filters.ModelChoiceFilter(
        label=_("Quarter of a meeting point"), queryset=Quartier.objects.only("name"), method="filter_quartier"
    )

    class Meta:
        model = Traeger
        fields = ["q", "kind", "quartier"]

    def filter_text(self, queryset, name, value):
        # Searching the contact persons joins many rows per operator; the subquery keeps one row each.
        return queryset.filter(pk__in=super().filter_text(Traeger.objects.all(), name, value).values("pk"))

    def filter_quartier(self, queryset, name, value):
        return queryset.filter(pk__in=Treffpunkt.objects.filter(quartier=value).values("traeger"))
