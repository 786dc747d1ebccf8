"""The start pages, and the portal pages every content entry shares: detail, edit, review, comments, history.

Each content model gets the same set of pages from ``entry_urls``; its app's ``urls.py`` says where. Views stay
thin: they find the entry in the person's scope (anything else is a 404), ask the rules whether the person
may act, call a service, and turn its error into a page that says why.
"""

import heapq

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, TemplateView, UpdateView

from hameln_quartiere import dashboard
from hameln_quartiere.cache import DATA, remember
from hameln_quartiere.exports import FORMATS, export_response
from hameln_quartiere.forms import CommentForm, QueueFilterForm, ReviewForm, VersionForm
from hameln_quartiere.models import Comment, LogEntry, ReviewedModel
from hameln_quartiere.rules import has_staff_role, may, refusal_reason
from hameln_quartiere.services import (
    ReviewError,
    StaleEntry,
    add_comment,
    approve,
    content_fields,
    delete_entry,
    discard_proposal,
    display,
    proposal_diff,
    return_for_revision,
    save_entry,
    save_parts,
    submit_for_review,
    with_labels,
)


def reviewed_models():
    """Every content model under the review rule, in a stable order."""
    return sorted(
        (model for model in apps.get_models() if issubclass(model, ReviewedModel)),
        key=lambda model: str(model._meta.verbose_name_plural),
    )


class PortalMixin(LoginRequiredMixin):
    """Every portal page: for people with a role; anyone else logged in gets a 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_staff_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PortalStartView(PortalMixin, TemplateView):
    """The staff portal's start page, per role: my review queue, my tasks, my submissions, stale entries in my
    quarters, and the numbers of my quarters. Readers (family support, leadership) see the numbers and the
    stale entries without calls to edit. A constant number of queries, whatever the data (see ``dashboard``).
    """

    template_name = "portal/start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        models = reviewed_models()
        context.update(
            covers_all_quarters=user.covers_all_quarters,
            entry_types=[model._meta for model in models],
            stale_days=settings.STALE_AFTER_DAYS,
            blocks=dashboard.StartBlocks(user, models),
        )
        return context


# --- One entry -----------------------------------------------------------------------------------------------


class Refused(Exception):
    """The person may see the entry but not do this with it; the page says why."""

    def __init__(self, reason, status=403):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class EntryMixin(PortalMixin):
    """Finds the entry in the person's scope (else 404) and checks that they may do ``action`` with it."""

    model = None
    form_class = None
    action = "view"
    page = "detail"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Refused as refused:
            return self.refuse(refused.reason, refused.status)
        except ReviewError as error:
            return self.refuse(str(error), error.status)

    def refuse(self, reason, status):
        context = {"entry": getattr(self, "object", None), "reason": reason, "opts": self.model._meta}
        return TemplateResponse(self.request, "portal/refused.html", context, status=status)

    def get_template_names(self):
        opts = self.model._meta
        return [f"{opts.app_label}/{opts.model_name}_{self.page}.html", f"portal/entry_{self.page}.html"]

    def get_queryset(self):
        fks = [field.name for field in content_fields(self.model) if field.many_to_one]
        return (
            self.model.objects.visible_to(self.request.user)
            .select_related(self.model.quartier_lookup, "created_by", "submitted_by", "approved_by", *fks)
            .defer(f"{self.model.quartier_lookup}__boundary")
            .prefetch_related(*[field.name for field in content_fields(self.model) if field.many_to_many])
        )

    def get_object(self, queryset=None):
        entry = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.object = entry
        self.check_permission(entry)
        return entry

    def check_permission(self, entry):
        if not may(self.request.user, self.action, entry):
            raise Refused(refusal_reason(self.request.user, self.action, entry))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["opts"] = self.model._meta
        entry = getattr(self, "object", None)
        if entry is not None:
            user = self.request.user
            context["entry"] = entry
            context["action"] = self.action
            context["can"] = {action: may(user, action, entry) for action in ("change", "submit", "delete", "comment")}
            context["can"]["review"] = may(user, "review", entry) or may(user, "override", entry)
        return context


