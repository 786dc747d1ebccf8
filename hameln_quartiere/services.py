"""Services every app uses: the audit log and the review workflow (see DESIGN.md, the review rule).

State changes happen here only: atomic, keyword-only actor, a ``ReviewError`` when the state or the person does
not fit, and the audit row written in the same transaction. Views and admin actions call these functions.
"""

import copy
import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, localize
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from hameln_quartiere.models import (
    REVIEWER_ROLES,
    Comment,
    LogEntry,
    Notification,
    ReviewState,
    Role,
    User,
)
from hameln_quartiere.rules import may, refusal_reason

logger = logging.getLogger(__name__)

# Values that must never reach the log, whatever form or service passes them in.
SECRET_FIELDS = frozenset({"password", "password1", "password2", "token", "secret"})
MASK = "***"


def action_code(obj, verb):
    """The dotted action code for ``verb`` on ``obj``, e.g. ``treffpunkte.angebot.changed``."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"


def mask_secrets(data):
    return {key: (MASK if key in SECRET_FIELDS else value) for key, value in data.items()}


@transaction.atomic
def log(obj, verb, *, actor, data=None):
    """Append one step to the history of ``obj``; call it inside the transaction of the change it records."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action_code(obj, verb),
        data=mask_secrets(data or {}),
    )


def changes(form):
    """What a bound, valid ModelForm changed, as ``{field: [old, new]}`` in readable text."""
    result = {}
    for name in form.changed_data:
        if name in SECRET_FIELDS:
            result[name] = [MASK, MASK]
            continue
        field = form.fields[name]
        old = form.initial.get(name, field.initial)
        result[name] = [_readable(field, old), _readable(field, form.cleaned_data.get(name))]
    return result


def _readable(field, value):
    if value is None or value == "":
        return ""
    if hasattr(value, "all") or isinstance(value, list | tuple | set):
        items = value.all() if hasattr(value, "all") else value
        return ", ".join(sorted(str(_choice_label(field, item)) for item in items))
    return str(_choice_label(field, value))


def _choice_label(field, value):
    """The label a person saw for ``value``: a choice's label or the related object's name."""
    if hasattr(value, "_meta"):
        return value
    queryset = getattr(field, "queryset", None)
    if queryset is not None:
        return queryset.filter(pk=value).first() or value
    choices = getattr(field, "choices", None)
    return dict(choices).get(value, value) if choices else value


# --- The review workflow -------------------------------------------------------------------------------------


class ReviewError(Exception):
    """A step that is not possible now (wrong state, wrong person); the message says why, for that person."""

    status = 403


class StaleEntry(ReviewError):
    """The entry was saved by someone else since the person loaded it; ``changes`` lists what they changed."""

    status = 409

    def __init__(self, entry, loaded_version):
        self.changes = list(changes_since(entry, loaded_version))
        super().__init__(
            _("Someone else changed this entry while you had it open. Check their changes before you go on.")
        )


def changes_since(entry, version):
    """The log rows of changes that made ``entry`` newer than ``version``, oldest first."""
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(entry), object_id=str(entry.pk), data__version__gt=version
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def with_labels(log_entries, labels):
    """Pair each log row with its changes as ``(label, old, new)``, labels from ``{field name: label}``."""
    return [
        (entry, [(labels.get(name, name), *values) for name, values in entry.data.get("changes", {}).items()])
        for entry in log_entries
    ]


def _require(actor, action, entry):
    if not may(actor, action, entry):
        raise ReviewError(refusal_reason(actor, action, entry))


def _lock(entry, version):
    """The entry's current row, locked for this transaction; refused if it is newer than ``version``."""
    current = type(entry)._default_manager.select_for_update().get(pk=entry.pk)
    if version is not None and current.version != version:
        raise StaleEntry(current, version)
    return current


