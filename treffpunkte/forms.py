"""Forms for meeting points and offers, in the portal and the admin alike."""

from django import forms

from hameln_quartiere.forms import EntryForm
from treffpunkte.models import Angebot, Treffpunkt


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
            "zielgruppen": forms.CheckboxSelectMultiple,
            "sprachen": forms.CheckboxSelectMultiple,
        }
