from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.admin import REVIEW_FIELDSET, BaseAdmin, EntryInline, ReviewedModelAdmin
from handlungskonzepte.models import (
    Befund,
    Beteiligungsformat,
    Handlungsfeld,
    Handlungskonzept,
    Indikator,
    Massnahme,
    Sachstand,
    Ziel,
)


class HandlungsfeldInline(admin.TabularInline):
    model = Handlungsfeld
    fields = ("position", "title", "description")
    show_change_link = True
    extra = 0


class BeteiligungsformatInline(admin.TabularInline):
    model = Beteiligungsformat
    fields = ("date", "kind", "title", "participants")
    show_change_link = True
    extra = 0


@admin.register(Handlungskonzept)
class HandlungskonzeptAdmin(ReviewedModelAdmin):
    list_display = ("title", "quartier", "start_year", "end_year", "previous", "review_state")
    list_filter = ("quartier", "review_state")
    search_fields = ("title", "summary", "quartier__name")
    autocomplete_fields = ("quartier", "previous")
    list_select_related = ("quartier", "previous")
    inlines = (HandlungsfeldInline, BeteiligungsformatInline)


@admin.register(Beteiligungsformat)
class BeteiligungsformatAdmin(BaseAdmin):
    list_display = ("title", "kind", "date", "participants", "handlungskonzept", "befund_count")
    list_filter = ("kind", "handlungskonzept__quartier")
    search_fields = ("title", "summary", "handlungskonzept__title")
    autocomplete_fields = ("handlungskonzept",)
    list_select_related = ("handlungskonzept",)
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(befund_count=Count("befunde"))

    @admin.display(description=_("findings"), ordering="befund_count")
    def befund_count(self, obj):
        return obj.befund_count


@admin.register(Befund)
class BefundAdmin(ReviewedModelAdmin):
    list_display = ("title", "kind", "handlungskonzept", "beteiligungsformat", "review_state")
    list_filter = ("kind", "review_state", "handlungskonzept__quartier")
    search_fields = ("title", "description", "beteiligungsformat__title")
    autocomplete_fields = ("handlungskonzept", "beteiligungsformat")
    list_select_related = ("handlungskonzept", "beteiligungsformat")


class ZielInline(EntryInline):
    model = Ziel
    fields = ("title", "review_state")


@admin.register(Handlungsfeld)
class HandlungsfeldAdmin(BaseAdmin):
    list_display = ("title", "handlungskonzept", "position", "ziel_count")
    list_filter = ("handlungskonzept__quartier",)
    search_fields = ("title", "description", "handlungskonzept__title")
    autocomplete_fields = ("handlungskonzept",)
    list_select_related = ("handlungskonzept",)
    inlines = (ZielInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ziel_count=Count("ziele"))

    @admin.display(description=_("goals"), ordering="ziel_count")
    def ziel_count(self, obj):
        return obj.ziel_count


class IndikatorInline(admin.TabularInline):
    model = Indikator
    fields = ("name", "unit", "baseline", "baseline_year", "target", "actual")
    extra = 0


@admin.register(Ziel)
class ZielAdmin(ReviewedModelAdmin):
    list_display = ("title", "handlungsfeld", "handlungsfeld__handlungskonzept", "review_state")
    list_filter = ("review_state", "handlungsfeld__handlungskonzept__quartier")
    search_fields = ("title", "description", "handlungsfeld__title")
    autocomplete_fields = ("handlungsfeld", "befunde")
    list_select_related = ("handlungsfeld__handlungskonzept",)
    inlines = (IndikatorInline,)


@admin.register(Indikator)
class IndikatorAdmin(BaseAdmin):
    list_display = ("name", "ziel", "unit", "baseline", "target", "actual")
    search_fields = ("name", "ziel__title")
    autocomplete_fields = ("ziel",)
    list_select_related = ("ziel",)


class SachstandInline(admin.TabularInline):
    model = Sachstand
    fields = ("date", "progress", "text", "author")
    readonly_fields = ("author",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Massnahme)
class MassnahmeAdmin(ReviewedModelAdmin):
    list_display = (
        "title",
        "handlungskonzept",
        "owner",
        "owner_traeger",
        "contact_person",
        "status",
        "progress",
        "start",
        "end",
        "review_state",
    )
    list_filter = ("status", "owner", "review_state", "handlungskonzept__quartier")
    search_fields = ("title", "description", "owner_traeger__name", "handlungskonzept__title")
    autocomplete_fields = (
        "handlungskonzept",
        "ziele",
        "owner_traeger",
        "partners",
        "treffpunkt",
        "angebote",
        "contact_person",
    )
    list_select_related = ("handlungskonzept", "owner_traeger", "contact_person")
    fieldsets = (
        (None, {"fields": ("handlungskonzept", "title", "description", "ziele")}),
        (_("Responsibility"), {"fields": ("owner", "owner_traeger", "partners", "contact_person")}),
        (_("Where"), {"fields": ("treffpunkt", "angebote")}),
        (_("Progress"), {"fields": ("start", "end", "status", "progress")}),
        REVIEW_FIELDSET,
    )
    inlines = (SachstandInline,)


@admin.register(Sachstand)
class SachstandAdmin(BaseAdmin):
    list_display = ("date", "massnahme", "progress", "author")
    list_filter = ("massnahme__handlungskonzept__quartier", "massnahme__status")
    search_fields = ("text", "massnahme__title")
    autocomplete_fields = ("massnahme",)
    list_select_related = ("massnahme", "author")
    readonly_fields = ("author", "created_at")
    date_hierarchy = "date"
