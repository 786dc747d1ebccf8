"""What every list of content entries can be filtered, sorted and exported by (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.models import ReviewState
from quartiere.models import Quartier


class Column:
    """A column of a list page and of its export: a label, how to read the value, and what sorts it.

    ``value`` is a dotted attribute path (``"quartier.name"``) or a callable taking the row; ``order_by`` the
    model field path the column sorts by (None: not sortable).
    """

    def __init__(self, key, label, value=None, *, order_by=None, link=False):
        self.key = key
        self.label = label
        self.value = value or key
        self.order_by = order_by
        self.link = link

    def cell(self, row):
        """The raw value, typed (numbers stay numbers, dates stay dates), for display and export."""
        if callable(self.value):
            return self.value(row)
        value = row
        for name in self.value.split("."):
            value = getattr(value, name, None)
            if value is None:
                return None
        display = getattr(row, f"get_{self.value}_display", None) if "." not in self.value else None
        return display() if display else (str(value) if hasattr(value, "_meta") else value)


class EntryFilterSet(django_filters.FilterSet):
    """The filters every content list shares: free text, quarter, review state; and sorting by column.

    Subclasses set ``search_fields`` (for the free-text box), ``columns`` (for the table, the sort links and
    the export), what the columns read (``select_related``, ``prefetch_related``, so a page costs the same
    number of queries for 3 rows as for 300) and add their own filters. The quarter choices are the person's
    quarters.
    """

    search_fields = ()
    columns = ()
    select_related = ()
    prefetch_related = ()

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    quartier = django_filters.ModelChoiceFilter(
        label=_("Quarter"), queryset=Quartier.objects.only("name"), method="filter_quartier"
    )
    review_state = django_filters.ChoiceFilter(label=_("Review state"), choices=ReviewState.choices)
    o = django_filters.CharFilter(method="filter_order", widget=forms.HiddenInput)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        if user is not None and not user.covers_all_quarters:
            self.filters["quartier"].queryset = Quartier.objects.only("name").filter(pk__in=user.quartier_ids)
        for field in self.form.fields.values():
            # Bootstrap's look for the filter form, which django-filter builds without classes.
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_text(self, queryset, name, value):
        query = Q()
        for word in value.split():
            query &= Q.create([(f"{field}__icontains", word) for field in self.search_fields], connector=Q.OR)
        return queryset.filter(query)

    def filter_quartier(self, queryset, name, value):
        return queryset.in_quarters([value.pk])

    def filter_order(self, queryset, name, value):
        """``o=title`` sorts ascending by that column, ``o=-title`` descending; unknown keys are ignored."""
        key = value.removeprefix("-")
        column = next((column for column in self.columns if column.key == key and column.order_by), None)
        if column is None:
            return queryset
        direction = "-" if value.startswith("-") else ""
        return queryset.order_by(f"{direction}{column.order_by}", f"{direction}pk")
