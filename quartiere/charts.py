"""Charts drawn on the server as inline SVG: no chart library, nothing to load, readable without JavaScript.

The geometry is computed here and handed to the template as ready strings: numbers in SVG attributes must use a
decimal point, which the template engine would localise to a comma on German pages.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format

WIDTH = 640
HEIGHT = 260
LEFT = 72  # room for the value axis labels
RIGHT = 56  # room for the last value label, centred on its point
TOP = 24
BOTTOM = 36  # room for the year labels


def format_value(value):
    """A value as people read it on the page: German grouping and comma, no trailing zero decimals."""
    value = Decimal(value)
    # normalize() alone would write 4200 as 4.2E+3.
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(value, force_grouping=True)


def nice_step(span, steps=4):
    """A round step (1, 2, 2.5 or 5 times a power of ten) that divides ``span`` into about ``steps`` parts."""
    if span <= 0:
        return 1.0
    raw = span / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _coord(number):
    return f"{number:.1f}"


@dataclass
class ChartPoint:
    year: int
    value: Decimal
    label: str
    x: str
    y: str


@dataclass
class LineChart:
    """One indicator over the years: its points, the line through them and the axes' ticks."""

    name: str
    unit: str
    dom_id: str = "indicator"
    points: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # the Kennzahl rows, for the table that is the chart's text
    polyline: str = ""
    y_ticks: list = field(default_factory=list)  # (y coordinate, label)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM
    top: int = TOP

    @property
    def year_label_y(self):
        return self.baseline + 22

    @property
    def table(self):
        """The rows with their formatted values, for the table under the chart."""
        return list(zip(self.rows, self.points, strict=True))

    @property
    def first_year(self):
        return self.points[0].year if self.points else None

    @property
    def last_year(self):
        return self.points[-1].year if self.points else None


def line_chart(name, unit, values):
    """A ``LineChart`` of ``values``, a list of ``(year, value)`` sorted by year.

    The value axis starts at zero (or below, for negative values), so that the height of a point is
    proportional to its value and a small change does not look like a big one.
    """
    chart = LineChart(name=name, unit=unit)
    if not values:
        return chart
    numbers = [float(value) for _, value in values]
    low = min(0.0, min(numbers))
    high = max(0.0, max(numbers))
    step = nice_step(high - low)
    low = math.floor(low / step) * step
    high = max(math.ceil(high / step) * step, low + step)
    plot_width = chart.right_edge - chart.left
    plot_height = chart.baseline - chart.top

    def y_of(number):
        return chart.baseline - (number - low) / (high - low) * plot_height

    first, last = values[0][0], values[-1][0]

    def x_of(year):
        if first == last:
            return chart.left + plot_width / 2
        return chart.left + (year - first) / (last - first) * plot_width

    tick = low
    while tick <= high + step / 2:
        chart.y_ticks.append((_coord(y_of(tick)), format_value(Decimal(str(round(tick, 6))))))
        tick += step
    for (year, value), number in zip(values, numbers, strict=True):
        chart.points.append(
            ChartPoint(year=year, value=value, label=format_value(value), x=_coord(x_of(year)), y=_coord(y_of(number)))
        )
    chart.polyline = " ".join(f"{point.x},{point.y}" for point in chart.points)
    return chart


def indicator_charts(kennzahlen):
    """One chart per indicator name, from the quarter's ``Kennzahl`` rows ordered by name and year."""
    by_name = {}
    for kennzahl in kennzahlen:
        by_name.setdefault(kennzahl.name, []).append(kennzahl)
    charts = []
    for number, (name, rows) in enumerate(by_name.items(), start=1):
        chart = line_chart(name, rows[-1].unit, [(row.year, row.value) for row in rows])
        chart.rows = rows
        chart.dom_id = f"indicator-{number}"
        charts.append(chart)
    return charts
