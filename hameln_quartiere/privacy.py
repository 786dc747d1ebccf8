"""A person's data on request (GDPR Art. 15) and its erasure (Art. 17), for staff logins and operator contacts.

Staff (``User``) and the operators' contact persons (``Kontaktperson``) are the only people whose data the app
keeps (DESIGN.md, data protection). The export collects every row that refers to the person: their profile,
roles and quarters, and each row of any table with a reference to them (comments, log entries, notifications,
tasks, meetings, staff positions, …), found by walking the models, so a new table is covered without a change
here. The erasure blanks the person's own fields and keeps the row, so every reference stays and reads
"Erased person"; their name, login, e-mail and phone are then removed from the text of every other row.

The audit log is append-only: ``LogEntry.save``/``delete`` and its queryset refuse any change. The one sanctioned
exception is ``redact_audit_log`` below: it rewrites the words naming the erased person in the log's text, and
nothing else (who did what and when stays), and the erasure itself is logged as ``privacy.erased``, without the
personal data.
"""

import json
import re

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models.functions import Cast
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hameln_quartiere.cache import move_everything_on
from hameln_quartiere.models import LogEntry
from hameln_quartiere.services import MASK, SECRET_FIELDS

# Shorter words would hit unrelated text (a login "qm" is also the abbreviation of the neighbourhood management).
MIN_NEEDLE_LENGTH = 5
ERASED = "erased"
ERASED_ACTION = "privacy.erased"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)
USER_FIELDS = ("username", "first_name", "last_name", "email", "role", "ressort", "is_active", "is_staff")


