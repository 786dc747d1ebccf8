from django.contrib import admin

from .models import Jahresbericht


@admin.register(Jahresbericht)
class JahresberichtAdmin(admin.ModelAdmin):
    """Finalised reports are read here, never changed or deleted: a correction is a new version in the portal."""

    list_display = ["year", "quartier", "version", "finalised_by", "finalised_at"]
    list_filter = ["year", "quartier"]
    list_select_related = ["quartier", "finalised_by"]
    fields = ["year", "quartier", "version", "note", "finalised_by", "finalised_at", "document"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
