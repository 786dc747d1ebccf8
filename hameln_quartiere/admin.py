"""The city admins' tool: users, roles, staff positions, funding, and the base every content admin shares."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList as DjangoChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.forms import EntryForm
from hameln_quartiere.models import Comment, Foerderquelle, LogEntry, Notification, ReviewState, Stelle, User
from hameln_quartiere.privacy import PrivacyAdminMixin
from hameln_quartiere.services import ReviewError, changes, delete_entry, log, save_entry, submit_for_review

admin.site.site_header = _("Hameln Quartiere administration")
admin.site.site_title = _("Hameln Quartiere")
admin.site.index_title = _("Quarters, meeting points and action concepts")


def _city_admins_only(request):
    """The admin is the city admins' tool; staff of the two Ressorts work in the portal, under its scope."""
    return request.user.is_active and request.user.is_staff and request.user.is_city_admin


admin.site.has_permission = _city_admins_only

# The review fields change only through the review services, so the admin shows them and never edits them.
REVIEW_FIELDS = (
    "review_state",
    "review_page",
    "pending_change",
    "submitted_by",
    "submitted_at",
    "approved_by",
    "approved_at",
    "override_reason",
    "version",
    "created_by",
    "created_at",
    "updated_at",
)
REVIEW_FIELDSET = (_("Review"), {"fields": REVIEW_FIELDS})

# Where an entry records who made it. These fields are not editable, so no form fills them in.
CREATOR_FIELDS = ("created_by", "author", "recorded_by")


def creator_field(model):
    """The name of the field in which ``model`` records who created a row, or None."""
    names = {field.name for field in model._meta.concrete_fields}
    return next((name for name in CREATOR_FIELDS if name in names), None)


def quarter_names(obj):
    """The quarters of ``obj`` as one line; expects ``quartiere`` to be prefetched."""
    return ", ".join(quartier.name for quartier in obj.quartiere.all())


def related_count(model, field):
    """The number of ``model`` rows whose ``field`` points to the outer row, as a correlated subquery.

    A ``Count`` over the join groups the whole table before the page is cut; the subquery is computed for the
    rows on the page only (PostgreSQL evaluates it after the sort and the limit; for every row when the list is
    sorted by the count), and the paginator's COUNT leaves it out.
    """
    rows = model._default_manager.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), Value(0))


def long_texts(model, related, prefix=""):
    """The text and JSON fields of ``model`` and of the rows joined to it (``related``, a select_related tree)."""
    names = [
        prefix + field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField | models.JSONField)
    ]
    for name, subtree in related.items() if isinstance(related, dict) else ():
        names += long_texts(model._meta.get_field(name).related_model, subtree, f"{prefix}{name}__")
    return names


class PageRows:
    """The rows of a changelist page, read when first iterated. How many there are follows from the count the
    changelist made anyway, so Django's "0 of N selected" note reads no row, and a page whose rows are remembered
    (templates/admin/change_list.html) reads none at all."""

    def __init__(self, queryset, length):
        self.queryset = queryset
        self.length = length

    @cached_property
    def rows(self):
        return list(self.queryset)

    def __len__(self):
        return self.length

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, index):
        return self.rows[index]


class ChangeList(DjangoChangeList):
    """The changelist, reading a page's rows without their long texts (descriptions in seven languages, proposed
    changes), also those of the rows joined in: no column shows them, and sorting the wide rows before the limit
    was most of the list query (12 of the offers' 14 ms at scale 50). Actions still get whole rows. The rows are
    read only when shown (``PageRows``); a list with editable rows keeps Django's queryset for its forms."""

    def get_results(self, request):
        full = self.queryset
        shown = set(self.list_display)
        deferred = [name for name in long_texts(self.model, full.query.select_related) if name not in shown]
        self.queryset = full.defer(*deferred)
        try:
            super().get_results(request)
        finally:
            self.queryset = full
        if not self.list_editable:
            if (self.show_all and self.can_show_all) or not self.multi_page:
                length = self.result_count
            else:
                length = min(self.list_per_page, self.result_count - (self.page_num - 1) * self.list_per_page)
            self.result_list = PageRows(self.result_list, length)