class EntryListView(EntryMixin, ListView):
    """The entries of one kind the person may see: filtered, sorted, paged, and exported as CSV or XLSX.

    Filters, sorting and page live in the URL, so a filtered list can be bookmarked and shared; the export
    holds exactly the filtered rows.
    """

    page = "list"
    paginate_by = 25
    filterset_class = None

    def get_queryset(self):
        self.filterset = self.filterset_class(self.request.GET or None, self.base_queryset(), request=self.request)
        return self.filterset.qs

    def base_queryset(self):
        """What the person may see, with what the columns read, before the filters apply."""
        return (
            self.model.objects.visible_to(self.request.user)
            .select_related(*self.filterset_class.select_related)
            .prefetch_related(*self.filterset_class.prefetch_related)
            .defer(f"{self.model.quartier_lookup}__boundary")
            .order_by("-updated_at", "-pk")
        )

    def paginate_queryset(self, queryset, page_size):
        # A page number past the end (an old bookmark after rows went away) shows the last page, not a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in FORMATS:
            return export_response(
                self.filterset_class.columns,
                self.get_queryset(),
                name=str(self.model._meta.verbose_name_plural),
                file_format=file_format,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            columns=self.filterset_class.columns,
            # Read when the page shows them: a remembered list ({% remembered %}) reads no rows at all.
            rows=SimpleLazyObject(
                lambda: [
                    (entry, [column.cell(entry) for column in self.filterset_class.columns])
                    for entry in context["object_list"]
                ]
            ),
            current_order=self.request.GET.get("o", ""),
            query=query,
            can_add=may(self.request.user, "add", self.model),
            export_formats=FORMATS,
        )
        return context


class EntryDetailView(EntryMixin, DetailView):
    """An entry with its review state, its proposed change, and its comment thread."""

    comment_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object
        context["fields"] = [(field.verbose_name, display(entry, field)) for field in content_fields(self.model)]
        if entry.pending is not None:
            context["diff"] = proposal_diff(entry)
        context["comments"] = Comment.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=entry.pk
        ).select_related("author")
        context["comment_form"] = self.comment_form or CommentForm()
        return context


class EntryCommentView(EntryDetailView):
    """Adds a comment (POST only); an empty one shows the entry again with the error next to the field."""

    action = "comment"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        form = CommentForm(request.POST)
        if not form.is_valid():
            self.comment_form = form
            return self.render_to_response(self.get_context_data(), status=400)
        add_comment(entry, actor=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Your comment was added."))
        return HttpResponseRedirect(f"{entry.get_absolute_url()}#comments")


class EntryHistoryView(EntryMixin, DetailView):
    """Every step of the entry's history, newest first: who did what, when, which fields old → new."""

    page = "history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        log_entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=str(self.object.pk)
        ).select_related("actor")
        labels = {field.name: field.verbose_name for field in content_fields(self.model)}
        context["steps"] = with_labels(log_entries, labels)
        return context


class EntryFormMixin(EntryMixin):
    """Create and edit an entry, with the parts people think of together (``formset_classes``, e.g. an offer's
    schedule) in the same form. The parts are recorded directly, without review; entry and parts are saved
    together or not at all."""

    page = "form"
    formset_classes = ()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_formsets(self):
        if not hasattr(self, "_formsets"):
            data = self.request.POST if self.request.method == "POST" else None
            instance = self.object if self.object is not None else self.model()
            self._formsets = [
                formset_class(data, instance=instance, prefix=formset_class.get_default_prefix())
                for formset_class in self.formset_classes
            ]
        return self._formsets

    def get_context_data(self, **kwargs):
        formsets = self.get_formsets()
        parts_have_errors = any(formset.is_bound and formset.total_error_count() for formset in formsets)
        return super().get_context_data(formsets=formsets, parts_have_errors=parts_have_errors, **kwargs)

    def form_valid(self, form):
        formsets = self.get_formsets()
        # Every formset is checked, so that each shows its errors, not only the first one.
        valid = [formset.is_valid() for formset in formsets]
        if not all(valid):
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                entry = save_entry(form, actor=self.request.user)
                for formset in formsets:
                    save_parts(formset, entry, actor=self.request.user)
        except StaleEntry as stale:
            # Someone saved between this form's check and the save: the same answer as the form's own check.
            current = type(form.instance).objects.filter(pk=form.instance.pk).values_list("version", flat=True)
            form.mark_stale(form.cleaned_data.get("loaded_version"), current.first())
            form.add_error(None, str(stale))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        if "submit" in self.request.POST and may(self.request.user, "submit", entry):
            submit_for_review(entry, actor=self.request.user)
            messages.success(self.request, _("Saved and submitted for review. The other department has been notified."))
        elif entry.approved_at is not None:
            messages.success(
                self.request,
                _("Your change was saved as a proposal; the approved version stays visible until it is approved."),
            )
        else:
            messages.success(self.request, _("Saved as a draft."))
        return redirect(entry)

    def form_invalid(self, form):
        status = 409 if form.has_error("__all__", "stale") else 200
        return self.render_to_response(self.get_context_data(form=form), status=status)