def _save_review_fields(entry, *fields):
    entry.version = F("version") + 1
    entry.save(update_fields=["version", "updated_at", *fields])
    entry.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def save_entry(form, *, actor):
    """Save a valid entry form: a new entry as a draft; a change to an approved entry as a proposed change.

    The approved version stays in the row, and live, until the proposed change is approved. A stale form (the
    entry was saved since it was loaded) raises ``StaleEntry`` and nothing is written.
    """
    entry = form.instance
    if entry._state.adding:
        _require(actor, "add", entry)
        entry.created_by = actor
        entry.review_state = ReviewState.DRAFT
        form.save()
        entry.contributors.add(actor)
        log(entry, "created", actor=actor, data={"changes": changes(form), "version": entry.version})
        return entry

    current = _lock(entry, form.cleaned_data.get("loaded_version"))
    _require(actor, "change", current)
    if not form.has_changed():
        return current
    new_version = current.version + 1
    if current.approved_at is None:
        # No approved version yet: the row itself is the draft. Only what the form edits is written: a field
        # outside it may have changed since the form's instance was read without a new version (a measure's
        # progress, recorded directly), and writing the whole row would silently undo that.
        form.save(commit=False)
        entry.version = new_version
        entry.save(update_fields=[*_form_columns(form), "version", "updated_at"])
        form.save_m2m()
    else:
        proposal = {**(current.pending or {}), **proposal_from_form(form)}
        state = ReviewState.DRAFT if current.review_state == ReviewState.APPROVED else current.review_state
        if _matches_approved(current, proposal):
            # Edited back to what is approved: nothing is left to review.
            proposal, state = None, ReviewState.APPROVED
        type(entry)._default_manager.filter(pk=entry.pk).update(
            pending=proposal, review_state=state, version=new_version, updated_at=timezone.now()
        )
        # The form wrote the proposed values onto the instance while validating; the row keeps the approved ones.
        entry.refresh_from_db()
    if entry.review_state == ReviewState.APPROVED:
        entry.contributors.clear()
    else:
        entry.contributors.add(actor)
    log(
        entry,
        "changed",
        actor=actor,
        data={"changes": changes(form), "version": new_version, "proposed": current.approved_at is not None},
    )
    return entry


def _form_columns(form):
    """The names of the model's own columns that ``form`` edits."""
    return [field.name for field in form.instance._meta.concrete_fields if field.name in form.fields]


def _matches_approved(entry, proposal):
    """Whether every proposed value equals the approved one."""
    for name, value in proposal.items():
        field = entry._meta.get_field(name)
        if field.many_to_many:
            if set(value) != {obj.pk for obj in getattr(entry, name).all()}:
                return False
        elif field.to_python(value) != field.value_from_object(entry):
            return False
    return True


@transaction.atomic
def discard_proposal(entry, *, actor, version=None):
    """Drop a proposed change that has not been submitted: the approved version stays as it is."""
    entry = _lock(entry, version)
    _require(actor, "change", entry)
    if entry.pending is None:
        raise ReviewError(_("There is no proposed change to discard."))
    entry.pending = None
    entry.review_state = ReviewState.APPROVED
    _save_review_fields(entry, "pending", "review_state")
    entry.contributors.clear()
    log(entry, "discarded", actor=actor, data={"version": entry.version})
    return entry


@transaction.atomic
def submit_for_review(entry, *, actor, version=None):
    """Hand a draft (or a returned entry) to the other Ressort for review."""
    entry = _lock(entry, version)
    _require(actor, "submit", entry)
    entry.review_state = ReviewState.SUBMITTED
    entry.submitted_by = actor
    entry.submitted_at = timezone.now()
    # A city admin has no Ressort; then the entry belongs to the Ressort of those who wrote it.
    entry.submitted_ressort = actor.ressort or _authors_ressort(entry)
    _save_review_fields(entry, "review_state", "submitted_by", "submitted_at", "submitted_ressort")
    log(entry, "submitted", actor=actor, data={"version": entry.version})
    notify(
        reviewers_for(entry, actor=actor),
        kind=Notification.Kind.SUBMITTED,
        entry=entry,
        actor=actor,
        url=reverse(_url_name(entry, "review"), args=[entry.pk]),
    )
    return entry


def _authors_ressort(entry):
    ressorts = {user.ressort for user in entry.contributors.all() if user.ressort}
    return ressorts.pop() if len(ressorts) == 1 else ""


