"""Filters, columns and exports of the lists of meetings and tasks."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hameln_quartiere.filters import Column, DateInput, EntryFilterSet, ListFilterSet
from zusammenarbeit.models import Aufgabe, Sitzung


def quarter_or_programme(sitzung):
    """A meeting's quarter, or (none given) the whole programme."""
    return sitzung.quartier.name if sitzung.quartier_id else str(_("Whole programme"))


class SitzungFilter(EntryFilterSet):
    search_fields = ("title", "place", "guests", "tagesordnungspunkte__title")
    select_related = ("quartier",)
    columns = (
        Column("date", _("date"), order_by="date", link=True),
        Column("kind", _("kind of meeting"), order_by="kind"),
        Column("title", _("title"), order_by="title"),
        Column("quartier", _("quarter"), quarter_or_programme, order_by="quartier__name"),
        Column("place", _("place"), order_by="place"),
        Column("review_state", _("review state"), order_by="review_state"),
    )

    kind = django_filters.ChoiceFilter(label=_("Kind of meeting"), choices=Sitzung.Kind.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=DateInput)
    date_until = django_filters.DateFilter(label=_("Until"), field_name="date", lookup_expr="lte", widget=DateInput)

    class Meta:
        model = Sitzung
        fields = ["q", "quartier", "kind", "date_from", "date_until", "review_state"]

    def filter_text(self, queryset, name, value):
        # An agenda item's title is searched too; a meeting with several matching items is still one row.
        return super().filter_text(queryset, name, value).distinct()


def meeting_of(aufgabe):
    punkt = aufgabe.tagesordnungspunkt
    return str(punkt.sitzung) if punkt is not None else None


class AufgabeFilter(ListFilterSet):
    """My tasks, or all tasks I may see; open (the default), overdue, done or all."""

    MINE, ALL = "mine", "all"
    OPEN, OVERDUE, DONE, ANY = "open", "overdue", "done", "any"
    DEFAULTS = {"who": MINE, "state": OPEN}

    search_fields = ("title", "description", "tagesordnungspunkt__title", "tagesordnungspunkt__sitzung__title")
    select_related = ("assignee", "tagesordnungspunkt__sitzung__quartier")
    columns = (
        Column("title", _("task"), order_by="title", link=True),
        Column("assignee", _("assigned to"), "assignee", order_by="assignee__last_name"),
        Column("due", _("due"), order_by="due"),
        Column("status", _("status"), order_by="status"),
        Column("overdue", _("overdue"), lambda aufgabe: aufgabe.is_overdue),
        Column("sitzung", _("meeting"), meeting_of, order_by="tagesordnungspunkt__sitzung__date"),
    )

    who = django_filters.ChoiceFilter(
        label=_("Whose tasks"),
        choices=[(MINE, _("Mine")), (ALL, _("All I may see"))],
        empty_label=None,
        method="filter_who",
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, pgettext_lazy("task", "Open")), (OVERDUE, _("Overdue")), (DONE, _("Done")), (ANY, _("All"))],
        empty_label=None,
        method="filter_state",
    )

    class Meta:
        model = Aufgabe
        fields = ["q", "who", "state"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # Without a choice in the address the list shows my open tasks.
        data = data.copy() if data is not None else {}
        for name, value in self.DEFAULTS.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data, queryset, request=request, prefix=prefix)

    @property
    def active_count(self):
        if not hasattr(self.form, "cleaned_data"):
            return 0
        return sum(
            1
            for name, value in self.form.cleaned_data.items()
            if name != "o" and value not in (None, "") and value != self.DEFAULTS.get(name)
        )

    def filter_who(self, queryset, name, value):
        return queryset.filter(assignee=self.request.user) if value == self.MINE else queryset

    def filter_state(self, queryset, name, value):
        if value == self.OPEN:
            return queryset.filter(status=Aufgabe.Status.OPEN)
        if value == self.OVERDUE:
            return queryset.filter(status=Aufgabe.Status.OPEN, due__lt=timezone.localdate())
        if value == self.DONE:
            return queryset.filter(status=Aufgabe.Status.DONE)
        return queryset
