"""The portal's pages for meetings and tasks.

A meeting gets the pages every content entry has (``entry_urls``: its minutes go through the review rule); its
page adds the agenda with minutes and decisions, the tasks of each decision, the attachments, and the forms that
record what follows from the meeting directly, without review: a task, an attachment, the next meeting. Each
page reads a fixed number of queries however many items, tasks and attachments a meeting has.
"""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from hameln_quartiere.rules import may
from hameln_quartiere.services import ReviewError
from hameln_quartiere.views import EntryDetailView, EntryListView, EntryMixin, PortalMixin, Refused, entry_urls
from zusammenarbeit.filters import AufgabeFilter, SitzungFilter
from zusammenarbeit.forms import AnlageForm, AufgabeForm, NextMeetingForm, SitzungForm, TagesordnungspunktFormSet
from zusammenarbeit.models import Anlage, Aufgabe, Sitzung, Tagesordnungspunkt
from zusammenarbeit.services import (
    attach_file,
    create_task,
    delete_attachment,
    mark_done,
    next_meeting_date,
    prepare_next_meeting,
    visible_tasks,
)


def task_links(aufgabe, user):
    """What a task concerns, as far as the person may see it: the measure and meeting point (their pages),
    and the quarter (its page)."""
    links = [
        (obj, obj.get_absolute_url())
        for obj in (aufgabe.massnahme, aufgabe.treffpunkt)
        if obj is not None and may(user, "view", obj)
    ]
    if aufgabe.quartier is not None:
        links.append((aufgabe.quartier, reverse("quartiere:quartier-detail", args=[aufgabe.quartier.slug])))
    return links


class SitzungPages:
    """A meeting's page (``page_context`` of ``entry_urls``): agenda, minutes, decisions and their tasks,
    attachments, the meetings before and after, and the forms for a task, an attachment and the next meeting."""

    task_form = None
    anlage_form = None

    def get_queryset(self):
        return super().get_queryset().select_related("previous")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sitzung, user = self.object, self.request.user
        tasks = (
            Aufgabe.objects.select_related("assignee", "massnahme__handlungskonzept", "treffpunkt", "quartier")
            .defer("quartier__boundary")
            .order_by("due", "pk")
        )
        punkte = list(
            sitzung.tagesordnungspunkte.select_related("carried_from__sitzung").prefetch_related(
                Prefetch("aufgaben", queryset=tasks)
            )
        )
        for punkt in punkte:
            for aufgabe in punkt.aufgaben.all():
                aufgabe.can_mark_done = aufgabe.status == Aufgabe.Status.OPEN and may(user, "change", aufgabe)
                aufgabe.links = task_links(aufgabe, user)
        can_follow_up = may(user, "follow_up", sitzung)
        context["can"].update(follow_up=can_follow_up, prepare=may(user, "add", sitzung))
        if sitzung.quartier_id is None:
            label = Sitzung._meta.get_field("quartier").verbose_name
            context["fields"] = [
                (name, _("Whole programme (all quarters)") if name == label else value)
                for name, value in context["fields"]
            ]
        decided = [punkt for punkt in punkte if punkt.status == Tagesordnungspunkt.Status.DECIDED]
        chosen = self.request.GET.get("punkt", "")
        context.update(
            punkte=punkte,
            agenda_locked=sitzung.approved_at is not None,
            anlagen=list(sitzung.anlagen.select_related("uploaded_by")),
            previous=sitzung.previous if sitzung.previous_id and may(user, "view", sitzung.previous) else None,
            following=list(Sitzung.objects.visible_to(user).filter(previous=sitzung).order_by("date", "pk")),
        )
        if can_follow_up:
            # Tasks come from decisions: without one the page says so instead of showing the form.
            context["task_form"] = self.task_form
            if self.task_form is None and decided:
                initial = {"tagesordnungspunkt": chosen} if chosen.isdigit() else {}
                context["task_form"] = AufgabeForm(sitzung=sitzung, user=user, initial=initial)
            context["anlage_form"] = self.anlage_form or AnlageForm()
        if context["can"]["prepare"]:
            context["next_form"] = NextMeetingForm(sitzung=sitzung, initial={"date": next_meeting_date(sitzung)})
        return context