def _decide(entry, *, actor, override_reason):
    """Check that ``actor`` may decide on ``entry``, as reviewer or (with a reason) as admin override."""
    if may(actor, "review", entry):
        return ""
    if may(actor, "override", entry):
        reason = override_reason.strip()
        if not reason:
            raise ReviewError(_("An admin override needs a reason."))
        return reason
    raise ReviewError(refusal_reason(actor, "review", entry))


@transaction.atomic
def approve(entry, *, actor, version=None, override_reason=""):
    """Approve a submitted entry; a proposed change replaces the approved version now."""
    entry = _lock(entry, version)
    reason = _decide(entry, actor=actor, override_reason=override_reason)
    authors = list(_authors(entry, actor=actor))
    applied, m2m, fields = {}, {}, []
    if entry.pending is not None:
        applied = {row.name: [row.old, row.new] for row in proposal_diff(entry) if row.changed}
        fields = [name for name in entry.pending if not entry._meta.get_field(name).many_to_many]
        m2m = apply_proposal(entry)
        _check_applicable(entry, m2m)
    entry.pending = None
    entry.review_state = ReviewState.APPROVED
    entry.approved_by = actor
    entry.approved_at = timezone.now()
    entry.override_reason = reason
    _save_review_fields(entry, *fields, "pending", "review_state", "approved_by", "approved_at", "override_reason")
    for name, pks in m2m.items():
        getattr(entry, name).set(pks)
    # The next change starts a new version with its own authors.
    entry.contributors.clear()
    log(entry, "approved", actor=actor, data={"changes": applied, "version": entry.version, "override": reason})
    _record_override(entry, actor=actor, reason=reason)
    notify(authors, kind=Notification.Kind.APPROVED, entry=entry, actor=actor, text=reason)
    return entry


def _check_applicable(entry, m2m):
    """Refuse to apply a proposal that no longer fits: a rule it breaks now, or a linked entry deleted since."""
    messages = []
    for name, pks in m2m.items():
        field = entry._meta.get_field(name)
        if field.related_model._default_manager.filter(pk__in=pks).count() != len(set(pks)):
            messages.append(_("An entry linked in “%(field)s” has been deleted.") % {"field": field.verbose_name})
    try:
        entry.full_clean()
    except ValidationError as error:
        messages.extend(error.messages)
    except ObjectDoesNotExist:
        # A model's clean() reads a linked entry that has been deleted since the proposal was made.
        messages.append(_("A linked entry has been deleted."))
    if messages:
        raise ReviewError(
            _("The change can no longer be applied: %(errors)s Return it for revision.")
            % {"errors": " ".join(messages)}
        )


def _record_override(entry, *, actor, reason):
    """An admin's decision in place of the other Ressort stays on the entry's thread for good."""
    if reason:
        Comment.objects.create(
            content_type=ContentType.objects.get_for_model(entry),
            object_id=entry.pk,
            author=actor,
            kind=Comment.Kind.OVERRIDE,
            text=reason,
        )


@transaction.atomic
def return_for_revision(entry, *, actor, comment, version=None, override_reason=""):
    """Send a submitted entry back to its authors, saying what needs to change (a comment is required)."""
    comment = (comment or "").strip()
    if not comment:
        raise ReviewError(_("Say what needs to change: returning an entry needs a comment."))
    entry = _lock(entry, version)
    reason = _decide(entry, actor=actor, override_reason=override_reason)
    entry.review_state = ReviewState.RETURNED
    entry.override_reason = reason
    _save_review_fields(entry, "review_state", "override_reason")
    Comment.objects.create(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        author=actor,
        kind=Comment.Kind.RETURN,
        text=comment,
    )
    _record_override(entry, actor=actor, reason=reason)
    log(entry, "returned", actor=actor, data={"comment": comment, "version": entry.version, "override": reason})
    notify(_authors(entry, actor=actor), kind=Notification.Kind.RETURNED, entry=entry, actor=actor, text=comment)
    return entry


@transaction.atomic
def add_comment(entry, *, actor, text):
    """Add a comment to the entry's thread; everyone involved hears of it."""
    text = (text or "").strip()
    if not text:
        raise ReviewError(_("The comment is empty."))
    _require(actor, "comment", entry)
    comment = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(entry), object_id=entry.pk, author=actor, text=text
    )
    log(entry, "commented", actor=actor, data={"comment": text})
    involved = {*_authors(entry, actor=actor), *_commenters(entry, actor=actor)}
    notify(involved, kind=Notification.Kind.COMMENTED, entry=entry, actor=actor, text=text)
    return comment


