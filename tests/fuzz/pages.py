"""The pages the fuzz tests find by walking the URL configuration, so that a new list or entry form is fuzzed
without anyone adding it here."""

from django.urls import get_resolver

from hameln_quartiere.views import EntryCreateView, EntryFormMixin, EntryListView, EntryUpdateView
from tests.urlwalk import named_patterns


def views():
    """``(url name, view class, init kwargs)`` of every class-based view in the URL configuration."""
    for name, pattern in named_patterns(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None:
            yield name, view_class, getattr(pattern.callback, "view_initkwargs", {})


def list_pages():
    """``{url name: filter set}`` of every portal list with filters."""
    return {
        name: initkwargs.get("filterset_class") or view_class.filterset_class
        for name, view_class, initkwargs in views()
        if issubclass(view_class, EntryListView)
    }


def form_pages():
    """``{url name: (view class, model, form class, formset classes)}`` of every entry's create and edit page."""
    return {
        name: (view_class, initkwargs["model"], initkwargs["form_class"], tuple(initkwargs.get("formset_classes", ())))
        for name, view_class, initkwargs in views()
        if issubclass(view_class, EntryFormMixin) and issubclass(view_class, (EntryCreateView, EntryUpdateView))
    }
