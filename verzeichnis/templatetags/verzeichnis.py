"""Template helpers of the public pages."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# As Django's json_script: characters that could end the script element or start markup, escaped.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def jsonld(data):
    """A schema.org description as a JSON-LD script element; safe whatever text the data holds."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


@register.filter
def description(entry):
    """The entry's description for the reader's language: ``(text, language it is written in)``."""
    return entry.description_in(get_language())