@transaction.atomic
def save_parts(formset, entry, *, actor):
    """Save a valid inline formset of ``entry``'s parts (recorded directly, without review).

    ``entry`` is the row ``save_entry`` locked and checked for staleness. The changes are logged on the entry
    itself, one row per save, so the entry's history shows them.
    """
    formset.instance = entry
    kind = capfirst(formset.model._meta.verbose_name)
    recorded = {}
    for form in formset.deleted_forms:
        if form.instance.pk is not None:
            recorded[f"{kind} „{form.instance}“"] = [str(form.instance), ""]
    changed = [form for form in formset.forms if form.has_changed() and form not in formset.deleted_forms]
    formset.save()
    for form in changed:
        if form.instance.pk is None:
            continue
        for name, values in changes(form).items():
            label = form.fields[name].label or name
            recorded[f"{kind} „{form.instance}“: {label}"] = values
    if recorded:
        # The parts are part of the entry: a save of them alone is a new version (so a stale form is refused, and
        # the refusal names this change), and its author wrote part of what is reviewed (so they do not approve it).
        type(entry)._default_manager.filter(pk=entry.pk).update(version=F("version") + 1, updated_at=timezone.now())
        entry.refresh_from_db(fields=["version", "updated_at"])
        if entry.review_state != ReviewState.APPROVED:
            entry.contributors.add(actor)
        log(entry, "changed", actor=actor, data={"changes": recorded, "parts": True, "version": entry.version})


@transaction.atomic
def delete_entry(entry, *, actor, version=None):
    """Delete an entry that was never approved (the admins may delete any); the log keeps what it was."""
    entry = _lock(entry, version)
    _require(actor, "delete", entry)
    log(entry, "deleted", actor=actor)
    entry.delete()


# --- Proposed changes: stored as JSON next to the approved version ------------------------------------------


def content_fields(model):
    """The fields people write in an entry: concrete and many-to-many, editable, without the review fields."""
    return [
        field
        for field in model._meta.get_fields()
        if (field.concrete or field.many_to_many) and not field.auto_created and field.editable
    ]


def proposal_from_form(form):
    """The values of a valid entry form as JSON-ready data: foreign keys as ids, many-to-many as id lists."""
    opts = form.instance._meta
    proposal = {}
    for field in content_fields(type(form.instance)):
        if field.name not in form.cleaned_data:
            continue
        if field.many_to_many:
            proposal[field.name] = sorted(obj.pk for obj in form.cleaned_data[field.name])
        else:
            proposal[field.name] = opts.get_field(field.name).value_from_object(form.instance)
    return proposal


def proposed_values(entry):
    """The proposed change as field values (many-to-many as id lists), e.g. as a form's initial values."""
    values = {}
    for field in content_fields(type(entry)):
        if field.name not in (entry.pending or {}):
            continue
        raw = entry.pending[field.name]
        values[field.name] = raw if field.many_to_many else field.to_python(raw)
    return values


def apply_proposal(entry):
    """Set the proposed values on ``entry`` (in memory); returns the many-to-many values to set after saving."""
    m2m = {}
    for name, value in proposed_values(entry).items():
        field = entry._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(entry, field.attname, value)
    return m2m


class DiffRow:
    """One field of an entry, its approved and its proposed value as people read them."""

    def __init__(self, field, old, new, changed):
        self.name = field.name
        self.label = field.verbose_name
        self.old = old
        self.new = new
        self.changed = changed


def proposal_diff(entry):
    """The reviewer's view, field by field: the approved value (None for a new entry) beside the proposed one."""
    if entry.approved_at is None:
        return [DiffRow(field, None, display(entry, field), True) for field in content_fields(type(entry))]
    # A copy keeps what was read with the entry; only related values the proposal changes are read again.
    proposed_entry = copy.copy(entry)
    m2m = apply_proposal(proposed_entry)
    rows = []
    for field in content_fields(type(entry)):
        if field.many_to_many:
            old_ids = {obj.pk for obj in getattr(entry, field.name).all()}
            new_ids = set(m2m.get(field.name, old_ids))
            new = display_related(field.related_model._default_manager.filter(pk__in=new_ids))
            rows.append(DiffRow(field, display(entry, field), new, old_ids != new_ids))
        else:
            changed = field.value_from_object(entry) != field.value_from_object(proposed_entry)
            rows.append(DiffRow(field, display(entry, field), display(proposed_entry, field), changed))
    return rows


