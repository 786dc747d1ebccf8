"""Template helpers for the pages every content entry shares."""

from django import template
from django.urls import reverse

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
