"""Forms for the yearly goals of a quarter, in the portal and the admin alike."""

from django import forms

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
