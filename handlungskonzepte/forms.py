"""Forms for action concepts, findings, goals and measures, in the portal and the admin alike."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.forms import EntriesField, EntryForm, PartForm
from handlungskonzepte.models import Befund, Handlungskonzept, Indikator, Massnahme, Sachstand, Ziel


class HandlungskonzeptForm(EntryForm):
    class Meta:
        model = Handlungskonzept
        fields = ["quartier", "title", "start_year", "end_year", "summary", "previous"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}


class BefundForm(EntryForm):
    class Meta:
        model = Befund
        fields = ["handlungskonzept", "beteiligungsformat", "kind", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ZielForm(EntryForm):
    class Meta:
        model = Ziel
        fields = ["handlungsfeld", "title", "description", "befunde"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"befunde": EntriesField}


class MassnahmeForm(EntryForm):
    class Meta:
        model = Massnahme
        # The progress follows the progress updates (Sachstand), which are recorded without review.
        fields = [
            "handlungskonzept",
            "title",
            "description",
            "ziele",
            "owner",
            "owner_traeger",
            "partners",
            "treffpunkt",
            "angebote",
            "contact_person",
            "start",
            "end",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        field_classes = {"ziele": EntriesField, "partners": EntriesField, "angebote": EntriesField}


class IndikatorForm(PartForm):
    class Meta:
        model = Indikator
        fields = ["name", "unit", "baseline", "baseline_year", "target", "actual"]


# A goal's indicators are edited on the goal's form and recorded directly, without review (see README).
# At most 100 indicators a goal: a forged row count beyond is refused before thousands of rows are built.
IndikatorFormSet = forms.inlineformset_factory(
    Ziel, Indikator, form=IndikatorForm, extra=1, can_delete=True, max_num=100, absolute_max=100
)


class SachstandForm(forms.ModelForm):
    """A progress update on a measure, added on the measure's page."""

    class Meta:
        model = Sachstand
        fields = ["date", "progress", "text"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, massnahme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.fields["progress"].widget.attrs.update(min=0, max=100)
        if massnahme is not None:
            self.fields["progress"].initial = massnahme.progress
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A progress update reports what has happened; it cannot lie in the future."))
        return date
