"""Forms for the yearly goals of a quarter, in the portal and the admin alike."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.forms import EntryForm
from quartiere.models import Jahresziel


class JahreszielForm(EntryForm):
    class Meta:
        model = Jahresziel
        fields = ["quartier", "year", "title", "description", "assessment", "assessment_statement", "carried_over_from"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "assessment_statement": forms.Textarea(attrs={"rows": 3}),
        }


class YearForm(forms.Form):
    """The year a page of the yearly cycle shows (``?jahr=2019``): the default year when none or a wrong one is
    asked for; the error says so next to the field."""

    jahr = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, required=False, widget=forms.Select)

    def __init__(self, data=None, *, years, default):
        super().__init__(data if data and "jahr" in data else None, initial={"jahr": default})
        chosen = self.cleaned_data["jahr"] if self.is_bound and self.is_valid() else None
        self.year = chosen or default
        self.fields["jahr"].widget.attrs["class"] = "form-select"
        self.fields["jahr"].widget.choices = [(year, year) for year in sorted({*years, self.year}, reverse=True)]
