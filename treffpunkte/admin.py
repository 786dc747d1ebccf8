import datetime

from django.contrib import admin
from django.db.models import Max, Min, Prefetch
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.admin import REVIEW_FIELDSET, BaseAdmin, EntryInline, ReviewedModelAdmin, related_count
from hameln_quartiere.privacy import PrivacyAdminMixin
from treffpunkte.models import (
    Angebot,
    Cancellation,
    Kategorie,
    Kontaktperson,
    Schedule,
    Sprache,
    Teilnahme,
    Traeger,
    Treffpunkt,
    Zielgruppe,
)


class AngebotCountMixin:
    """A changelist column with the number of offers, counted in the list query for the rows on the page."""

    def get_queryset(self, request):
        # The field on Angebot that points here: ``treffpunkt``, ``kategorie``, ``zielgruppen`` or ``sprachen``.
        field = self.model._meta.get_field("angebote").field.name
        return super().get_queryset(request).annotate(angebot_count=related_count(Angebot, field))

    @admin.display(description=_("offers"), ordering="angebot_count")
    def angebot_count(self, obj):
        return obj.angebot_count


@admin.register(Kategorie)
class KategorieAdmin(AngebotCountMixin, BaseAdmin):
    list_display = ("name", "angebot_count")
    search_fields = ("name",)


@admin.register(Zielgruppe)
class ZielgruppeAdmin(AngebotCountMixin, BaseAdmin):
    list_display = ("name", "angebot_count")
    search_fields = ("name",)


@admin.register(Sprache)
class SpracheAdmin(AngebotCountMixin, BaseAdmin):
    list_display = ("name", "code", "angebot_count")
    search_fields = ("name", "code")


class KontaktpersonInline(admin.TabularInline):
    model = Kontaktperson
    fields = ("name", "function", "email", "phone", "is_public")
    extra = 0


@admin.register(Traeger)
class TraegerAdmin(BaseAdmin):
    list_display = ("name", "kind", "city", "email", "phone", "treffpunkt_count", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("name", "description", "email", "street")
    inlines = (KontaktpersonInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(treffpunkt_count=related_count(Treffpunkt, "traeger"))

    @admin.display(description=_("meeting points"), ordering="treffpunkt_count")
    def treffpunkt_count(self, obj):
        return obj.treffpunkt_count


@admin.register(Kontaktperson)
class KontaktpersonAdmin(PrivacyAdminMixin, BaseAdmin):
    list_display = ("name", "traeger", "function", "email", "phone", "is_public")
    list_filter = ("is_public", "traeger__kind")
    search_fields = ("name", "function", "email", "traeger__name")
    autocomplete_fields = ("traeger",)
    list_select_related = ("traeger",)


class AngebotInline(EntryInline):
    model = Angebot
    fields = ("title", "kategorie", "is_mobile", "review_state")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kategorie")


@admin.register(Treffpunkt)
class TreffpunktAdmin(AngebotCountMixin, ReviewedModelAdmin):
    list_display = ("name", "quartier", "traeger", "status", "in_praxisnetzwerk", "angebot_count", "review_state")
    list_filter = ("quartier", "status", "review_state", "in_praxisnetzwerk", "step_free", "is_demo")
    search_fields = ("name", "slug", "street", "description", "traeger__name")
    autocomplete_fields = ("quartier", "traeger")
    list_select_related = ("quartier", "traeger")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "quartier", "traeger", "status", "description")}),
        (
            _("Address and contact"),
            {"fields": ("street", "postal_code", "city", "latitude", "longitude", "email", "phone")},
        ),
        (
            _("Opening and accessibility"),
            {"fields": ("opening_hours", "step_free", "accessible_toilet", "accessibility_notes")},
        ),
        (_("Lifecycle"), {"fields": ("opened_on", "closed_on", "in_praxisnetzwerk")}),
        REVIEW_FIELDSET,
    )
    inlines = (AngebotInline,)


class ScheduleInline(admin.TabularInline):
    model = Schedule
    fields = (
        "kind",
        "weekday",
        "interval",
        "week_of_month",
        "date",
        "start_time",
        "end_time",
        "valid_from",
        "valid_until",
        "treffpunkt",
        "place",
    )
    autocomplete_fields = ("treffpunkt",)
    extra = 0


