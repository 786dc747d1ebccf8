"""Practice examples and their transfer into other quarters (DESIGN.md: Praxisnetzwerk, Wissenstransfer).

A practice example is a content entry under the review rule, with the pages every entry has (``entry_urls``).
A transfer is recorded directly, like a progress update: who may change it changes it, and every change appends
a step (``TransferSchritt``) and an audit row, so a dropped transfer still tells what was tried and learnt.
Nothing of a transfer is deleted in the portal.

Who sees a transfer: staff who cover its origin or its target quarter (everyone else gets a 404). Who changes
it: the coordinator, the city admins, and the social workers of the origin or the target quarter.
"""

import rules
from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from hameln_quartiere.filters import Column, EntryFilterSet
from hameln_quartiere.forms import MAX_VERSION, MIN_VERSION, EntryForm, stale_message, version_field
from hameln_quartiere.models import LogEntry, Role, User
from hameln_quartiere.rules import has_staff_role, is_city_admin, role_in
from hameln_quartiere.services import ReviewError, StaleEntry, log, with_labels
from hameln_quartiere.views import EntryDetailView, PortalMixin, Refused, entry_urls
from handlungskonzepte.models import Massnahme
from quartiere.models import Quartier
from treffpunkte.models import Angebot
from zusammenarbeit.models import Praxisbeispiel, Transfer, TransferSchritt

Status = Transfer.Status

# --- Who may -------------------------------------------------------------------------------------------------

# The two roles that carry practices from one quarter into another (the edit roles of practice examples).
TRANSFER_ROLES = (Role.QM_COORDINATOR, Role.GWA)


@rules.predicate
def covers_origin_or_target(user, transfer):
    """The person works in the quarter the practice comes from or in the one it goes to."""
    return user.covers(transfer.quartier_id) or user.covers(transfer.praxisbeispiel.quartier_id)


may_view_transfer = has_staff_role & covers_origin_or_target
may_change_transfer = has_staff_role & (is_city_admin | (role_in(*TRANSFER_ROLES) & covers_origin_or_target))
# Starting one is offered on the practice's page, which only people of its origin quarter (or of all) see.
may_start_transfer = has_staff_role & (is_city_admin | role_in(*TRANSFER_ROLES))


def transfers_visible_to(user):
    """The transfers ``user`` may see: those whose origin or target quarter they cover."""
    if not has_staff_role.test(user):
        return Transfer.objects.none()
    if user.covers_all_quarters:
        return Transfer.objects.all()
    ids = user.quartier_ids
    return Transfer.objects.filter(Q(quartier__in=ids) | Q(praxisbeispiel__quartier__in=ids))


def drivers(transfer=None):
    """Who can drive a transfer: the active coordinators, and the social workers of its origin or target quarter
    (without a transfer: of any quarter)."""
    people = User.objects.filter(is_active=True, role__in=TRANSFER_ROLES)
    if transfer is None:
        return people
    quartiere = [transfer.praxisbeispiel.quartier_id, transfer.quartier_id]
    return people.filter(Q(role=Role.QM_COORDINATOR) | Q(quartiere__in=quartiere)).distinct()


# --- Services ------------------------------------------------------------------------------------------------

# The way of a transfer: forward, a step or more at a time, or dropped at any point.
FORWARD = (Status.IDEA, Status.PREPARING, Status.ADOPTED, Status.ADAPTED)
# Only an adopted practice has an offer or measure in the target quarter to point back to it.
ADOPTED_STATES = frozenset({Status.ADOPTED, Status.ADAPTED})
FIELDS = ("status", "driver", "learnt", "angebot", "massnahme")


def next_statuses(status):
    """Where a transfer can go from ``status``: any later step or dropped; a dropped one is taken up again as
    an idea (the practice's row for that quarter exists once, so it is the way to try again)."""
    if status == Status.DROPPED:
        return [Status.IDEA]
    return [*FORWARD[FORWARD.index(status) + 1 :], Status.DROPPED]


def _readable(name, value):
    if value is None or value == "":
        return ""
    return str(Status(value).label) if name == "status" else str(value)


def _check_driver(driver, transfer):
    """The driver can see and change the transfer: a coordinator, or a social worker of one of its quarters."""
    if not (driver.is_active and driver.role in TRANSFER_ROLES and covers_origin_or_target.test(driver, transfer)):
        raise ValidationError(
            {"driver": _("A transfer is driven by the coordinator or a social worker of its origin or target quarter.")}
        )


