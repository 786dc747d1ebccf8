"""Forms for meetings, their agenda, their tasks and attachments, in the portal and the admin alike."""

from pathlib import PurePath

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.forms import EntriesField, EntryForm, PartForm
from hameln_quartiere.models import ALL_QUARTERS_ROLES, Role, User
from handlungskonzepte.models import Massnahme
from quartiere.models import Quartier
from treffpunkte.models import Treffpunkt
from zusammenarbeit.models import ATTACHMENT_TYPES, Anlage, Aufgabe, Sitzung, Tagesordnungspunkt
from zusammenarbeit.services import attachment_limit_bytes

# The people of the programme who take part in meetings and take on tasks (not the city admins' accounts).
STAFF_ROLES = (Role.QM_COORDINATOR, Role.GWA, Role.FAMILY_SUPPORT, Role.LEADERSHIP)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def active_staff():
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).only("first_name", "last_name", "username")


def staff_who_may_see(quartier_id):
    """Active staff who may see a meeting of ``quartier_id`` (None: of the whole programme, seen by all)."""
    staff = active_staff()
    if quartier_id is None:
        return staff
    return staff.filter(Q(role__in=ALL_QUARTERS_ROLES) | Q(quartiere=quartier_id)).distinct()


class SitzungForm(EntryForm):
    class Meta:
        model = Sitzung
        fields = ["kind", "title", "date", "start_time", "end_time", "place", "quartier", "teilnehmende", "guests"]
        widgets = {
            "date": DATE_WIDGET,
            "start_time": TIME_WIDGET,
            "end_time": TIME_WIDGET,
            "teilnehmende": forms.CheckboxSelectMultiple,
            "guests": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"teilnehmende": EntriesField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teilnehmende"].queryset = active_staff()
        self.fields["quartier"].empty_label = _("Whole programme (all quarters)")

    def clean(self):
        cleaned_data = super().clean()
        teilnehmende, quartier = cleaned_data.get("teilnehmende"), cleaned_data.get("quartier")
        if teilnehmende is not None and quartier is not None:
            # Everyone taking part sees the meeting (and finds it in their calendar): nobody outside its quarter.
            outside = teilnehmende.exclude(pk__in=staff_who_may_see(quartier.pk).values("pk"))
            if outside:
                self.add_error(
                    "teilnehmende",
                    _("%(people)s do not work in %(quarter)s and could not see this meeting.")
                    % {"people": ", ".join(str(person) for person in outside), "quarter": quartier},
                )
        return cleaned_data


class TagesordnungspunktForm(PartForm):
    class Meta:
        model = Tagesordnungspunkt
        fields = ["position", "title", "status", "minutes", "decision"]
        widgets = {
            "position": forms.NumberInput(attrs={"min": 1, "max": 99}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "decision": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"decision": _("Required when the item is decided. Tasks are created from decisions.")}


class BaseAgendaFormSet(forms.BaseInlineFormSet):
    """The agenda of a meeting, edited with it. Once the minutes are approved they are final: the formset then
    has no rows, reads nothing that is sent and saves nothing (``locked``)."""

    # The entry form shows these rows as cards, one per item, rather than as table rows.
    include_template = "zusammenarbeit/includes/agenda_formset.html"

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index >= self.initial_form_count():
            # A new row offers the next position; left as it is, the row counts as empty.
            kwargs["initial"] = {"position": index + 1}
        return kwargs

    @property
    def locked(self):
        return self.instance is not None and self.instance.approved_at is not None

    def initial_form_count(self):
        return 0 if self.locked else super().initial_form_count()

    def total_form_count(self):
        return 0 if self.locked else super().total_form_count()

    def full_clean(self):
        if self.locked:
            self._errors = []
            self._non_form_errors = self.error_class(renderer=self.renderer)
            return
        super().full_clean()

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk is not None and form.instance.aufgaben.exists():
                form.add_error(None, _("Tasks were decided under this item, so it cannot be removed."))
                raise forms.ValidationError(_("An agenda item with tasks cannot be removed."))

    def save(self, commit=True):
        return [] if self.locked else super().save(commit=commit)


TagesordnungspunktFormSet = forms.inlineformset_factory(
    Sitzung,
    Tagesordnungspunkt,
    form=TagesordnungspunktForm,
    formset=BaseAgendaFormSet,
    extra=2,
    can_delete=True,
    # Positions go up to 99: a forged row count beyond is refused before thousands of rows are built.
    max_num=99,
    absolute_max=99,
)


class SmallForm(forms.ModelForm):
    """A form on a meeting's page, inside the page's own ``<form>`` tag."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class AufgabeForm(SmallForm):
    """A task from a decision of the meeting: what, who, by when, and what it concerns."""

    prefix = "aufgabe"

    class Meta:
        model = Aufgabe
        fields = [
            "tagesordnungspunkt",
            "title",
            "description",
            "assignee",
            "due",
            "massnahme",
            "treffpunkt",
            "quartier",
        ]
        widgets = {"due": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, sitzung, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.sitzung = sitzung
        fields = self.fields
        fields["tagesordnungspunkt"].required = True
        fields["tagesordnungspunkt"].queryset = sitzung.tagesordnungspunkte.filter(
            status=Tagesordnungspunkt.Status.DECIDED
        )
        fields["tagesordnungspunkt"].empty_label = None
        fields["assignee"].queryset = staff_who_may_see(sitzung.quartier_id)
        fields["assignee"].help_text = _("Staff who may see this meeting.")
        fields["massnahme"].queryset = Massnahme.objects.visible_to(user).only("title")
        fields["treffpunkt"].queryset = Treffpunkt.objects.visible_to(user).only("name")
        quartiere = Quartier.objects.only("name")
        fields["quartier"].queryset = (
            quartiere if user.covers_all_quarters else quartiere.filter(pk__in=user.quartier_ids)
        )
        for name in ("massnahme", "treffpunkt", "quartier"):
            fields[name].help_text = _("Optional: what the task concerns.")

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date lies in the past."))
        return due


class NextMeetingForm(forms.Form):
    prefix = "naechste"
    date = forms.DateField(label=_("Date of the next meeting"), widget=DATE_WIDGET)

    def __init__(self, *args, sitzung, **kwargs):
        super().__init__(*args, **kwargs)
        self.sitzung = sitzung
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date <= self.sitzung.date:
            raise forms.ValidationError(_("The next meeting takes place after this one."))
        return date


def allowed_extensions():
    return ", ".join(sorted(extension.removeprefix(".").upper() for extension in ATTACHMENT_TYPES))


class AnlageForm(SmallForm):
    """An attachment: a PDF or office document of at most ``ATTACHMENT_MAX_MB`` megabytes. The extension must be
    an allowed one and the file must begin the way such a file begins, so a renamed file is refused too."""

    prefix = "anlage"

    class Meta:
        model = Anlage
        fields = ["file", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF or office document (%(types)s), at most %(size)s MB.") % {
            "types": allowed_extensions(),
            "size": settings.ATTACHMENT_MAX_MB,
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(sorted(ATTACHMENT_TYPES))

    def clean_file(self):
        file = self.cleaned_data["file"]
        extension = PurePath(file.name).suffix.lower()
        if extension not in ATTACHMENT_TYPES:
            raise forms.ValidationError(
                _("Files of this type cannot be attached. Allowed are: %(types)s.") % {"types": allowed_extensions()},
                code="type",
            )
        if file.size > attachment_limit_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB, the most an attachment may have.")
                % {"size": settings.ATTACHMENT_MAX_MB},
                code="size",
            )
        file.seek(0)
        head = file.read(16)
        file.seek(0)
        if not any(head.startswith(magic) for magic in ATTACHMENT_TYPES[extension]):
            raise forms.ValidationError(
                _("The file's content is not a %(type)s file, whatever its name says.")
                % {"type": extension.removeprefix(".").upper()},
                code="content",
            )
        return file
