"""Forms for action concepts, findings, goals and measures, in the portal and the admin alike."""

from django import forms

from hameln_quartiere.forms import EntryForm
from handlungskonzepte.models import Befund, Handlungskonzept, Massnahme, Ziel


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