class AuditedAdminMixin:
    """Every save and delete in the admin lands in the audit log, in the admin's transaction."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        log(obj, "changed" if change else "created", actor=request.user, data={"changes": changes(form)})

    def delete_model(self, request, obj):
        log(obj, "deleted", actor=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            log(obj, "deleted", actor=request.user)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                log(inline_form.instance, "deleted", actor=request.user)
        saved = [
            (inline_form, inline_form.instance.pk is None)
            for inline_form in formset.forms
            if inline_form.has_changed() and inline_form not in formset.deleted_forms
        ]
        super().save_formset(request, form, formset, change)
        for inline_form, created in saved:
            verb = "created" if created else "changed"
            log(inline_form.instance, verb, actor=request.user, data={"changes": changes(inline_form)})


class BaseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The base of every admin here: a new row records who made it, also when it is added through an inline."""

    # Web addresses typed without a scheme are taken as https (Django 6's default, asked for now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Every row costs server time to render (a page of 100 rows took 50-90 ms at scale 50). 50 rows still fill
    # a screen or two and the filters and search narrow the rest, so a page costs half as much.
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return ChangeList

    def action_checkbox(self, obj):
        # Django renders a form widget through the template engine for every row (a third of a page's time);
        # this is the same checkbox as one format string.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_ordering(self, request):
        # An annotated count groups the query, and grouped queries drop Meta.ordering; autocomplete then pages
        # through an unordered list. Ordering explicitly keeps the model's order.
        return super().get_ordering(request) or self.model._meta.ordering

    def save_model(self, request, obj, form, change):
        field = creator_field(type(obj))
        if field and not change:
            setattr(obj, field, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        field = creator_field(formset.model)
        if field:
            for inline_form in formset.forms:
                if inline_form.instance.pk is None:
                    setattr(inline_form.instance, field, request.user)
        super().save_formset(request, form, formset, change)


class ReviewedModelAdmin(BaseAdmin):
    """Admin for a content entry (a ``ReviewedModel``), under the same review rule as the portal.

    Saves go through ``save_entry``: a change to an approved entry becomes a proposed change, and a stale form
    is refused. Submitting is an action; approving and returning happen on the portal's review page, where a
    city admin decides only as a recorded override. While an entry is under review it is read-only here too.
    """

    form = EntryForm
    readonly_fields = REVIEW_FIELDS
    actions = ["submit_selected"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        first_name, first_options = fieldsets[0]
        if "loaded_version" in first_options["fields"]:
            return fieldsets
        first = (first_name, {**first_options, "fields": (*first_options["fields"], "loaded_version")})
        return (first, *fieldsets[1:])

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.review_state == ReviewState.SUBMITTED:
            return False
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ReviewError as error:
            # E.g. someone else saved between this form's check and its save: nothing was written.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        save_entry(form, actor=request.user)

    def delete_model(self, request, obj):
        delete_entry(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            delete_entry(entry, actor=request.user)

    def save_related(self, request, form, formsets, change):
        # ``save_entry`` saved the many-to-many fields, or kept them in the proposed change.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("Submit for review"))
    def submit_selected(self, request, queryset):
        submitted = 0
        for entry in queryset:
            try:
                submit_for_review(entry, actor=request.user)
            except ReviewError as error:
                self.message_user(request, f"{entry}: {error}", messages.WARNING)
            else:
                submitted += 1
        if submitted:
            self.message_user(request, _("%(count)d entries submitted for review.") % {"count": submitted})

    @admin.display(description=_("review page"))
    def review_page(self, obj):
        if obj.pk is None:
            return "–"
        url = reverse(f"{obj._meta.app_label}:{obj._meta.model_name}-detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open in the portal (history, comments, review)"))

    @admin.display(description=_("proposed change"))
    def pending_change(self, obj):
        if obj.pending is None:
            return "–"
        labels = ", ".join(str(obj._meta.get_field(name).verbose_name) for name in obj.pending)
        return _("A change to the approved version awaits review: %(fields)s") % {"fields": labels}


class EntryInline(admin.TabularInline):
    """Content entries listed on their parent's page; each is edited on its own page, under the review rule."""

    show_change_link = True
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(PrivacyAdminMixin, AuditedAdminMixin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and quarters"), {"fields": ("role", "ressort", "quartiere")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and quarters"), {"fields": ("first_name", "last_name", "email", "role", "ressort", "quartiere")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "role", "ressort", "quarters", "is_active")
    list_filter = ("role", "ressort", "quartiere", "is_active", "is_staff", "is_superuser")
    autocomplete_fields = ("quartiere",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("quartiere")

    @admin.display(description=_("quarters covered"))
    def quarters(self, obj):
        return quarter_names(obj)


@admin.register(Foerderquelle)
class FoerderquelleAdmin(BaseAdmin):
    list_display = ("name", "kind", "funder", "stelle_count")
    list_filter = ("kind",)
    search_fields = ("name", "funder", "description")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(stelle_count=Count("stellen"))

    @admin.display(description=_("staff positions"), ordering="stelle_count")
    def stelle_count(self, obj):
        return obj.stelle_count


@admin.register(Stelle)
class StelleAdmin(BaseAdmin):
    list_display = ("title", "ressort", "holder", "fte", "funding", "period", "quarters")
    list_filter = ("ressort", "funding", "quartiere")
    search_fields = ("title", "holder__username", "holder__first_name", "holder__last_name", "funding__name")
    autocomplete_fields = ("holder", "funding", "quartiere")
    list_select_related = ("holder", "funding")
    date_hierarchy = "start"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("quartiere")

    @admin.display(description=_("period"), ordering="start")
    def period(self, obj):
        start = date_format(obj.start, "SHORT_DATE_FORMAT")
        if obj.end is None:
            return _("since %(start)s") % {"start": start}
        return f"{start} – {date_format(obj.end, 'SHORT_DATE_FORMAT')}"

    @admin.display(description=_("quarters covered"))
    def quarters(self, obj):
        return quarter_names(obj)


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The audit log, to read: nobody adds, changes or deletes a row, not even a superuser."""

    list_display = ("created_at", "actor", "action", "object_repr")
    list_filter = ("content_type", "created_at")
    search_fields = ("action", "object_repr", "actor__username", "actor__last_name")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments, to read; they are written in the portal, on the entry they belong to."""

    list_display = ("created_at", "author", "kind", "content_type", "text")
    list_filter = ("kind", "content_type")
    search_fields = ("text", "author__username", "author__last_name")
    list_select_related = ("author", "content_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Return reasons and override reasons are part of the review record.
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "object_repr", "read_at")
    list_filter = ("kind", "read_at")
    search_fields = ("object_repr", "recipient__username", "recipient__last_name")
    list_select_related = ("recipient",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
