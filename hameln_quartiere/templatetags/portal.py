"""Template helpers for the pages every content entry shares."""

from django import template
from django.urls import reverse
from django.utils.formats import localize

from hameln_quartiere.cache import remember

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


class RememberedNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        user = context["request"].user
        return remember(user, f"fragment:{self.name}", lambda: self.nodelist.render(context), *parts)


@register.tag
def remembered(parser, token):
    """``{% remembered "name" part … %}…{% endremembered %}``: the enclosed HTML, rendered once for the person
    (and the ``part``s, such as the page's query) until any data changes (``hameln_quartiere.cache.remember``).

    What it encloses must be the same for every request of that person: no CSRF token, no messages.
    """
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% remembered %} needs a quoted name first.")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    return RememberedNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])