class EntryCreateView(EntryFormMixin, CreateView):
    action = "add"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, "add", self.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EntryUpdateView(EntryFormMixin, UpdateView):
    action = "change"


class EntryStepView(EntryMixin, DetailView):
    """A confirmation page (GET) and the step itself (POST) for the version the person confirmed."""

    page = "confirm"

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        form = VersionForm(request.POST)
        if not form.is_valid():
            raise Refused(_("The form was incomplete; nothing was changed. Please try again."), status=400)
        try:
            return self.perform(entry, version=form.cleaned_data["version"])
        except StaleEntry as stale:
            messages.error(request, str(stale))
            return redirect(entry)


class EntrySubmitView(EntryStepView):
    action = "submit"

    def perform(self, entry, *, version):
        submit_for_review(entry, actor=self.request.user, version=version)
        messages.success(self.request, _("Submitted for review. The other department has been notified."))
        return redirect(entry)


class EntryDiscardView(EntryStepView):
    """Drops a proposed change that was not submitted; the approved version stays."""

    action = "change"

    def perform(self, entry, *, version):
        discard_proposal(entry, actor=self.request.user, version=version)
        messages.success(self.request, _("The proposed change was discarded; the approved version stays."))
        return redirect(entry)


class EntryDeleteView(EntryStepView):
    action = "delete"

    def perform(self, entry, *, version):
        try:
            delete_entry(entry, actor=self.request.user, version=version)
        except ProtectedError as error:
            raise Refused(_("Other entries still refer to this one, so it cannot be deleted."), status=409) from error
        messages.success(self.request, _("“%(entry)s” was deleted.") % {"entry": entry})
        return redirect(f"{entry._meta.app_label}:{entry._meta.model_name}-list")


class EntryReviewView(EntryMixin, DetailView):
    """The reviewer's page: old and proposed values side by side, a comment, approve or return."""

    page = "review"
    form = None

    def check_permission(self, entry):
        user = self.request.user
        self.is_override = not may(user, "review", entry) and may(user, "override", entry)
        if not (may(user, "review", entry) or self.is_override):
            raise Refused(refusal_reason(user, "review", entry))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["diff"] = proposal_diff(self.object)
        context["form"] = self.form or ReviewForm(
            is_override=self.is_override, initial={"version": self.object.version}
        )
        context["is_override"] = self.is_override
        return context

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        self.form = form = ReviewForm(request.POST, is_override=self.is_override)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(), status=400)
        data = form.cleaned_data
        common = {"actor": request.user, "version": data["version"], "override_reason": data.get("override_reason", "")}
        try:
            if data["decision"] == ReviewForm.APPROVE:
                approve(entry, **common)
                messages.success(request, _("Approved. The approved version is now visible."))
            else:
                return_for_revision(entry, comment=data["comment"], **common)
                messages.success(request, _("Returned for revision, with your comment."))
        except StaleEntry as stale:
            # Show what is there now; the next confirmation decides on this version.
            self.object = self.get_object()
            data = request.POST.copy()
            data["version"] = self.object.version
            self.form = ReviewForm(data, is_override=self.is_override)
            self.form.is_valid()
            self.form.add_error(None, str(stale))
            return self.render_to_response(self.get_context_data(), status=409)
        return redirect(entry)


def entry_urls(model, prefix, form_class, filterset_class, formset_classes=(), page_context=None):
    """The portal pages of a content model under ``prefix``, named ``<model>-<page>`` in the app's namespace.

    ``formset_classes`` are inline formsets of the entry's parts, edited on the same page (see
    ``EntryFormMixin``). ``page_context`` is a mixin that adds the model's own context (its links, its
    roll-up) to the detail page, and so also to the comment page, which shows the detail page again when a
    comment is empty.
    """
    name = model._meta.model_name
    pages = [
        ("", EntryListView, "list"),
        ("neu/", EntryCreateView, "create"),
        ("<int:pk>/", EntryDetailView, "detail"),
        ("<int:pk>/bearbeiten/", EntryUpdateView, "update"),
        ("<int:pk>/einreichen/", EntrySubmitView, "submit"),
        ("<int:pk>/pruefen/", EntryReviewView, "review"),
        ("<int:pk>/kommentieren/", EntryCommentView, "comment"),
        ("<int:pk>/verlauf/", EntryHistoryView, "history"),
        ("<int:pk>/verwerfen/", EntryDiscardView, "discard"),
        ("<int:pk>/loeschen/", EntryDeleteView, "delete"),
    ]
    patterns = []
    for route, view, page in pages:
        if page_context is not None and view in (EntryDetailView, EntryCommentView):
            view = type(f"{model.__name__}{view.__name__.removeprefix('Entry')}", (page_context, view), {})
        options = {"model": model, "form_class": form_class}
        if view is EntryListView:
            options["filterset_class"] = filterset_class
        if issubclass(view, EntryFormMixin):
            options["formset_classes"] = formset_classes
        patterns.append(path(f"{prefix}/{route}", view.as_view(**options), name=f"{name}-{page}"))
    return patterns


