"""Template helpers for the pages every content entry shares."""

from django import template
from django.urls import reverse
from django.utils.formats import localize

register = template.Library()


@register.simple_tag
def entry_url(entry, page="detail"):
    """The address of one of an entry's portal pages: ``{% entry_url entry "review" %}``."""
    return reverse(f"{entry._meta.app_label}:{entry._meta.model_name}-{page}", args=[entry.pk])


@register.simple_tag
def model_url(opts, page="list"):
    """The address of a content model's list or create page, from its ``_meta``."""
    return reverse(f"{opts.app_label}:{opts.model_name}-{page}")


@register.filter
def verbose_name(entry):
    return entry._meta.verbose_name


@register.filter
def verbose_name_plural(model):
    return model._meta.verbose_name_plural


@register.simple_tag
def query_with(query, **changes):
    """The current query string with some parameters set (or removed when set to ""), page reset."""
    query = query.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in ("", None):
            query[key] = value
    return query.urlencode()


@register.simple_tag
def sort_order(current, key):
    """The ``o`` value a column header links to: ascending first, then descending."""
    return f"-{key}" if current == key else key


@register.filter
def cell(value):
    """A list cell as text: dates in the local format, empty values as a dash."""
    if value is None or value == "":
        return "–"
    return localize(value)
