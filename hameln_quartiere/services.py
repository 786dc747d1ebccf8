"""Services every app uses. State changes write their audit row in the same transaction."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from hameln_quartiere.models import LogEntry

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
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
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