class SitzungFollowUpView(SitzungPages, EntryDetailView):
    """Records something that follows from the meeting (POST only): for whoever may edit the meeting, in any review
    state, also once its minutes are approved. Invalid input shows the page again with the errors."""

    action = "follow_up"
    http_method_names = ["post"]

    def invalid(self):
        return self.render_to_response(self.get_context_data(), status=400)


class AufgabeCreateView(SitzungFollowUpView):
    """A task from a decision of the meeting, for active staff who may see it; its assignee is notified."""

    def post(self, request, *args, **kwargs):
        sitzung = self.get_object()
        form = AufgabeForm(request.POST, sitzung=sitzung, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                aufgabe = create_task(data.pop("tagesordnungspunkt"), actor=request.user, **data)
            except ReviewError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("The task was created; %(person)s has been notified.") % {"person": aufgabe.assignee}
                )
                return HttpResponseRedirect(f"{sitzung.get_absolute_url()}#aufgabe-{aufgabe.pk}")
        self.task_form = form
        return self.invalid()


class AnlageUploadView(SitzungFollowUpView):
    """Attaches a checked file to the meeting; a refused file is not stored at all."""

    def post(self, request, *args, **kwargs):
        sitzung = self.get_object()
        form = AnlageForm(request.POST, request.FILES)
        if form.is_valid():
            anlage = attach_file(
                sitzung, actor=request.user, file=form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
            messages.success(request, _("“%(file)s” was attached.") % {"file": anlage})
            return HttpResponseRedirect(f"{sitzung.get_absolute_url()}#anlagen")
        self.anlage_form = form
        return self.invalid()


class AnlageMixin(EntryMixin):
    """An attachment of a meeting the person may see; anything else (another meeting's, another quarter's) is a
    404, and without a login the login page."""

    model = Sitzung

    def get_anlage(self):
        sitzung = self.get_object()
        return get_object_or_404(Anlage.objects.filter(sitzung=sitzung), pk=self.kwargs["anlage"])


class AnlageDownloadView(AnlageMixin, View):
    """The file of an attachment, as a download, to those who may see the meeting. Uploads are never served
    from ``MEDIA_ROOT`` directly: this view is the only way to them."""

    def get(self, request, *args, **kwargs):
        anlage = self.get_anlage()
        try:
            handle = anlage.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        filename = PurePath(anlage.file.name).name
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AnlageDeleteView(AnlageMixin, DetailView):
    """Asks (GET), then removes an attachment and its file (POST): for whoever may edit the meeting."""

    action = "follow_up"
    page = "anlage_delete"

    def get_context_data(self, **kwargs):
        return super().get_context_data(anlage=self.anlage, **kwargs)

    def get(self, request, *args, **kwargs):
        self.anlage = self.get_anlage()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        anlage = self.get_anlage()
        delete_attachment(anlage, actor=request.user)
        messages.success(request, _("“%(file)s” was removed.") % {"file": anlage})
        return HttpResponseRedirect(f"{anlage.sitzung.get_absolute_url()}#anlagen")


class PrepareNextView(EntryMixin, DetailView):
    """Prepares the next meeting of the same kind (POST; GET shows the form): a draft whose agenda starts with the
    open tasks and the undecided items of the last meeting. Then its edit form opens. For whoever may see this
    meeting and add one in its quarter."""

    model = Sitzung
    page = "prepare"
    form = None

    def check_permission(self, entry):
        super().check_permission(entry)
        if not may(self.request.user, "add", entry):
            raise Refused(_("Your role does not allow preparing a meeting here."))

    def get_context_data(self, **kwargs):
        form = self.form or NextMeetingForm(sitzung=self.object, initial={"date": next_meeting_date(self.object)})
        return super().get_context_data(form=form, **kwargs)

    def post(self, request, *args, **kwargs):
        sitzung = self.get_object()
        self.form = form = NextMeetingForm(request.POST, sitzung=sitzung)
        if form.is_valid():
            try:
                new = prepare_next_meeting(sitzung, actor=request.user, date=form.cleaned_data["date"])
            except ReviewError as error:
                form.add_error("date", str(error))
            else:
                messages.success(
                    request,
                    _("The next meeting was prepared as a draft, with the open tasks and undecided items of the last."),
                )
                return redirect("zusammenarbeit:sitzung-update", new.pk)
        return self.render_to_response(self.get_context_data(), status=400)


# --- Tasks ---------------------------------------------------------------------------------------------------


class AufgabeListView(EntryListView):
    """Tasks, for every person with a role: my open ones by default; overdue, done or all, and everyone's that I
    may see (mine, those I gave, those of meetings I see). Each row says when a task is overdue (in words, not by
    colour alone) and, where the person may, marks it done."""

    model = Aufgabe
    filterset_class = AufgabeFilter

    def base_queryset(self):
        return (
            visible_tasks(self.request.user)
            .select_related(*self.filterset_class.select_related)
            .defer("tagesordnungspunkt__sitzung__quartier__boundary")
            .order_by("due", "pk")
        )

    def get_queryset(self):
        self.filterset = self.filterset_class(self.request.GET, self.base_queryset(), request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for aufgabe in context["object_list"]:
            aufgabe.can_mark_done = aufgabe.status == Aufgabe.Status.OPEN and may(self.request.user, "change", aufgabe)
            punkt = aufgabe.tagesordnungspunkt
            aufgabe.sitzung = (
                punkt.sitzung if punkt is not None and may(self.request.user, "view", punkt.sitzung) else None
            )
        context["back"] = self.request.get_full_path()
        return context


class AufgabeDoneView(PortalMixin, View):
    """Marks a task done (POST only), by its assignee or whoever may edit its meeting. A second click finds the
    task done already and changes nothing."""

    http_method_names = ["post"]

    def post(self, request, pk):
        queryset = visible_tasks(request.user).select_related("tagesordnungspunkt__sitzung")
        aufgabe = get_object_or_404(queryset, pk=pk)
        if not may(request.user, "change", aufgabe):
            raise PermissionDenied
        if mark_done(aufgabe, actor=request.user):
            messages.success(request, _("“%(task)s” is marked done.") % {"task": aufgabe})
        else:
            messages.info(request, _("“%(task)s” was no longer open; nothing was changed.") % {"task": aufgabe})
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return HttpResponseRedirect(back)
        return HttpResponseRedirect(reverse("zusammenarbeit:aufgabe-list"))


def meeting_page(view):
    return view.as_view(model=Sitzung, form_class=SitzungForm)


urlpatterns = [
    *entry_urls(
        Sitzung,
        "portal/sitzungen",
        SitzungForm,
        SitzungFilter,
        formset_classes=[TagesordnungspunktFormSet],
        page_context=SitzungPages,
    ),
    path("portal/sitzungen/<int:pk>/aufgabe/", meeting_page(AufgabeCreateView), name="sitzung-aufgabe"),
    path("portal/sitzungen/<int:pk>/anlagen/", meeting_page(AnlageUploadView), name="sitzung-anlage-upload"),
    path(
        "portal/sitzungen/<int:pk>/anlagen/<int:anlage>/",
        AnlageDownloadView.as_view(),
        name="sitzung-anlage-download",
    ),
    path(
        "portal/sitzungen/<int:pk>/anlagen/<int:anlage>/entfernen/",
        AnlageDeleteView.as_view(),
        name="sitzung-anlage-delete",
    ),
    path("portal/sitzungen/<int:pk>/naechste/", PrepareNextView.as_view(), name="sitzung-prepare"),
    path("portal/aufgaben/", AufgabeListView.as_view(), name="aufgabe-list"),
    path("portal/aufgaben/<int:pk>/erledigt/", AufgabeDoneView.as_view(), name="aufgabe-done"),
]
