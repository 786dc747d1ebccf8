"""Walking the URL configuration: the tests that check every page of a kind find them here."""

from django.urls import URLPattern, URLResolver


def named_patterns(patterns, namespace=""):
    """``(name, pattern)`` of every named URL, through the included apps, names with their namespaces."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry
