"""The city admins' view of meetings, tasks, attachments, practice examples, transfers and calendar addresses.

Meetings and practice examples are content entries: saved through the review services like every other one.
What the portal records with its own checks stays read-only here: attachments (uploaded through the portal,
which checks type and size), the steps of a transfer (append-only) and the calendar addresses (their secret
never shown).
"""

from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.admin import REVIEW_FIELDSET, BaseAdmin, ReviewedModelAdmin
from hameln_quartiere.services import log
from zusammenarbeit.forms import SitzungForm
from zusammenarbeit.models import (
    Anlage,
    Aufgabe,
    KalenderZugang,
    Praxisbeispiel,
    Sitzung,
    Tagesordnungspunkt,
    Transfer,
    TransferSchritt,
)


def _minutes_final(obj):
    """Approved minutes are final: their agenda is read-only here as in the portal."""
    return obj is not None and obj.approved_at is not None


class TagesordnungspunktInline(admin.StackedInline):
    model = Tagesordnungspunkt
    fields = ("position", "title", "status", "minutes", "decision", "carried_from")
    readonly_fields = ("carried_from",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("carried_from__sitzung")

    def get_readonly_fields(self, request, obj=None):
        return self.fields if _minutes_final(obj) else self.readonly_fields

    def has_add_permission(self, request, obj=None):
        return not _minutes_final(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _minutes_final(obj) and super().has_delete_permission(request, obj)


class AnlageInline(admin.TabularInline):
    model = Anlage
    fields = ("title", "download", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return download_link(obj)


def download_link(anlage):
    # Uploads are served only by the portal's permission-checked view, never from MEDIA_ROOT.
    url = reverse("zusammenarbeit:sitzung-anlage-download", args=[anlage.sitzung_id, anlage.pk])
    return format_html('<a href="{}">{}</a>', url, anlage.file.name.rsplit("/", 1)[-1])


@admin.register(Sitzung)
class SitzungAdmin(ReviewedModelAdmin):
    form = SitzungForm
    list_display = ("__str__", "kind", "date", "quartier", "place", "review_state")
    list_filter = ("kind", "quartier", "review_state")
    search_fields = ("title", "place", "guests", "tagesordnungspunkte__title")
    autocomplete_fields = ("quartier", "teilnehmende")
    list_select_related = ("quartier",)
    date_hierarchy = "date"
    fieldsets = (
        (None, {"fields": ("kind", "title", "date", "start_time", "end_time", "place", "quartier")}),
        (_("Taking part"), {"fields": ("teilnehmende", "guests")}),
        REVIEW_FIELDSET,
    )
    inlines = (TagesordnungspunktInline, AnlageInline)


@admin.register(Tagesordnungspunkt)
class TagesordnungspunktAdmin(BaseAdmin):
    list_display = ("__str__", "sitzung", "status")
    list_filter = ("status", "sitzung__kind")
    search_fields = ("title", "minutes", "decision", "sitzung__title")
    autocomplete_fields = ("sitzung",)
    list_select_related = ("sitzung",)
    readonly_fields = ("carried_from",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and _minutes_final(obj.sitzung):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _minutes_final(obj.sitzung):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Aufgabe)
class AufgabeAdmin(BaseAdmin):
    list_display = ("title", "assignee", "due", "status", "tagesordnungspunkt", "last_reminded_on")
    list_filter = ("status", "due", "tagesordnungspunkt__sitzung__kind")
    search_fields = ("title", "description", "assignee__username", "assignee__last_name")
    autocomplete_fields = ("assignee", "tagesordnungspunkt", "massnahme", "treffpunkt", "quartier")
    list_select_related = ("assignee", "tagesordnungspunkt")
    readonly_fields = ("created_by", "created_at", "done_at", "last_reminded_on")
    date_hierarchy = "due"

    def save_model(self, request, obj, form, change):
        # Done when it is marked done, here as in the portal.
        if obj.status == Aufgabe.Status.DONE and obj.done_at is None:
            obj.done_at = timezone.now()
        elif obj.status != Aufgabe.Status.DONE:
            obj.done_at = None
        super().save_model(request, obj, form, change)


@admin.register(Anlage)
class AnlageAdmin(BaseAdmin):
    """Attachments, to read and to remove; they are uploaded in the portal, where type and size are checked."""

    list_display = ("__str__", "sitzung", "size", "uploaded_by", "uploaded_at")
    list_filter = ("sitzung__kind",)
    search_fields = ("title", "file", "sitzung__title")
    list_select_related = ("sitzung", "uploaded_by")
    fields = ("sitzung", "title", "download", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return download_link(obj)

    def delete_model(self, request, obj):
        name, storage = obj.file.name, obj.file.storage
        super().delete_model(request, obj)
        transaction.on_commit(lambda: storage.delete(name))

    def delete_queryset(self, request, queryset):
        files = [(anlage.file.storage, anlage.file.name) for anlage in queryset]
        super().delete_queryset(request, queryset)
        for storage, name in files:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


@admin.register(Praxisbeispiel)
class PraxisbeispielAdmin(ReviewedModelAdmin):
    list_display = ("title", "quartier", "angebot", "massnahme", "contact", "review_state")
    list_filter = ("quartier", "review_state")
    search_fields = ("title", "context", "steps", "lessons")
    autocomplete_fields = ("quartier", "angebot", "massnahme", "contact")
    list_select_related = ("quartier", "angebot", "massnahme", "contact")
    fieldsets = (
        (None, {"fields": ("title", "quartier", "angebot", "massnahme", "context", "contact")}),
        (_("What is needed"), {"fields": ("needs_people", "needs_rooms", "needs_money")}),
        (_("How it works"), {"fields": ("steps", "lessons")}),
        REVIEW_FIELDSET,
    )


class TransferSchrittInline(admin.TabularInline):
    """The steps of a transfer: append-only, so read here and never changed."""

    model = TransferSchritt
    fields = ("at", "status", "note", "actor")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Transfer)
class TransferAdmin(BaseAdmin):
    list_display = ("__str__", "quartier", "status", "driver", "updated_at")
    list_filter = ("status", "quartier")
    search_fields = ("praxisbeispiel__title", "learnt")
    autocomplete_fields = ("praxisbeispiel", "quartier", "driver", "angebot", "massnahme")
    list_select_related = ("praxisbeispiel", "quartier", "driver")
    readonly_fields = ("created_at", "updated_at", "version")
    inlines = (TransferSchrittInline,)

    def get_readonly_fields(self, request, obj=None):
        # A status changes in the portal, where each change is kept as a step.
        if obj is not None:
            return (*self.readonly_fields, "status")
        return self.readonly_fields


@admin.register(KalenderZugang)
class KalenderZugangAdmin(admin.ModelAdmin):
    """Calendar addresses, without their secret: revoke one (the address is a 404 at once); people make new ones
    in the portal."""

    list_display = ("user", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "user__last_name")
    list_select_related = ("user",)
    fields = ("user", "created_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected calendar addresses"))
    def revoke_selected(self, request, queryset):
        now = timezone.now()
        revoked = 0
        with transaction.atomic():
            for zugang in queryset.filter(revoked_at__isnull=True):
                zugang.revoked_at = now
                zugang.save(update_fields=["revoked_at"])
                log(zugang, "revoked", actor=request.user)
                revoked += 1
        self.message_user(request, _("%(count)d calendar addresses revoked.") % {"count": revoked}, messages.SUCCESS)
