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


def every_pattern(patterns, namespace="", route=""):
    """``(key, route, pattern)`` of every URL pattern, named or not: the key is the namespaced name, or the route
    for a pattern without a name (the admin has a few); the route is the whole path template from the root."""
    for entry in patterns:
        inner_route = route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_pattern(entry.url_patterns, inner, inner_route)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else inner_route), inner_route, entry
