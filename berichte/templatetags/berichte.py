"""How the cells of a report read: numbers with German grouping and comma, a dash for nothing."""

from django import template

from berichte.charts import number_label

register = template.Library()


@register.filter
def cell(value):
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return number_label(value)
    return value


@register.filter
def signed(value):
    """A difference with its sign: “+3”, “−2”, “±0”."""
    if value is None:
        return ""
    if value == 0:
        return "±0"
    text = number_label(abs(value))
    return f"+{text}" if value > 0 else f"−{text}"


@register.filter
def is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)