class CancellationInline(admin.TabularInline):
    model = Cancellation
    fields = ("date", "reason")
    extra = 0


class TeilnahmeInline(admin.TabularInline):
    model = Teilnahme
    fields = ("period", "date", "participants", "note", "recorded_by")
    readonly_fields = ("recorded_by",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(Angebot)
class AngebotAdmin(ReviewedModelAdmin):
    list_display = ("title", "treffpunkt", "quartier", "kategorie", "is_mobile", "times", "review_state")
    list_filter = ("quartier", "kategorie", "zielgruppen", "sprachen", "is_mobile", "free_of_charge", "review_state")
    search_fields = ("title", "description", "treffpunkt__name", "contact")
    autocomplete_fields = ("quartier", "treffpunkt", "kategorie", "zielgruppen", "sprachen")
    list_select_related = ("treffpunkt", "quartier", "kategorie")
    fieldsets = (
        (None, {"fields": ("title", "description", "quartier", "treffpunkt", "is_mobile", "kategorie")}),
        (_("Who it is for"), {"fields": ("zielgruppen", "sprachen")}),
        (_("Taking part"), {"fields": ("free_of_charge", "cost_note", "registration_required", "contact")}),
        REVIEW_FIELDSET,
    )
    inlines = (ScheduleInline, CancellationInline, TeilnahmeInline)

    def get_queryset(self, request):
        # Into a list: ``obj.schedules.all()`` would build a queryset per row just to hand back the prefetch.
        return super().get_queryset(request).prefetch_related(Prefetch("schedules", to_attr="schedule_list"))

    @admin.display(description=_("times"))
    def times(self, obj):
        return "; ".join(str(schedule) for schedule in obj.schedule_list)


@admin.register(Schedule)
class ScheduleAdmin(BaseAdmin):
    list_display = ("angebot", "kind", "weekday", "week_of_month", "date", "start_time", "end_time", "valid_until")
    list_filter = ("kind", "weekday", "angebot__quartier")
    search_fields = ("angebot__title", "place")
    autocomplete_fields = ("angebot", "treffpunkt")
    list_select_related = ("angebot",)


@admin.register(Cancellation)
class CancellationAdmin(BaseAdmin):
    list_display = ("date", "angebot", "reason")
    list_filter = ("angebot__quartier",)
    search_fields = ("angebot__title", "reason")
    autocomplete_fields = ("angebot",)
    list_select_related = ("angebot",)
    date_hierarchy = "date"


class YearFilter(admin.SimpleListFilter):
    """Attendance by year, the span the reports count in.

    It replaces ``date_hierarchy``, whose year links come from a ``SELECT DISTINCT date_trunc('year', date)``
    over every count ever recorded (19 ms of each page at 100,000 rows). Here the years are the span between
    the first and the last date, two look-ups in the date index, and a year is a date range that uses it too.
    """

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        span = model_admin.model._default_manager.aggregate(first=Min("date"), last=Max("date"))
        if span["first"] is None:
            return []
        return [(str(year), str(year)) for year in range(span["last"].year, span["first"].year - 1, -1)]

    def queryset(self, request, queryset):
        year = self.value()
        if not year:
            return queryset
        try:
            year = int(year)
            first, after = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        except ValueError:
            return queryset.none()
        return queryset.filter(date__gte=first, date__lt=after)


@admin.register(Teilnahme)
class TeilnahmeAdmin(BaseAdmin):
    list_display = ("date", "angebot", "period", "participants", "recorded_by", "recorded_at")
    list_filter = (YearFilter, "period", "angebot__quartier", "angebot__kategorie")
    search_fields = ("angebot__title", "note")
    autocomplete_fields = ("angebot",)
    list_select_related = ("angebot", "recorded_by")
    readonly_fields = ("recorded_by", "recorded_at")
    # Newest first, as an admin checks what was just recorded; the date index serves it with the limit, where
    # the model's order (offer, then date) sorted all 100,000 rows for each page.
    ordering = ("-date", "-id")
    # Without filters the paginator's COUNT is the total; with them, a second COUNT of every row only for
    # "(N total)" is not worth it.
    show_full_result_count = False