def erased_label():
    """What an erased person is called from then on, in the site's language (stored, so it is the default's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Erased person")


# --- Export (Art. 15) ----------------------------------------------------------------------------------------


def export_person(person):
    """Everything stored about ``person`` (a User or a Kontaktperson) as JSON-ready data."""
    user_model = get_user_model()
    if isinstance(person, user_model):
        profile = {name: getattr(person, name) for name in USER_FIELDS}
        profile.update(
            kind="staff",
            date_joined=person.date_joined,
            last_login=person.last_login,
            groups=sorted(group.name for group in person.groups.all()),
            quarters=sorted(quartier.name for quartier in person.quartiere.all()),
        )
    else:
        profile = {
            "kind": "operator contact",
            "name": person.name,
            "function": person.function,
            "email": person.email,
            "phone": person.phone,
            "shown publicly": person.is_public,
            "operator": str(person.traeger),
        }
    result = {
        "exported_at": timezone.now(),
        "person": {"model": person._meta.label_lower, "id": person.pk, **profile},
        "referring_rows": _referring_rows(person),
        "history_of_the_person": _rows(_log_about(person)),
    }
    return json.loads(json.dumps(result, cls=DjangoJSONEncoder))


def _references_to(model):
    """``(model, field)`` for every foreign key and many-to-many field in any table that points at ``model``."""
    from django.apps import apps

    for candidate in apps.get_models(include_auto_created=True):
        if candidate._meta.auto_created:
            continue
        for field in candidate._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is model and not field.auto_created:
                yield candidate, field


def _referring_rows(person):
    result = {}
    for model, field in _references_to(type(person)):
        rows = model._base_manager.filter(**{field.name: person}).order_by("pk").distinct()
        if rows.exists():
            result[f"{model._meta.label_lower}.{field.name}"] = _rows(rows)
    return result


def _rows(queryset):
    rows = serializers.serialize("python", queryset)
    for row in rows:
        row["fields"] = {name: (MASK if name in SECRET_FIELDS else value) for name, value in row["fields"].items()}
    return rows


def _log_about(person):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(person), object_id=str(person.pk))


# --- Erasure (Art. 17) ---------------------------------------------------------------------------------------


def personal_words(person):
    """The strings that identify ``person`` in text: full name, login, e-mail, phone (long enough to be theirs)."""
    if isinstance(person, get_user_model()):
        names = [person.get_full_name(), f"{person.last_name}, {person.first_name}", person.username, person.email]
    else:
        names = [person.name, person.email, person.phone]
    words = {name.strip() for name in names if name and len(name.strip()) >= MIN_NEEDLE_LENGTH}
    # The longest first, so that "Anna Beispiel" goes as a whole before a shorter word could split it.
    return sorted(words, key=len, reverse=True)


def _scrub(value, pattern, replacement):
    """``value`` with every match of ``pattern`` replaced, through the lists and dicts of JSON data."""
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_scrub(item, pattern, replacement) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pattern, replacement) for key, item in value.items()}
    return value


def _matching(queryset, field, words):
    """The rows of ``queryset`` whose ``field`` mentions one of ``words`` (JSON compared as its text)."""
    condition = models.Q()
    if isinstance(field, models.JSONField):
        queryset = queryset.annotate(_as_text=Cast(field.name, models.TextField()))
        for word in words:
            # JSON text may store non-ASCII letters escaped (\u00fc on SQLite).
            for form in {word, json.dumps(word)[1:-1]}:
                condition |= models.Q(_as_text__icontains=form)
    else:
        for word in words:
            condition |= models.Q(**{f"{field.name}__icontains": word})
    return queryset.filter(condition)


def _text_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, TEXT_FIELDS) and not field.choices]


def scrub_text(words, replacement, *, skip=()):
    """Replace ``words`` in every text column of every table but the audit log; returns the rows changed."""
    from django.apps import apps

    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    changed = 0
    for model in apps.get_models():
        if model is LogEntry or model in skip or model._meta.proxy or not model._meta.managed:
            continue
        for field in _text_fields(model):
            for pk, value in _matching(model._base_manager.all(), field, words).values_list("pk", field.name):
                new = _scrub(value, pattern, replacement)
                if new != value:
                    model._base_manager.filter(pk=pk).update(**{field.name: new})
                    changed += 1
    return changed


def redact_audit_log(words, replacement, *, about=None):
    """The one sanctioned change to the append-only audit log: remove ``words`` from its text.

    Only the entry's description (``object_repr``) and details (``data``) are rewritten, by a plain UPDATE of
    those two columns that goes around ``LogEntry``'s guard on purpose; who acted, on what, which action and when
    stay as recorded. ``about``: a person whose own history's description is set to ``replacement`` whatever it
    said. Call it only from ``erase_person``, which logs that it happened. Returns the number of entries changed.
    """
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    data_field = LogEntry._meta.get_field("data")
    about_ids = set(_log_about(about).values_list("pk", flat=True)) if about is not None else set()
    candidates = _matching(LogEntry.objects.all(), LogEntry._meta.get_field("object_repr"), words).values_list(
        "pk", flat=True
    )
    candidates = set(candidates) | set(
        _matching(LogEntry.objects.all(), data_field, words).values_list("pk", flat=True)
    )
    changed = 0
    table = connection.ops.quote_name(LogEntry._meta.db_table)
    with connection.cursor() as cursor:
        for pk, object_repr, data in LogEntry.objects.filter(pk__in=candidates | about_ids).values_list(
            "pk", "object_repr", "data"
        ):
            new_repr = replacement if pk in about_ids else _scrub(object_repr, pattern, replacement)
            new_data = _scrub(data, pattern, replacement)
            if (new_repr, new_data) == (object_repr, data):
                continue
            cursor.execute(
                f"UPDATE {table} SET object_repr = %s, data = %s WHERE id = %s",  # noqa: S608 - names from the model
                [new_repr, data_field.get_db_prep_value(new_data, connection), pk],
            )
            changed += 1
    return changed


@transaction.atomic
def erase_person(person, *, actor):
    """Erase ``person``'s personal data and keep every row that refers to them (as "Erased person").

    A staff login is disabled for good (no password, no role, no quarters; sessions, calendar addresses and
    inbox deleted); an operator contact loses name, function, e-mail and phone. Their name, login, e-mail and
    phone are then replaced in every text column of every table, the audit log included (``redact_audit_log``).
    Returns the ``privacy.erased`` log entry, which records the step without the personal data.
    """
    # What is stored now, not what the caller read earlier: a word missed here would stay everywhere.
    person = type(person)._base_manager.select_for_update().get(pk=person.pk)
    label = erased_label()
    words = personal_words(person)
    model = type(person)
    if isinstance(person, get_user_model()):
        _erase_user(person, label)
    else:
        person.name, person.function, person.email, person.phone, person.is_public = label, "", "", "", False
        person.save(update_fields=["name", "function", "email", "phone", "is_public"])
    rows = scrub_text(words, label) if words else 0
    entries = redact_audit_log(words, label, about=person) if words else 0
    # The texts were rewritten with update(), which tells no cache: the name must leave every cached page too.
    move_everything_on()
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(person.pk),
        object_repr=label,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=ERASED_ACTION,
        data={"rows_changed": rows, "log_entries_redacted": entries},
    )


def _erase_user(user, label):
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    user.username = f"{ERASED}-{user.pk}"
    user.first_name, user.last_name, user.email = "", label, ""
    user.role = user.ressort = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    user.quartiere.clear()
    user.notifications.all().delete()
    for model, field in _references_to(type(user)):
        # Secrets of the person's own (a calendar address) go with them.
        if field.name == "user" and any(name in SECRET_FIELDS for name in (f.name for f in model._meta.fields)):
            model._base_manager.filter(**{field.name: user}).delete()


# --- The admin's actions -------------------------------------------------------------------------------------


class PrivacyAdminMixin:
    """Two admin actions for the city admins: export a person's data as JSON, and erase it (after confirming)."""

    actions = ["export_personal_data", "erase_personal_data"]

    @admin.action(description=gettext_lazy("Export personal data (GDPR Art. 15)"))
    def export_personal_data(self, request, queryset):
        data = [export_person(person) for person in queryset]
        payload = data[0] if len(data) == 1 else data
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        name = slugify(str(queryset[0])) if len(data) == 1 else "personen"
        response["Content-Disposition"] = f'attachment; filename="personal-data-{name}.json"'
        return response

    @admin.action(description=gettext_lazy("Erase personal data (GDPR Art. 17)"))
    def erase_personal_data(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/privacy_erase_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Erase personal data"),
                    "opts": self.model._meta,
                    "people": queryset,
                    "action": "erase_personal_data",
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        count = 0
        for person in queryset:
            if person == request.user:
                self.message_user(request, _("You cannot erase your own login."), messages.ERROR)
                continue
            erase_person(person, actor=request.user)
            count += 1
        if count:
            self.message_user(request, _("Personal data of %(count)d people erased.") % {"count": count})
        return None