@transaction.atomic
def start_transfer(praxisbeispiel, *, actor, quartier, driver, note=""):
    """Start carrying ``praxisbeispiel`` into ``quartier`` as an idea, driven by ``driver``.

    The first step and the audit row are written with it. A ``ValidationError`` says what does not fit (the
    practice's own quarter, a quarter it is already on its way to, a driver who cannot drive it).
    """
    transfer = Transfer(praxisbeispiel=praxisbeispiel, quartier=quartier, driver=driver, status=Status.IDEA)
    if not may_change_transfer.test(actor, transfer):
        raise ReviewError(
            _("Transfers are started by the coordinator and the social workers of the origin or the target quarter.")
        )
    _check_driver(driver, transfer)
    transfer.full_clean()
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError as error:  # someone started the same transfer a moment ago
        raise ValidationError({"quartier": _("This practice is already being transferred to this quarter.")}) from error
    note = note.strip()
    step = TransferSchritt.objects.create(transfer=transfer, status=transfer.status, note=note, actor=actor)
    changes = {name: ["", _readable(name, getattr(transfer, name))] for name in ("quartier", "status", "driver")}
    log(transfer, "created", actor=actor, data={"changes": changes, "version": transfer.version, "step": step.pk})
    return transfer


@transaction.atomic
def change_transfer(transfer, *, actor, version, note="", **values):
    """Change a transfer (its status, driver, what was learnt, the adopted offer or measure) and append a step.

    ``version`` is the version the person saw: a transfer changed since raises ``StaleEntry``. A step that does
    not fit raises a ``ValidationError`` by field: a status off the way (see ``next_statuses``), dropping
    without a note, an adopted offer or measure before the practice is adopted or outside the target quarter.
    Returns the new step, or ``None`` when nothing changed and nothing was noted.
    """
    if unknown := set(values) - set(FIELDS):
        raise TypeError(f"Unknown transfer fields: {', '.join(sorted(unknown))}")
    current = Transfer.objects.select_for_update(of=("self",)).select_related("praxisbeispiel").get(pk=transfer.pk)
    if not may_change_transfer.test(actor, current):
        raise ReviewError(_("Your role does not allow changing this transfer."))
    if current.version != version:
        raise StaleEntry(current, version)
    note = (note or "").strip()
    changed = {}
    for name, value in values.items():
        old = getattr(current, name)
        if getattr(old, "pk", old) != getattr(value, "pk", value):
            changed[name] = (old, value)
    if not changed and not note:
        return None

    status = values.get("status", current.status)
    if status not in (*ADOPTED_STATES, Status.DROPPED):
        # Taken up again as an idea: what it was adopted as no longer stands (a dropped one keeps it as history).
        for name in ("angebot", "massnahme"):
            if getattr(current, name) is not None:
                values = {**values, name: None}
                changed[name] = (getattr(current, name), None)
    errors = {}
    if "status" in changed and status not in next_statuses(current.status):
        errors["status"] = _("From “%(old)s” a transfer goes on to: %(allowed)s.") % {
            "old": Status(current.status).label,
            "allowed": ", ".join(str(Status(choice).label) for choice in next_statuses(current.status)),
        }
    if "status" in changed and status == Status.DROPPED and not note:
        errors["note"] = _("Say why the transfer is dropped: dropping it needs a note.")
    for name in ("angebot", "massnahme"):
        if name in changed and values[name] is not None and status not in ADOPTED_STATES:
            errors[name] = _("Link the offer or measure once the practice is adopted or adapted.")
    if "driver" in changed:
        try:
            _check_driver(values["driver"], current)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    for name, (_old, value) in changed.items():
        setattr(current, name, value)
    current.full_clean(exclude=["praxisbeispiel", "quartier"])
    current.version += 1
    current.save(update_fields=[current._meta.get_field(name).attname for name in changed] + ["version", "updated_at"])
    step = TransferSchritt.objects.create(transfer=current, status=current.status, note=note, actor=actor)
    data = {
        "changes": {name: [_readable(name, old), _readable(name, new)] for name, (old, new) in changed.items()},
        "version": current.version,
        "step": step.pk,
    }
    if note:
        data["note"] = note
    log(current, "changed", actor=actor, data=data)
    transfer.version = current.version
    return step


