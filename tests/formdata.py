"""What a browser sends with an entry form besides the entry's own fields: the tables of its parts."""

from hameln_quartiere.views import EntryFormMixin


def parts_management(entry_or_model):
    """The management forms of the entry's inline formsets as they render for ``entry_or_model``.

    Posting them with the entry's fields means: the parts stay as they are.
    """
    model = entry_or_model if isinstance(entry_or_model, type) else type(entry_or_model)
    instance = model() if isinstance(entry_or_model, type) else entry_or_model
    data = {}
    for formset_class in formset_classes(model):
        formset = formset_class(instance=instance, prefix=formset_class.get_default_prefix())
        management = formset.management_form
        data.update({management[name].html_name: management[name].value() for name in management.fields})
        # No extra (empty) rows: the parts stay as they are.
        data[management["TOTAL_FORMS"].html_name] = management["INITIAL_FORMS"].value()
    return data


def formset_classes(model):
    from django.urls import get_resolver

    for pattern in get_resolver().url_patterns:
        for view_pattern in getattr(pattern, "url_patterns", []):
            view_class = getattr(view_pattern.callback, "view_class", None)
            initkwargs = getattr(view_pattern.callback, "view_initkwargs", {})
            if view_class and issubclass(view_class, EntryFormMixin) and initkwargs.get("model") is model:
                return initkwargs.get("formset_classes", ())
    return ()
