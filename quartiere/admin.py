from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.admin import BaseAdmin, EntryInline, ReviewedModelAdmin
from quartiere.models import Jahresziel, Kennzahl, Quartier


class KennzahlInline(admin.TabularInline):
    model = Kennzahl
    fields = ("name", "year", "value", "unit", "source")
    extra = 0


class JahreszielInline(EntryInline):
    """The year's goals at a glance; each is set and assessed on its own page, under the review rule."""

    model = Jahresziel
    fk_name = "quartier"
    fields = ("year", "title", "assessment", "review_state")


@admin.register(Quartier)
class QuartierAdmin(BaseAdmin):
    list_display = ("name", "slug", "is_soziale_stadt", "treffpunkt_count", "angebot_count")
    list_filter = ("is_soziale_stadt",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (KennzahlInline, JahreszielInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                treffpunkt_count=Count("treffpunkte", distinct=True),
                angebot_count=Count("angebote", distinct=True),
            )
        )

    @admin.display(description=_("meeting points"), ordering="treffpunkt_count")
    def treffpunkt_count(self, obj):
        return obj.treffpunkt_count

    @admin.display(description=_("offers"), ordering="angebot_count")
    def angebot_count(self, obj):
        return obj.angebot_count


@admin.register(Kennzahl)
class KennzahlAdmin(BaseAdmin):
    list_display = ("name", "quartier", "year", "value", "unit", "source")
    list_filter = ("quartier", "year")
    search_fields = ("name", "source", "quartier__name")
    autocomplete_fields = ("quartier",)
    list_select_related = ("quartier",)


@admin.register(Jahresziel)
class JahreszielAdmin(ReviewedModelAdmin):
    list_display = ("title", "quartier", "year", "assessment", "review_state")
    list_filter = ("year", "quartier", "assessment", "review_state")
    search_fields = ("title", "description", "quartier__name")
    autocomplete_fields = ("quartier", "carried_over_from")
    list_select_related = ("quartier",)