def transfer_links(entry, user):
    """The practices behind an offer or a measure, for its portal page, in one query.

    ``described``: the practice examples that describe ``entry`` (it is their origin), as far as the person
    sees them. ``adopted``: the practices adopted as ``entry`` in another quarter, each with ``transfer_id``,
    ``transfer_status`` and whether the person may open the practice (``can_view``) and the transfer.
    """
    field = "angebot" if isinstance(entry, Angebot) else "massnahme"
    adopted = Transfer.objects.filter(**{field: entry}, praxisbeispiel=OuterRef("pk"))
    practices = (
        Praxisbeispiel.objects.filter(
            Q(**{field: entry}) | Q(pk__in=Transfer.objects.filter(**{field: entry}).values("praxisbeispiel"))
        )
        .select_related("quartier")
        .only("title", "quartier__name", "angebot", "massnahme")
        .annotate(
            transfer_id=Subquery(adopted.values("pk")[:1]),
            transfer_status=Subquery(adopted.values("status")[:1]),
            transfer_target=Subquery(adopted.values("quartier")[:1]),
        )
        .order_by("title", "pk")
    )
    described, adopted_from = [], []
    for practice in practices:
        practice.can_view = user.covers(practice.quartier_id)
        if practice.transfer_id is not None:
            practice.transfer_status_label = Status(practice.transfer_status).label
            practice.can_view_transfer = practice.can_view or user.covers(practice.transfer_target)
            adopted_from.append(practice)
        elif practice.can_view:
            described.append(practice)
    return {"described": described, "adopted": adopted_from}


# --- Forms ---------------------------------------------------------------------------------------------------


def grouped_by_quarter(queryset, quarter_of):
    """Select choices with one group per quarter, so that the choice is made within the quarter."""
    groups = {}
    for obj in queryset:
        groups.setdefault(str(quarter_of(obj)), []).append((obj.pk, str(obj)))
    return [("", "---------"), *sorted(groups.items())]