# --- Across entries: the review queue, my submissions, the inbox ------------------------------------------------


class MergedEntries:
    """Entries of several kinds as one ordered sequence, for a paginator: one count query for all, and per
    page one query per kind that reads no more rows than the page needs, when the page shows them. With
    ``remember_as`` (a person, a name and what else the querysets depend on), the count, which the paginator
    needs on every request, is remembered until any data changes (``hameln_quartiere.cache``)."""

    def __init__(self, querysets, *, key, reverse=False, remember_as=None):
        # A list, or a function that makes it: then it is called only if something is not remembered.
        self.make_querysets = querysets if callable(querysets) else lambda: querysets
        self.key = key
        self.reverse = reverse
        self.remember_as = remember_as

    @cached_property
    def querysets(self):
        return self.make_querysets()

    @cached_property
    def count(self):
        if self.remember_as is None:
            return self._count()
        user, name, *parts = self.remember_as
        return remember(user, name, self._count, *parts)

    def _count(self):
        if not self.querysets:
            return 0
        pks = [queryset.order_by().values("pk") for queryset in self.querysets]
        return pks[0].union(*pks[1:], all=True).count()

    def __len__(self):
        return self.count

    def __getitem__(self, window):
        # Read when the page shows it: a remembered page ({% remembered %}) needs none of the entries.
        return SimpleLazyObject(lambda: self._window(window))

    def _window(self, window):
        # Each kind is already sorted; the first ``stop`` of the merge come from the first ``stop`` of each.
        streams = [queryset[: window.stop] for queryset in self.querysets]
        return list(heapq.merge(*streams, key=self.key, reverse=self.reverse))[window]


class ReviewQueueView(PortalMixin, TemplateView):
    """What awaits the person's decision, oldest first, by type and quarter."""

    template_name = "portal/review_queue.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        models = reviewed_models()
        form = QueueFilterForm(self.request.GET or None, user=self.request.user, models=models)
        chosen_type = quartier = None
        if form.is_valid():
            chosen_type = form.cleaned_data["kind"]
            quartier = form.cleaned_data["quartier"]

        def streams():
            querysets = []
            for model in models:
                if chosen_type and model._meta.label_lower != chosen_type:
                    continue
                queryset = model.objects.awaiting_review_by(self.request.user)
                if quartier is not None:
                    queryset = queryset.in_quarters([quartier.pk])
                querysets.append(
                    queryset.select_related(model.quartier_lookup, "submitted_by").order_by("submitted_at", "pk")
                )
            return querysets

        # The count remembered per filter: the streams differ by kind and quarter.
        remember_as = (self.request.user, "review-queue-count", chosen_type, quartier.pk if quartier else None)
        entries = MergedEntries(streams, key=lambda entry: entry.submitted_at, remember_as=remember_as)
        page = Paginator(entries, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(filter_form=form, page_obj=page, entries=page.object_list, total=len(entries))
        return context


class MySubmissionsView(PortalMixin, TemplateView):
    """The entries the person submitted last, with their state, newest first."""

    template_name = "portal/my_submissions.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        streams = [
            model.objects.visible_to(user)
            .filter(submitted_by=user)
            .select_related(model.quartier_lookup)
            .order_by("-submitted_at", "-pk")
            for model in reviewed_models()
        ]
        entries = MergedEntries(streams, key=lambda entry: entry.submitted_at, reverse=True)
        page = Paginator(entries, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(page_obj=page, entries=page.object_list)
        return context


class InboxView(PortalMixin, ListView):
    template_name = "portal/inbox.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        return self.request.user.notifications.select_related("actor")


class NotificationOpenView(PortalMixin, View):
    """Marks a notification read and goes to what it is about (POST, since it changes the inbox)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        notification = get_object_or_404(request.user.notifications, pk=pk)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        if url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(notification.url)
        return redirect("inbox")


class InboxReadAllView(PortalMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        DATA.move_on()  # written with update(), which tells no cache
        messages.success(request, _("All notifications are marked as read."))
        return redirect("inbox")
