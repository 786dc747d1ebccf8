"""The public offer search: what residents can narrow the offers by. Every filter is a plain GET parameter."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartiere.models import Quartier
from treffpunkte.models import Angebot, Kategorie, Schedule, Sprache, Zielgruppe

# Times of day by the start of a time: morning before noon, afternoon until five, evening after.
TIMES_OF_DAY = {
    "vormittag": (_("Morning (before 12:00)"), Q(start_time__lt=datetime.time(12))),
    "nachmittag": (
        _("Afternoon (12:00 to 17:00)"),
        Q(start_time__gte=datetime.time(12), start_time__lt=datetime.time(17)),
    ),
    "abend": (_("Evening (from 17:00)"), Q(start_time__gte=datetime.time(17))),
}


def current_times(today):
    """The times still ahead or running: single dates from today on, series not ended before today."""
    single = Q(kind=Schedule.Kind.SINGLE)
    return Schedule.objects.filter(
        (single & Q(date__gte=today)) | (~single & (Q(valid_until__isnull=True) | Q(valid_until__gte=today)))
    )


def on_weekday(weekday):
    """Weekly and monthly times by their weekday, single dates by the weekday they fall on (ISO: Monday = 1)."""
    single = Q(kind=Schedule.Kind.SINGLE)
    return (~single & Q(weekday=weekday)) | (single & Q(date__iso_week_day=weekday + 1))


class AngebotSuche(django_filters.FilterSet):
    quartier = django_filters.ModelChoiceFilter(
        label=_("Quarter"), queryset=Quartier.objects.only("name", "slug"), to_field_name="slug", empty_label=_("All")
    )
    wochentag = django_filters.ChoiceFilter(
        label=_("Weekday"), choices=Schedule.Weekday.choices, method="keep", empty_label=_("All")
    )
    tageszeit = django_filters.ChoiceFilter(
        label=_("Time of day"),
        choices=[(key, label) for key, (label, _condition) in TIMES_OF_DAY.items()],
        method="keep",
        empty_label=_("All"),
    )
    zielgruppe = django_filters.ModelChoiceFilter(
        label=_("Target group"), queryset=Zielgruppe.objects.all(), field_name="zielgruppen", empty_label=_("All")
    )
    sprache = django_filters.ModelChoiceFilter(
        label=_("Language spoken"),
        queryset=Sprache.objects.all(),
        field_name="sprachen",
        to_field_name="code",
        empty_label=_("All"),
    )
    kategorie = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Kategorie.objects.all(), empty_label=_("All")
    )
    kostenlos = django_filters.BooleanFilter(
        label=_("Free of charge only"), field_name="free_of_charge", method="filter_flag", widget=forms.CheckboxInput
    )
    barrierefrei = django_filters.BooleanFilter(
        label=_("Step-free access only"),
        field_name="treffpunkt__step_free",
        method="filter_flag",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Angebot
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-select"
            field.widget.attrs["class"] = css

    def keep(self, queryset, name, value):
        return queryset  # weekday and time of day are applied together, in filter_queryset

    def filter_queryset(self, queryset):
        """Weekday and time of day must hold for one and the same current time of the offer: an offer on Monday
        morning and Wednesday evening is no Monday evening offer, and a series that ended is no offer at all."""
        queryset = super().filter_queryset(queryset)
        weekday, time_of_day = self.form.cleaned_data.get("wochentag"), self.form.cleaned_data.get("tageszeit")
        if not weekday and not time_of_day:
            return queryset
        times = current_times(timezone.localdate())
        if weekday:
            times = times.filter(on_weekday(int(weekday)))
        if time_of_day:
            times = times.filter(TIMES_OF_DAY[time_of_day][1])
        return queryset.filter(Exists(times.filter(angebot=OuterRef("pk"))))

    def filter_flag(self, queryset, name, value):
        # An unticked box means "whatever", not "only those without".
        return queryset.filter(**{name: True}) if value else queryset
