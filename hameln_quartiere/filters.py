"""What the portal's lists can be filtered, sorted and exported by (django-filter).

Every filter, the sort order and the page live in the URL, so a filtered list can be bookmarked and shared, and
the export of a list holds exactly its filtered rows.
"""

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.models import ReviewState
from quartiere.models import Quartier


class Column:
    """A column of a list page and of its export: a label, how to read the value, and what sorts it.

    ``value`` is a dotted attribute path (``"quartier.name"``) or a callable taking the row; ``order_by`` the
    model field path the column sorts by (None: not sortable). A field with choices sorts in the order of its
    choices (a meeting point's lifecycle, planned → closed), not alphabetically by its stored code.
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


def model_field(model, path):
    """The model field at the end of a ``__`` path (``"handlungskonzept__quartier__name"``), or None."""
    field = None
    for name in path.split("__"):
        if field is not None:
            model = field.related_model
        try:
            field = model._meta.get_field(name)
        except (AttributeError, FieldDoesNotExist):
            return None  # an annotation or a transform: sorted as it is
    return field


class ListFilterSet(django_filters.FilterSet):
    """Free text over ``search_fields``, sorting by the ``columns``, and the look of the filter form.

    Subclasses set ``search_fields`` (for the free-text box), ``columns`` (for the table, the sort links and the
    export), and what the columns read (``select_related``, ``prefetch_related``), so that a page costs the
    same number of queries for 3 rows as for 300.
    """

    search_fields = ()
    columns = ()
    select_related = ()
    prefetch_related = ()

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    o = django_filters.CharFilter(method="filter_order", widget=forms.HiddenInput)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.covers_all_quarters:
            self.scope_choices(user.quartier_ids)
        for field in self.form.fields.values():
            # Bootstrap's look for the filter form, which django-filter builds without classes.
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        if self.is_bound:
            # A filter that could not be read is left out of the list; say so next to the field.
            for name in self.form.errors:
                if name in self.form.fields:
                    attrs = self.form.fields[name].widget.attrs
                    attrs["class"] += " is-invalid"
                    attrs.update({"aria-invalid": "true", "aria-describedby": f"{self.form[name].auto_id}-error"})

    def scope_choices(self, quartier_ids):
        """Offer only choices in the person's quarters: nobody learns the titles of entries they may not see."""
        for filter_ in self.filters.values():
            queryset = getattr(filter_, "queryset", None)
            if queryset is None or callable(queryset):
                continue
            if queryset.model is Quartier:
                filter_.queryset = queryset.filter(pk__in=quartier_ids)
            elif hasattr(queryset.model, "quartier_lookup"):
                filter_.queryset = queryset.filter(**{f"{queryset.model.quartier_lookup}__in": quartier_ids})

    @property
    def active_count(self):
        """How many filters are set (the sort order not counted), for the summary of the filter form."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return 0
        return sum(1 for name, value in self.form.cleaned_data.items() if name != "o" and value not in (None, ""))

    def filter_text(self, queryset, name, value):
        query = Q()
        for word in value.split():
            query &= Q.create([(f"{field}__icontains", word) for field in self.search_fields], connector=Q.OR)
        return queryset.filter(query)

    def filter_order(self, queryset, name, value):
        """``o=title`` sorts ascending by that column, ``o=-title`` descending; unknown keys are ignored.

        Empty values come last either way, and the primary key breaks ties, so that page 2 of a sorted list
        is the same page every time (on SQLite and PostgreSQL alike).
        """
        key = value.removeprefix("-")
        column = next((column for column in self.columns if column.key == key and column.order_by), None)
        if column is None:
            return queryset
        expression = self.order_expression(queryset.model, column.order_by)
        if value.startswith("-"):
            return queryset.order_by(expression.desc(nulls_last=True), "-pk")
        return queryset.order_by(expression.asc(nulls_last=True), "pk")

    @staticmethod
    def order_expression(model, path):
        field = model_field(model, path)
        if field is None or not field.choices:
            return F(path)
        whens = [
            When(**{path: code}, then=Value(position)) for position, (code, _label) in enumerate(field.flatchoices)
        ]
        return Case(*whens, default=Value(len(whens)), output_field=IntegerField())


class EntryFilterSet(ListFilterSet):
    """The filters every list of content entries shares: free text, quarter, review state; sorting by column.

    Subclasses add their own filters. The quarter choices, and the choices of any filter over entries with a
    quarter, are the person's quarters.
    """

    quartier = django_filters.ModelChoiceFilter(
        label=_("Quarter"), queryset=Quartier.objects.only("name"), method="filter_quartier"
    )
    review_state = django_filters.ChoiceFilter(label=_("Review state"), choices=ReviewState.choices)

    def filter_quartier(self, queryset, name, value):
        return queryset.in_quarters([value.pk])


class YearFilter(django_filters.NumberFilter):
    """Entries whose period includes the year: ``start_field`` up to ``end_field`` (open end allowed)."""

    def __init__(self, *args, start_field, end_field, **kwargs):
        kwargs.setdefault("min_value", 1990)
        kwargs.setdefault("max_value", 2100)
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


class DateInput(forms.DateInput):
    """The browser's date picker; the value in ISO format, which is also what the URL carries."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodOverlapFilter(django_filters.DateFilter):
    """One end of a date range: entries whose period (``start_field`` to ``end_field``, open end allowed)
    overlaps it. ``bound="from"`` keeps entries that have not ended before the date, ``bound="until"``
    those that have started by then; together: running at some time between the two dates."""

    def __init__(self, *args, start_field, end_field, bound, **kwargs):
        kwargs.setdefault("widget", DateInput)
        super().__init__(*args, **kwargs)
        self.start_field = start_field
        self.end_field = end_field
        self.bound = bound

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        if self.bound == "from":
            return queryset.filter(Q(**{f"{self.end_field}__isnull": True}) | Q(**{f"{self.end_field}__gte": value}))
        return queryset.filter(**{f"{self.start_field}__lte": value})