def display(entry, field):
    """The value of ``field`` on ``entry`` as a person reads it."""
    if field.many_to_many:
        return display_related(getattr(entry, field.name).all())
    try:
        value = getattr(entry, field.name)
    except ObjectDoesNotExist:
        # A proposal can name an entry that has been deleted since.
        return _("(deleted)")
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    # A date, not a datetime, nor an entry that has a year (a yearly goal).
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(localize(value))


def display_related(queryset):
    return ", ".join(sorted(str(obj) for obj in queryset))


# --- Who hears of a step -------------------------------------------------------------------------------------


def _url_name(entry, action):
    return f"{entry._meta.app_label}:{entry._meta.model_name}-{action}"


def reviewers_for(entry, *, actor):
    """Everyone who may decide on ``entry`` now that ``actor`` submitted it."""
    reviewers = User.objects.filter(is_active=True, role__in=REVIEWER_ROLES).exclude(pk=actor.pk)
    reviewers = reviewers.exclude(ressort=actor.ressort)
    quartier_id = entry.get_quartier_id()
    if quartier_id is not None:  # an entry of no quarter (a meeting of the whole programme) concerns all
        reviewers = reviewers.filter(Q(role=Role.QM_COORDINATOR) | Q(quartiere=quartier_id))
    return reviewers.distinct()


def _authors(entry, *, actor):
    """Who wrote the version under review: its creator, its submitter and everyone who edited it."""
    ids = {entry.created_by_id, entry.submitted_by_id} - {None, actor.pk}
    return (
        User.objects.filter(Q(pk__in=ids) | Q(pk__in=entry.contributors.values("pk")), is_active=True)
        .exclude(pk=actor.pk)
        .distinct()
    )


def _commenters(entry, *, actor):
    ids = Comment.objects.filter(content_type=ContentType.objects.get_for_model(entry), object_id=entry.pk).values_list(
        "author_id", flat=True
    )
    return User.objects.filter(pk__in=ids, is_active=True).exclude(pk=actor.pk)


def notify(recipients, *, kind, entry, actor, text="", url=None):
    """Put a notification in each recipient's inbox and send them an e-mail once the transaction commits.

    ``actor`` None is a notice of the system itself (a reminder sent by a scheduled command), from nobody.
    """
    url = url or entry.get_absolute_url()
    # Someone who no longer covers the entry's quarter does not hear of it (nor read the comment in a mail).
    recipients = [user for user in recipients if (actor is None or user.pk != actor.pk) and may(user, "view", entry)]
    Notification.objects.bulk_create(
        Notification(recipient=user, actor=actor, kind=kind, object_repr=str(entry)[:300], url=url, text=text)
        for user in recipients
    )
    sender = str(actor) if actor is not None else None
    mails = [(user.email, kind, str(entry), sender, text, url) for user in recipients if user.email]
    if mails:
        transaction.on_commit(lambda: _send_mails(mails))


def _send_mails(mails):
    with translation.override(settings.LANGUAGE_CODE):
        for address, kind, entry, actor, text, url in mails:
            subject = f"{Notification.Kind(kind).label}: {entry}"
            what = {"actor": actor, "what": Notification.Kind(kind).label, "entry": entry}
            # A notice of the system itself (actor None) comes from nobody.
            body = (_("%(what)s – %(entry)s") if actor is None else _("%(actor)s: %(what)s – %(entry)s")) % what
            if text:
                body += f"\n\n{text}"
            body += "\n\n" + _("Open it in the portal: %(url)s") % {"url": settings.SITE_URL.rstrip("/") + url}
            try:
                send_mail(subject, body, None, [address])
            except OSError:
                # The inbox has it already; a mail server that is down must not undo the review step.
                logger.exception("Could not send the notification e-mail to %s", address)
