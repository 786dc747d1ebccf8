"""The forms every content entry shares: editing with no lost updates, comments, review decisions."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.models import Comment, ReviewedModel
from hameln_quartiere.services import changes_since, proposed_values, with_labels
from quartiere.models import Quartier

# The versions a form can have been loaded with: those a version column can hold on every database. Anything
# else (a forged or garbled hidden field) is no version of any entry, and must not reach a query of the audit
# log as a number the database cannot take (SQLite raises OverflowError, PostgreSQL a DataError).
MIN_VERSION, MAX_VERSION = 0, 2_147_483_647


def version_field(**kwargs):
    return forms.IntegerField(widget=forms.HiddenInput, min_value=MIN_VERSION, max_value=MAX_VERSION, **kwargs)


# The ids a database integer can hold (SQLite's and PostgreSQL's bigint).
MIN_ID, MAX_ID = -(2**63), 2**63 - 1


class EntriesField(forms.ModelMultipleChoiceField):
    """Several linked entries, chosen by id. An id no database integer can hold is no choice, and is refused as
    one before it reaches the query that looks the ids up, where SQLite cannot even compare with it (Django
    guards single-id lookups against this, not ``__in``)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # not a number at all: Django's own check refuses it
            if not MIN_ID <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class EntryForm(forms.ModelForm):
    """The base of every content entry's form, in the portal and in the admin.

    It continues from a proposed change when there is one, offers only the quarters (and linked entries) the
    person may work with, and refuses a save when someone else saved the entry since the form was loaded:
    the person's input stays in the form, next to what the other person changed.
    """

    loaded_version = version_field(required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.stale_changes = []
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            if self.instance.pending is not None:
                self.initial.update(
                    {name: value for name, value in proposed_values(self.instance).items() if name in self.fields}
                )
        if user is not None:
            self._limit_choices(user)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _limit_choices(self, user):
        """Offer only what ``user`` may link to: their quarters, and entries they can see."""
        if user.covers_all_quarters:
            return
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            if queryset.model is Quartier:
                field.queryset = queryset.filter(pk__in=user.quartier_ids)
            elif issubclass(queryset.model, ReviewedModel):
                field.queryset = queryset.visible_to(user)
            elif hasattr(queryset.model, "quartier_lookup"):
                field.queryset = queryset.filter(**{f"{queryset.model.quartier_lookup}__in": user.quartier_ids})

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        loaded = cleaned_data.get("loaded_version")
        current = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
        current = current.first()
        if loaded is None or loaded != current:
            self.mark_stale(loaded, current)
            raise forms.ValidationError(stale_message(self.stale_changes), code="stale")
        return cleaned_data

    def mark_stale(self, loaded, current):
        """Show what changed since ``loaded`` and take ``current`` as the version the person has now seen."""
        labels = {name: field.label for name, field in self.fields.items()}
        self.stale_changes = with_labels(changes_since(self.instance, loaded or 0), labels)
        data = self.data.copy()
        data[self.add_prefix("loaded_version")] = current
        self.data = data


class PartForm(forms.ModelForm):
    """A row of an inline formset (an entry's part, e.g. one time of an offer's schedule), styled like Bootstrap."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


def stale_message(stale_changes):
    """The refusal of a stale save, naming who changed which fields meanwhile."""
    message = _(
        "Someone else saved this entry while you were editing it. Your input is still here: compare it with "
        "their changes and save again to keep yours."
    )
    steps = []
    for entry, changed in stale_changes:
        fields = ", ".join(str(label) for label, _old, _new in changed) or entry.get_verb_display()
        steps.append(
            _("%(actor)s on %(time)s: %(fields)s")
            % {
                "actor": entry.actor or _("unknown"),
                "time": date_format(localtime(entry.created_at), "SHORT_DATETIME_FORMAT"),
                "fields": fields,
            }
        )
    if steps:
        message = _("%(message)s Changed meanwhile: %(steps)s.") % {"message": message, "steps": "; ".join(steps)}
    return message


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Your comment")}


class ReviewForm(forms.Form):
    """The reviewer's decision on a submitted entry, for the version they saw."""

    APPROVE = "approve"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return for revision"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the entry: say what needs to change."),
    )
    override_reason = forms.CharField(
        label=_("Reason for the admin override"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("You decide instead of the other department; the reason is shown on the entry."),
    )
    version = version_field()

    def __init__(self, *args, is_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_override = is_override
        if not is_override:
            del self.fields["override_reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("decision") == self.RETURN and not cleaned_data.get("comment", "").strip():
            self.add_error("comment", _("Say what needs to change: returning an entry needs a comment."))
        if self.is_override and not cleaned_data.get("override_reason", "").strip():
            self.add_error("override_reason", _("An admin override needs a reason."))
        return cleaned_data


class VersionForm(forms.Form):
    """The version a person saw on a confirmation page, so a stale or repeated click changes nothing."""

    version = version_field()


class QueueFilterForm(forms.Form):
    """Filters of the review queue: the kind of entry and one of the person's quarters."""

    kind = forms.ChoiceField(label=_("Type"), required=False)
    quartier = forms.ModelChoiceField(
        label=_("Quarter"), queryset=Quartier.objects.only("name"), required=False, empty_label=_("All quarters")
    )

    def __init__(self, *args, user, models=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All types"))] + [
            (model._meta.label_lower, model._meta.verbose_name_plural) for model in models
        ]
        if not user.covers_all_quarters:
            self.fields["quartier"].queryset = Quartier.objects.only("name").filter(pk__in=user.quartier_ids)
