"""``{% traceability_chain konzept %}``: an action concept's chain on any page, e.g. a quarter's page."""

from django import template

from handlungskonzepte import services

register = template.Library()


@register.inclusion_tag("handlungskonzepte/includes/chain.html", takes_context=True)
def traceability_chain(context, konzept):
    """The chain of ``konzept`` as far as the person on the page may see it (in public: approved entries)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"chain": services.traceability_chain(konzept, user=user), "request": request}
