"""Forms for meeting points and offers, in the portal and the admin alike."""

from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.forms import EntriesField, EntryForm, PartForm
from treffpunkte.models import Angebot, Schedule, Treffpunkt
from treffpunkte.services import MAX_PARTICIPANTS

# The short descriptions in the other languages: a few lines each.
TRANSLATION_WIDGETS = {name: forms.Textarea(attrs={"rows": 2}) for name in Treffpunkt.TRANSLATED_FIELDS}


class TreffpunktForm(EntryForm):
    class Meta:
        model = Treffpunkt
        fields = [
            "name",
            "slug",
            "quartier",
            "traeger",
            "status",
            "description",
            *Treffpunkt.TRANSLATED_FIELDS,
            "street",
            "postal_code",
            "city",
            "latitude",
            "longitude",
            "opening_hours",
            "step_free",
            "accessible_toilet",
            "accessibility_notes",
            "in_praxisnetzwerk",
            "email",
            "phone",
            "opened_on",
            "closed_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            **TRANSLATION_WIDGETS,
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 2}),
            "opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class AngebotForm(EntryForm):
    class Meta:
        model = Angebot
        fields = [
            "title",
            "description",
            *Angebot.TRANSLATED_FIELDS,
            "quartier",
            "treffpunkt",
            "is_mobile",
            "kategorie",
            "zielgruppen",
            "sprachen",
            "free_of_charge",
            "cost_note",
            "registration_required",
            "contact",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            **TRANSLATION_WIDGETS,
            "zielgruppen": forms.CheckboxSelectMultiple,
            "sprachen": forms.CheckboxSelectMultiple,
        }
        field_classes = {"zielgruppen": EntriesField, "sprachen": EntriesField}


class ScheduleForm(PartForm):
    """One time of an offer's schedule, edited in a row of the offer's form."""

    class Meta:
        model = Schedule
        fields = [
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
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "interval": forms.NumberInput(attrs={"min": 1, "max": 8}),
        }

    def clean(self):
        cleaned_data = super().clean()
        interval = cleaned_data.get("interval") or 1
        if cleaned_data.get("kind") == Schedule.Kind.WEEKLY and interval > 1 and not cleaned_data.get("valid_from"):
            # Without a first date nobody can tell which weeks are meant.
            self.add_error("valid_from", _("Enter the first date: the weeks are counted from it."))
        return cleaned_data


class BaseScheduleFormSet(forms.BaseInlineFormSet):
    """The schedule rows of an offer. Another meeting point may be any approved one, or one of the offer's quarter."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        choices = Q(approved_at__isnull=False)
        if self.instance.quartier_id:
            choices |= Q(quartier_id=self.instance.quartier_id)
        form.fields["treffpunkt"].queryset = Treffpunkt.objects.filter(choices).only("name")


# At most 100 times an offer: a forged row count beyond is refused before thousands of rows are built.
ScheduleFormSet = forms.inlineformset_factory(
    Angebot,
    Schedule,
    form=ScheduleForm,
    formset=BaseScheduleFormSet,
    extra=1,
    can_delete=True,
    max_num=100,
    absolute_max=100,
)


class AttendanceForm(forms.Form):
    """One occurrence in the attendance grid: which offer and date (hidden), and how many people came.

    ``loaded`` (hidden) is the count the page showed when it was loaded: only a row whose count differs from it is
    saved, and only if nobody else changed the recorded count meanwhile.
    """

    angebot = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)
    loaded = forms.IntegerField(widget=forms.HiddenInput, required=False)
    participants = forms.IntegerField(
        label=_("participants"),
        required=False,
        min_value=0,
        max_value=MAX_PARTICIPANTS,
        error_messages={
            "min_value": _("The number of participants cannot be negative."),
            "max_value": _("Enter at most %(limit_value)s participants."),
            "invalid": _("Enter a whole number."),
        },
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0, "inputmode": "numeric"}),
    )

    def __init__(self, *args, occurrences, **kwargs):
        super().__init__(*args, **kwargs)
        self.occurrences = occurrences
        self.occurrence = occurrences.get((self.initial.get("angebot"), self.initial.get("date")))

    def clean(self):
        cleaned_data = super().clean()
        if "angebot" in cleaned_data and "date" in cleaned_data:
            self.occurrence = self.occurrences.get((cleaned_data["angebot"], cleaned_data["date"]))
            if self.occurrence is None:
                raise forms.ValidationError(
                    _("The offer does not take place on %(date)s in this week; no attendance can be recorded for it."),
                    code="not_scheduled",
                    params={"date": date_format(cleaned_data["date"], "SHORT_DATE_FORMAT")},
                )
        return cleaned_data


class BaseAttendanceFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            key = (form.cleaned_data.get("angebot"), form.cleaned_data.get("date"))
            if key in seen:
                raise forms.ValidationError(_("The same occurrence was sent twice; nothing was saved."))
            seen.add(key)


AttendanceFormSet = forms.formset_factory(AttendanceForm, formset=BaseAttendanceFormSet, extra=0, max_num=1000)
