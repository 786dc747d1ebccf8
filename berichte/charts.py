"""The report's charts as inline SVG, drawn on the server from a table of the report document.

They are in the page, the PDF and the print without a chart library or anything to load. Each draws one table
of its section, and that table stands next to it as its text alternative. The lines differ in colour and in the
shape of their marks, the parts of a bar in colour and by their numbers written into them, so no one depends on
telling colours apart. Coordinates are ready strings with a decimal point (see ``quartiere.charts``).
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from quartiere.charts import format_value, nice_step

from .report import TOTAL

WIDTH = 680
HEIGHT = 300
LEFT = 64
RIGHT = 16
TOP = 20
BOTTOM = 44
LEGEND_ROW = 22

# Okabe and Ito's colours, told apart also with the common colour vision deficiencies, where they keep a 3:1
# contrast with white (WCAG 1.4.11); their light orange, sky blue and yellow are replaced by darker tones.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#9A6A00", "#7F3C8D", "#000000", "#8C564B")
MARKERS = ("circle", "square", "triangle", "diamond")


def number_label(value):
    """A number of the document as people read it (German grouping and comma)."""
    return format_value(Decimal(str(value)))


def _coord(number):
    return f"{number:.1f}"


def _path(*points):
    """A closed SVG path through ``points``."""
    return "M" + "L".join(f"{_coord(x)},{_coord(y)}" for x, y in points) + "Z"


def marker_path(marker, x, y, size=5.0):
    """The SVG path of a mark centred on ``x``, ``y``: a circle, square, triangle or diamond."""
    if marker == "square":
        return _path((x - size, y - size), (x + size, y - size), (x + size, y + size), (x - size, y + size))
    if marker == "triangle":
        return _path((x, y - size * 1.2), (x + size * 1.2, y + size), (x - size * 1.2, y + size))
    if marker == "diamond":
        d = size * 1.3
        return _path((x, y - d), (x + d, y), (x, y + d), (x - d, y))
    # A circle: two half arcs.
    return f"M{_coord(x - size)},{_coord(y)}a{size},{size} 0 1,0 {2 * size},0a{size},{size} 0 1,0 {-2 * size},0Z"


def text_colour(background):
    """Black or white, whichever reads better on ``background`` (#rrggbb), by its relative luminance."""
    red, green, blue = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(channel):
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


@dataclass
class Series:
    label: str
    colour: str
    marker: str = "circle"
    points: list = field(default_factory=list)  # (x, y, text, marker path)
    polyline: str = ""


@dataclass
class Bar:
    label: str
    x: str
    label_x: str
    parts: list = field(default_factory=list)  # (y, height, colour, text or "", text y, text colour)


@dataclass
class Chart:
    kind: str
    title: str
    dom_id: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM
    y_ticks: list = field(default_factory=list)  # (y, label)
    x_labels: list = field(default_factory=list)  # (x, label)
    series: list = field(default_factory=list)
    bars: list = field(default_factory=list)
    bar_width: str = "0"
    legend: list = field(default_factory=list)  # (mark path, text x, text y, colour, label)
    legend_top: int = 0

    @property
    def x_label_y(self):
        return self.baseline + 20

    @property
    def is_empty(self):
        return not self.series and not self.bars


def _axis(chart, high):
    """The value axis from zero to a round number at or above ``high``; returns the function placing a value."""
    step = nice_step(high) if high > 0 else 1
    top_value = max(math.ceil(high / step) * step, step)
    plot_height = chart.baseline - chart.top
    tick = 0.0
    while tick <= top_value + step / 2:
        y = chart.baseline - tick / top_value * plot_height
        chart.y_ticks.append((_coord(y), number_label(round(tick, 6))))
        tick += step
    return lambda value: chart.baseline - value / top_value * plot_height


def _legend(chart, entries):
    """Legend entries under the plot, as many to a row as fit."""
    per_row = 4
    chart.legend_top = chart.height + 8
    for index, (colour, marker, label) in enumerate(entries):
        x = chart.left + (index % per_row) * ((chart.right_edge - chart.left) / per_row)
        y = chart.legend_top + (index // per_row) * LEGEND_ROW + 8
        # (mark, text x, text y, colour, label): the mark is drawn as on the chart, the text beside it.
        chart.legend.append((marker_path(marker, x + 6, y), _coord(x + 18), _coord(y), colour, label))
    rows = math.ceil(len(entries) / per_row)
    chart.height += 8 + rows * LEGEND_ROW


def short_label(label, count):
    """A label under the x axis: months shortened to three letters when there are many; years kept whole."""
    return label[:3] if count > 6 and not label.isdigit() else label


def _drawn(items):
    return [(index, item) for index, item in enumerate(items) if item["key"] != TOTAL]


def line_chart(spec, table, dom_id):
    """A line per column of ``table`` over its rows (the months, the years)."""
    chart = Chart(kind="line", title=spec["title"], dom_id=dom_id)
    rows = _drawn(table["rows"])
    columns = [(i, c) for i, c in _drawn(table["columns"]) if c.get("numeric", True)]
    values = [r["cells"][i] for _r, r in rows for i, _c in columns if isinstance(r["cells"][i], int | float)]
    if not rows or not values:
        return chart
    y_of = _axis(chart, max(max(values), 0))
    plot_width = chart.right_edge - chart.left
    step = plot_width / len(rows)

    def x_of(position):
        return chart.left + step * (position + 0.5)

    chart.x_labels = [
        (_coord(x_of(position)), short_label(r["label"], len(rows))) for position, (_i, r) in enumerate(rows)
    ]
    for number, (index, col) in enumerate(columns):
        series = Series(
            label=col["label"], colour=COLOURS[number % len(COLOURS)], marker=MARKERS[number % len(MARKERS)]
        )
        for position, (_i, r) in enumerate(rows):
            value = r["cells"][index]
            if isinstance(value, int | float):
                x, y = x_of(position), y_of(value)
                series.points.append((_coord(x), _coord(y), number_label(value), marker_path(series.marker, x, y)))
        series.polyline = " ".join(f"{x},{y}" for x, y, _text, _path in series.points)
        chart.series.append(series)
    _legend(chart, [(s.colour, s.marker, s.label) for s in chart.series])
    return chart


def bar_chart(spec, table, dom_id):
    """A stacked bar per column of ``table`` (the quarters), a part per row (the statuses)."""
    chart = Chart(kind="bars", title=spec["title"], dom_id=dom_id)
    rows = _drawn(table["rows"])
    columns = _drawn(table["columns"])
    totals = [sum(r["cells"][i] or 0 for _r, r in rows) for i, _c in columns]
    if not columns or not any(totals):
        return chart
    y_of = _axis(chart, max(totals))
    slot = (chart.right_edge - chart.left) / len(columns)
    width = min(slot * 0.6, 90)
    chart.bar_width = _coord(width)
    used = set()
    for (index, col), _total in zip(columns, totals, strict=True):
        x = chart.left + slot * (len(chart.bars) + 0.5)
        bar = Bar(label=col["label"], x=_coord(x - width / 2), label_x=_coord(x))
        bottom = 0
        for number, (_i, r) in enumerate(rows):
            value = r["cells"][index] or 0
            if not value:
                continue
            used.add(number)
            y_top, y_bottom = y_of(bottom + value), y_of(bottom)
            height = y_bottom - y_top
            text = number_label(value) if height >= 14 else ""
            colour = COLOURS[number % len(COLOURS)]
            bar.parts.append(
                (_coord(y_top), _coord(height), colour, text, _coord(y_top + height / 2), text_colour(colour))
            )
            bottom += value
        chart.bars.append(bar)
        chart.x_labels.append((bar.label_x, col["label"]))
    _legend(
        chart,
        [
            (COLOURS[number % len(COLOURS)], "square", r["label"])
            for number, (_i, r) in enumerate(rows)
            if number in used
        ],
    )
    return chart


DRAW = {"line": line_chart, "bars": bar_chart}


def charts_of(section, prefix=""):
    """The charts of a report section, each next to the table it draws: ``{table key: [Chart, …]}``."""
    tables = {t["key"]: t for t in section["tables"]}
    drawn = {}
    for number, spec in enumerate(section.get("charts", []), start=1):
        source = tables.get(spec["table"])
        if source is None:
            continue
        chart = DRAW[spec["kind"]](spec, source, f"{prefix}chart-{section['key']}-{number}")
        if not chart.is_empty:
            drawn.setdefault(spec["table"], []).append(chart)
    return drawn
