"""Template helpers of the public pages."""

import json
import re

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


WHITESPACE = re.compile(r"\s+")


@register.tag
def squeeze(parser, token):
    """``{% squeeze %}…{% endsqueeze %}``: every run of whitespace in the block becomes one space.

    For long generated lists such as a week's programme (hundreds of entries at a city's scale): the template's
    indentation is more than a third of their bytes, and a cached page sends and reads it again with every
    request. Not for blocks with ``<pre>`` or ``<textarea>``, whose whitespace counts.
    """
    nodelist = parser.parse(("endsqueeze",))
    parser.delete_first_token()
    return SqueezeNode(nodelist)


class SqueezeNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        # The block's output is already escaped where it needs to be; only whitespace is taken out.
        return mark_safe(WHITESPACE.sub(" ", self.nodelist.render(context)))  # noqa: S308