class PraxisbeispielForm(EntryForm):
    """A practice example; the origin offer or measure is chosen among those the person sees, by quarter."""

    class Meta:
        model = Praxisbeispiel
        fields = [
            "title",
            "quartier",
            "angebot",
            "massnahme",
            "context",
            "needs_people",
            "needs_rooms",
            "needs_money",
            "steps",
            "lessons",
            "contact",
        ]
        widgets = {
            "context": forms.Textarea(attrs={"rows": 4}),
            "needs_people": forms.Textarea(attrs={"rows": 2}),
            "needs_rooms": forms.Textarea(attrs={"rows": 2}),
            "needs_money": forms.Textarea(attrs={"rows": 2}),
            "steps": forms.Textarea(attrs={"rows": 4}),
            "lessons": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "angebot": gettext_lazy("The offer in the origin quarter this practice comes from, if any."),
            "massnahme": gettext_lazy("The measure in the origin quarter this practice comes from, if any."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = User.objects.filter(is_active=True).exclude(role__in=("", Role.ADMIN))
        angebote = self.fields["angebot"]
        angebote.queryset = angebote.queryset.select_related("quartier").defer("quartier__boundary")
        angebote.choices = grouped_by_quarter(
            angebote.queryset.order_by("quartier__name", "title", "pk"), lambda angebot: angebot.quartier
        )
        massnahmen = self.fields["massnahme"]
        massnahmen.queryset = massnahmen.queryset.select_related("handlungskonzept__quartier").defer(
            "handlungskonzept__quartier__boundary"
        )
        massnahmen.choices = grouped_by_quarter(
            massnahmen.queryset.order_by("handlungskonzept__quartier__name", "title", "pk"),
            lambda massnahme: massnahme.handlungskonzept.quartier,
        )


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class TransferStartForm(forms.Form):
    """Start a transfer of a practice, on the practice's page: into which quarter, driven by whom."""

    quartier = forms.ModelChoiceField(label=gettext_lazy("Target quarter"), queryset=Quartier.objects.none())
    driver = forms.ModelChoiceField(label=gettext_lazy("Driven by"), queryset=User.objects.none())
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Optional: where the idea came from, what is planned first."),
    )

    def __init__(self, *args, praxisbeispiel, user, taken=(), **kwargs):
        super().__init__(*args, prefix="transfer", **kwargs)
        quartiere = Quartier.objects.only("name").exclude(pk=praxisbeispiel.quartier_id).exclude(pk__in=taken)
        if not user.covers(praxisbeispiel.quartier_id):
            quartiere = quartiere.filter(pk__in=user.quartier_ids)
        self.fields["quartier"].queryset = quartiere
        # Read once: whether there is a quarter left to go to decides whether the form is shown at all.
        targets = list(quartiere)
        self.has_targets = bool(targets)
        self.fields["quartier"].choices = [("", "---------"), *((quartier.pk, quartier.name) for quartier in targets)]
        self.fields["driver"].queryset = drivers()
        if user.role in TRANSFER_ROLES:
            self.fields["driver"].initial = user.pk
        self.helper = _helper()


class TransferForm(forms.Form):
    """Change a transfer: its next status (with a note), what was learnt, who drives it, what it became."""

    status = forms.ChoiceField(label=gettext_lazy("Status"))
    note = forms.CharField(
        label=gettext_lazy("Note on this step"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept with the step; required when the transfer is dropped."),
    )
    learnt = forms.CharField(label=gettext_lazy("What was learnt"), required=False, widget=forms.Textarea)
    driver = forms.ModelChoiceField(label=gettext_lazy("Driven by"), queryset=User.objects.none())
    angebot = forms.ModelChoiceField(
        label=gettext_lazy("Adopted as offer"),
        queryset=Angebot.objects.none(),
        required=False,
        help_text=gettext_lazy("An offer in the target quarter; it will link back to this practice."),
    )
    massnahme = forms.ModelChoiceField(
        label=gettext_lazy("Adopted as measure"),
        queryset=Massnahme.objects.none(),
        required=False,
        help_text=gettext_lazy("A measure in the target quarter; it will link back to this practice."),
    )
    version = version_field()

    def __init__(self, *args, transfer, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "status": transfer.status,
                "learnt": transfer.learnt,
                "driver": transfer.driver_id,
                "angebot": transfer.angebot_id,
                "massnahme": transfer.massnahme_id,
                "version": transfer.version,
            },
        )
        super().__init__(*args, **kwargs)
        current = Status(transfer.status)
        self.fields["status"].choices = [
            (current.value, _("%(status)s (unchanged)") % {"status": current.label}),
            *((choice.value, choice.label) for choice in map(Status, next_statuses(current))),
        ]
        self.fields["learnt"].widget.attrs["rows"] = 4
        self.fields["driver"].queryset = User.objects.filter(
            Q(pk__in=drivers(transfer).values("pk")) | Q(pk=transfer.driver_id)
        )
        # What the person may see in the target quarter, and what is linked now (so that it can stay).
        self.fields["angebot"].queryset = Angebot.objects.visible_to(user).filter(
            quartier=transfer.quartier_id
        ) | Angebot.objects.filter(pk=transfer.angebot_id)
        self.fields["massnahme"].queryset = Massnahme.objects.visible_to(user).filter(
            handlungskonzept__quartier=transfer.quartier_id
        ) | Massnahme.objects.filter(pk=transfer.massnahme_id)
        self.helper = _helper()


def add_errors(form, error):
    """Put a service's ``ValidationError`` next to the form's fields; what has no field goes on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# --- The list ------------------------------------------------------------------------------------------------


def origin(praxisbeispiel):
    """The offer or measure the practice comes from, by name (or None)."""
    entry = praxisbeispiel.angebot or praxisbeispiel.massnahme
    return str(entry) if entry is not None else None


class PraxisbeispielFilter(EntryFilterSet):
    search_fields = ("title", "context", "steps", "lessons")
    select_related = ("quartier", "angebot", "massnahme", "contact")
    # Only counted: one light query for the page, without the joins of the transfers' default order.
    prefetch_related = (Prefetch("transfers", queryset=Transfer.objects.only("praxisbeispiel").order_by()),)
    columns = (
        Column("title", gettext_lazy("title"), order_by="title", link=True),
        Column("quartier", gettext_lazy("origin quarter"), "quartier.name", order_by="quartier__name"),
        Column("origin", gettext_lazy("origin offer or measure"), origin),
        Column("contact", gettext_lazy("contact"), "contact"),
        Column("transfers", gettext_lazy("transfers"), lambda entry: len(entry.transfers.all())),
        Column("review_state", gettext_lazy("review state"), order_by="review_state"),
        Column("updated_at", gettext_lazy("updated"), order_by="updated_at"),
    )

    class Meta:
        model = Praxisbeispiel
        fields = ["q", "quartier", "review_state"]


# --- Pages ---------------------------------------------------------------------------------------------------


class PraxisbeispielPages:
    """A practice's page: where it comes from, its transfers with their steps, and the form to start one."""

    transfer_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        praxisbeispiel, user = self.object, self.request.user
        transfers = list(
            praxisbeispiel.transfers.select_related("quartier", "driver", "angebot", "massnahme__handlungskonzept")
            .defer("quartier__boundary")
            .prefetch_related(
                Prefetch("schritte", queryset=TransferSchritt.objects.select_related("actor").order_by("at", "pk"))
            )
            .order_by("quartier__name", "pk")
        )
        for transfer in transfers:
            transfer.can_view_angebot = bool(transfer.angebot_id) and user.covers(transfer.angebot.quartier_id)
            transfer.can_view_massnahme = bool(transfer.massnahme_id) and user.covers(
                transfer.massnahme.handlungskonzept.quartier_id
            )
        angebot, massnahme = praxisbeispiel.angebot, praxisbeispiel.massnahme
        context.update(
            transfers=transfers,
            origin_angebot=angebot if angebot is not None and user.covers(angebot.quartier_id) else None,
            origin_massnahme=massnahme if massnahme is not None and user.covers(praxisbeispiel.quartier_id) else None,
        )
        context["can"]["start_transfer"] = may_start_transfer.test(user)
        if context["can"]["start_transfer"]:
            context["transfer_form"] = self.transfer_form or TransferStartForm(
                praxisbeispiel=praxisbeispiel, user=user, taken=[transfer.quartier_id for transfer in transfers]
            )
        return context


class TransferStartView(PraxisbeispielPages, EntryDetailView):
    """Starts a transfer of the practice (POST only); invalid input shows the practice's page with the errors."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        praxisbeispiel = self.get_object()
        if not may_start_transfer.test(request.user):
            raise Refused(_("Transfers are started by the coordinator and the social workers."))
        taken = praxisbeispiel.transfers.values_list("quartier", flat=True)
        form = TransferStartForm(request.POST, praxisbeispiel=praxisbeispiel, user=request.user, taken=taken)
        if form.is_valid():
            try:
                transfer = start_transfer(praxisbeispiel, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The transfer was started as an idea."))
                return redirect("zusammenarbeit:transfer-detail", transfer.pk)
        self.transfer_form = form
        return self.render_to_response(self.get_context_data(), status=400)


class TransferView(PortalMixin, TemplateView):
    """A transfer: where it stands, what was learnt, what it became, every step; and, for those who may change
    it, the form for the next step (POST). A transfer outside the person's quarters is a 404."""

    template_name = "zusammenarbeit/transfer_detail.html"

    def get_transfer(self):
        queryset = (
            transfers_visible_to(self.request.user)
            .select_related("praxisbeispiel__quartier", "quartier", "driver", "angebot", "massnahme__handlungskonzept")
            .defer("praxisbeispiel__quartier__boundary", "quartier__boundary")
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        transfer, user = self.transfer, self.request.user
        steps = list(transfer.schritte.select_related("actor").order_by("at", "pk"))
        log_rows = {row.data.get("step"): row for row in transfer_log(transfer)}
        labels = {name: Transfer._meta.get_field(name).verbose_name for name in (*FIELDS, "quartier")}
        for step in steps:
            row = log_rows.get(step.pk)
            step.changes = with_labels([row], labels)[0][1] if row is not None else []
        can_change = may_change_transfer.test(user, transfer)
        context.update(
            transfer=transfer,
            praxisbeispiel=transfer.praxisbeispiel,
            can_view_practice=user.covers(transfer.praxisbeispiel.quartier_id),
            can_view_angebot=bool(transfer.angebot_id) and user.covers(transfer.angebot.quartier_id),
            can_view_massnahme=bool(transfer.massnahme_id)
            and user.covers(transfer.massnahme.handlungskonzept.quartier_id),
            steps=steps,
            can_change=can_change,
        )
        if can_change:
            context["form"] = kwargs.get("form") or TransferForm(transfer=transfer, user=user)
        return context

    def get(self, request, *args, **kwargs):
        self.transfer = self.get_transfer()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.transfer = transfer = self.get_transfer()
        if not may_change_transfer.test(request.user, transfer):
            return TemplateResponse(
                request,
                "portal/refused.html",
                {"reason": _("Your role does not allow changing this transfer.")},
                status=403,
            )
        loaded = posted_version(request.POST)
        if loaded != transfer.version:
            # Checked before the fields: the choices follow the transfer as it is now, not as the person saw it.
            return self.stale(StaleEntry(transfer, loaded or 0))
        form = TransferForm(request.POST, transfer=transfer, user=request.user)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in FIELDS}
            try:
                step = change_transfer(
                    transfer,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    note=form.cleaned_data["note"],
                    **values,
                )
            except StaleEntry as stale:
                return self.stale(stale)
            except ReviewError as error:  # the person's role or quarters changed since the check above
                return TemplateResponse(request, "portal/refused.html", {"reason": str(error)}, status=error.status)
            except ValidationError as error:
                add_errors(form, error)
            else:
                if step is None:
                    messages.info(request, _("Nothing was changed."))
                else:
                    messages.success(request, _("The transfer was updated; the step is kept in its history."))
                return redirect("zusammenarbeit:transfer-detail", transfer.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def stale(self, stale):
        """The form again with the person's input, against the current version, saying what changed meanwhile:
        saving again keeps theirs."""
        self.transfer = transfer = self.get_transfer()
        data = self.request.POST.copy()
        data["version"] = transfer.version
        form = TransferForm(data, transfer=transfer, user=self.request.user)
        if data.get("status") not in dict(form.fields["status"].choices):
            # A step the transfer has taken meanwhile: the choice starts again from where it stands now.
            data["status"] = transfer.status
        form.is_valid()
        labels = {name: field.label for name, field in form.fields.items()}
        form.add_error(None, stale_message(with_labels(stale.changes, labels)))
        return self.render_to_response(self.get_context_data(form=form), status=409)


def posted_version(data):
    """The version a form was loaded with, or ``None`` when it is missing, no number, or none a version can be."""
    try:
        version = int(data.get("version", ""))
    except ValueError:
        return None
    return version if MIN_VERSION <= version <= MAX_VERSION else None


def transfer_log(transfer):
    """The audit rows of ``transfer``; each names the step it recorded (``data["step"]``)."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Transfer), object_id=str(transfer.pk)
    ).select_related("actor")


class TransferMatrixView(PortalMixin, TemplateView):
    """Practices × quarters: where each practice comes from and where it went, with the status of each transfer.

    The rows are the practices the person sees, and those with a transfer into one of their quarters (whose
    other transfers stay hidden); a column per quarter. A constant number of queries, however many practices.
    """

    template_name = "zusammenarbeit/transfer_matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        visible = transfers_visible_to(user)
        practices = Praxisbeispiel.objects.all()
        if not user.covers_all_quarters:
            practices = practices.filter(Q(quartier__in=user.quartier_ids) | Q(pk__in=visible.values("praxisbeispiel")))
        practices = (
            practices.select_related("quartier")
            .only("title", "review_state", "approved_at", "quartier__name")
            .prefetch_related(
                Prefetch(
                    "transfers",
                    queryset=visible.only("status", "quartier", "praxisbeispiel").order_by(),
                    to_attr="shown",
                )
            )
            .order_by("title", "pk")
        )
        quartiere = list(Quartier.objects.only("name", "slug"))
        rows = []
        for practice in practices:
            by_quarter = {transfer.quartier_id: transfer for transfer in practice.shown}
            cells = [
                {
                    "quartier": quartier,
                    "origin": quartier.pk == practice.quartier_id,
                    "transfer": by_quarter.get(quartier.pk),
                }
                for quartier in quartiere
            ]
            rows.append({"practice": practice, "can_view": user.covers(practice.quartier_id), "cells": cells})
        context.update(rows=rows, quartiere=quartiere, opts=Praxisbeispiel._meta, statuses=Status)
        return context


urlpatterns = [
    *entry_urls(
        Praxisbeispiel,
        "portal/praxisbeispiele",
        PraxisbeispielForm,
        PraxisbeispielFilter,
        page_context=PraxisbeispielPages,
    ),
    path(
        "portal/praxisbeispiele/<int:pk>/transfer/",
        TransferStartView.as_view(model=Praxisbeispiel, form_class=PraxisbeispielForm),
        name="transfer-create",
    ),
    path("portal/transfers/", TransferMatrixView.as_view(), name="transfer-matrix"),
    path("portal/transfers/<int:pk>/", TransferView.as_view(), name="transfer-detail"),
]
