"""The yearly report for the funder and the steering level (DESIGN.md, Reports), built from approved content.

``build(year, quartier)`` returns the report as one plain document: dicts, lists, numbers and text, nothing
else. The portal page, the PDF and the spreadsheet are drawn from it, a finalised version stores it as it is
(``Jahresbericht.document``), and two documents are compared cell by cell (``berichte.compare``).

A document is a list of sections; a section holds tables and charts. Every table has the same shape: a header
for the row labels, columns with a key and a label, and rows with a key, a label and one cell per column. A
“counts” table has one column per quarter (and one for all of them together); a “list” table lists entries. A
chart names the table it draws, so the table is always the chart's text alternative.

Only what was approved counts: entries with an approved version, read in that version (a pending change is
not counted), and what hangs on them (attendance of approved offers, formats of approved action concepts).
Building a report takes the same number of queries however many records there are: each section asks the
database once or twice, for sums or for the rows it lists.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hameln_quartiere.models import Ressort
from hameln_quartiere.stellen import positions_of
from handlungskonzepte.models import Befund, Beteiligungsformat, Massnahme, Sachstand
from quartiere.models import Jahresziel, Kennzahl, Quartier
from treffpunkte.models import Angebot, Teilnahme, Traeger, Treffpunkt, running_in
from zusammenarbeit.models import Sitzung, Tagesordnungspunkt, Transfer, TransferSchritt

# Raised when the shape of the document changes, so that older finalised versions can still be read.
FORMAT = 1
PROGRAMME = "Hameln k.a.n.(n')s. gemeinsam"
TOTAL = "total"
# The column of the meetings of the whole programme (no quarter).
PROGRAMME_COLUMN = "programm"
# How many years of indicator values the report shows, the report's year included.
INDICATOR_YEARS = 10


@dataclass
class Scope:
    """What a report covers: a year, and the whole programme (``quartier`` None) or one quarter."""

    year: int
    quartiere: list
    quartier: Quartier | None = None

    @property
    def first(self):
        return datetime.date(self.year, 1, 1)

    @property
    def last(self):
        return datetime.date(self.year, 12, 31)

    @property
    def start_time(self):
        return timezone.make_aware(datetime.datetime(self.year, 1, 1))  # noqa: DTZ001 - made aware here

    @property
    def end_time(self):
        return timezone.make_aware(datetime.datetime(self.year + 1, 1, 1))  # noqa: DTZ001 - made aware here

    @property
    def ids(self):
        return [quartier.pk for quartier in self.quartiere]

    @property
    def with_total(self):
        return self.quartier is None

    def columns(self, *extra):
        """One column per quarter, then ``extra`` ``(key, label)`` columns, then all together (programme only)."""
        columns = [column(quartier.slug, quartier.name) for quartier in self.quartiere]
        columns += [column(key, label) for key, label in extra]
        if self.with_total:
            columns.append(column(TOTAL, _("Together")))
        return columns


def column(key, label, numeric=True):
    return {"key": key, "label": str(label), "numeric": numeric}


def text_column(key, label):
    return column(key, label, numeric=False)


def row(key, label, cells):
    return {"key": str(key), "label": str(label), "cells": cells}


def table(key, title, columns, rows, *, kind="counts", row_header="", note=""):
    return {
        "key": key,
        "title": str(title),
        "kind": kind,
        "row_header": str(row_header or _("What")),
        "columns": columns,
        "rows": rows,
        "note": str(note),
    }


def section(key, title, tables, *, intro="", charts=()):
    return {"key": key, "title": str(title), "intro": str(intro), "tables": tables, "charts": list(charts)}


def chart(kind, table_key, title):
    """A chart of the table ``table_key``: ``line`` (a line per column over the rows) or ``bars`` (a stacked
    bar per column, a part per row). Columns and rows with the key ``total`` are not drawn."""
    return {"kind": kind, "table": table_key, "title": str(title)}


def rounded(value, places=1):
    """A number as the document keeps it: an int when whole, else a float rounded to ``places``."""
    if value is None:
        return None
    value = round(float(value), places)
    return int(value) if value == int(value) else value


class Grid:
    """Numbers by row and quarter, summed as they are added."""

    def __init__(self):
        self.cells = defaultdict(Counter)

    def add(self, row_key, quartier_id, value=1):
        self.cells[row_key][quartier_id] += value

    def counts(self, scope, row_defs, *, totals=None, extra=()):
        """The rows of a counts table: a cell per quarter (and per ``extra`` column key), then the total: the
        sum of the cells unless ``totals`` gives it (a number that does not add up, like distinct operators)."""
        rows = []
        for key, label in row_defs:
            cells = [self.cells[key][quartier_id] for quartier_id in [*scope.ids, *extra]]
            if scope.with_total:
                cells.append(totals[key] if totals is not None else sum(cells))
            rows.append(row(key, label, cells))
        return rows


def choices(choice_class, keys=None):
    """``(value, label)`` of a TextChoices class, in its order, limited to ``keys`` when given."""
    return [(value, label) for value, label in choice_class.choices if keys is None or value in keys]


# Meeting points and operators


def treffpunkte_section(scope):
    treffpunkte = list(
        Treffpunkt.objects.approved()
        .filter(quartier__in=scope.ids)
        .exclude(opened_on__gt=scope.last)
        .exclude(closed_on__lt=scope.first)
        .order_by("opened_on", "name", "pk")
        .values(
            "pk",
            "name",
            "quartier_id",
            "status",
            "opened_on",
            "closed_on",
            "traeger_id",
            "traeger__name",
            "traeger__kind",
        )
    )
    counts, by_status = Grid(), Grid()
    operators = defaultdict(set)  # row key -> {(quartier, operator)}
    for treffpunkt in treffpunkte:
        quartier = treffpunkt["quartier_id"]
        by_status.add(treffpunkt["status"], quartier)
        if opened_in(treffpunkt, scope):
            counts.add("new", quartier)
        if treffpunkt["closed_on"] and treffpunkt["closed_on"] <= scope.last:
            counts.add("closed", quartier)
        if exists_at_year_end(treffpunkt, scope):
            counts.add("existing", quartier)
            if treffpunkt["traeger_id"]:
                operator = treffpunkt["traeger_id"]
                operators["all"].add((quartier, operator))
                operators[treffpunkt["traeger__kind"]].add((quartier, operator))
    operator_grid = Grid()
    for key, pairs in operators.items():
        for quartier, _operator in pairs:
            operator_grid.add(key, quartier)
    # An operator running meeting points in two quarters counts in each, and once in the total.
    operator_totals = {key: len({operator for _q, operator in operators[key]}) for key in ["all", *Traeger.Kind]}
    names = {quartier.pk: quartier.name for quartier in scope.quartiere}
    year = scope.year
    return section(
        "treffpunkte",
        _("Meeting points and operators"),
        [
            table(
                "treffpunkte",
                _("Meeting points"),
                scope.columns(),
                counts.counts(
                    scope,
                    [
                        ("new", _("Opened in %(year)s") % {"year": year}),
                        ("existing", _("Open at the end of %(year)s") % {"year": year}),
                        ("closed", _("Closed in %(year)s") % {"year": year}),
                    ],
                ),
            ),
            table(
                "treffpunkte-status",
                _("Meeting points by status"),
                scope.columns(),
                by_status.counts(scope, choices(Treffpunkt.Status)),
                note=_(
                    "The status when the report was made, of the meeting points that were open or planned in %(year)s."
                )
                % {"year": year},
            ),
            table(
                "traeger",
                _("Operators of the open meeting points"),
                scope.columns(),
                operator_grid.counts(
                    scope,
                    [("all", _("Operators")), *choices(Traeger.Kind)],
                    totals=operator_totals,
                ),
                note=_("An operator with meeting points in several quarters counts once in the total."),
            ),
            table(
                "treffpunkte-neu",
                _("Meeting points opened in %(year)s") % {"year": year},
                [
                    text_column("quartier", _("Quarter")),
                    text_column("opened_on", _("Opened on")),
                    text_column("traeger", _("Operator")),
                ],
                [
                    row(
                        treffpunkt["pk"],
                        treffpunkt["name"],
                        [
                            names[treffpunkt["quartier_id"]],
                            date_format(treffpunkt["opened_on"], "SHORT_DATE_FORMAT"),
                            treffpunkt["traeger__name"] or "",
                        ],
                    )
                    for treffpunkt in treffpunkte
                    if opened_in(treffpunkt, scope)
                ],
                kind="list",
                row_header=_("Meeting point"),
            ),
        ],
    )


def opened_in(treffpunkt, scope):
    """Opened in the year: its opening date lies in it, and it is not still being planned."""
    opened = treffpunkt["opened_on"]
    return bool(opened) and opened >= scope.first and treffpunkt["status"] != Treffpunkt.Status.PLANNED


def exists_at_year_end(treffpunkt, scope):
    """Opened (being set up, active or dormant) on the year's last day: not planned, not closed by then."""
    if treffpunkt["status"] == Treffpunkt.Status.PLANNED:
        return False
    if treffpunkt["closed_on"]:
        return treffpunkt["closed_on"] > scope.last
    return treffpunkt["status"] != Treffpunkt.Status.CLOSED


# Offers and attendance


def approved_offers(scope):
    return Angebot.objects.approved().filter(quartier__in=scope.ids).filter(running_in(scope.first, scope.last))


def angebote_section(scope):
    offers = approved_offers(scope)
    counts, categories, groups = Grid(), Grid(), Grid()
    category_names = set()
    for offer in offers.order_by().values("quartier_id", "kategorie__name", "is_mobile", "free_of_charge"):
        quartier = offer["quartier_id"]
        counts.add("all", quartier)
        counts.add("mobile", quartier, int(offer["is_mobile"]))
        counts.add("free", quartier, int(offer["free_of_charge"]))
        categories.add(offer["kategorie__name"], quartier)
        category_names.add(offer["kategorie__name"])
    group_names = set()
    for link in (
        Angebot.zielgruppen.through.objects.filter(angebot__in=offers.values("pk"))
        .order_by()
        .values("angebot__quartier_id", "zielgruppe__name")
        .annotate(offers=Count("angebot", distinct=True))
    ):
        groups.add(link["zielgruppe__name"], link["angebot__quartier_id"], link["offers"])
        group_names.add(link["zielgruppe__name"])
    return section(
        "angebote",
        _("Offers"),
        [
            table(
                "angebote",
                _("Approved offers running in %(year)s") % {"year": scope.year},
                scope.columns(),
                counts.counts(
                    scope,
                    [("all", _("Offers")), ("mobile", _("of them mobile")), ("free", _("of them free of charge"))],
                ),
                note=_("An offer counts when one of its times lies in the year."),
            ),
            table(
                "angebote-kategorie",
                _("Offers by category"),
                scope.columns(),
                categories.counts(scope, [(name, name) for name in sorted(category_names)]),
                row_header=_("Category"),
            ),
            table(
                "angebote-zielgruppe",
                _("Offers by target group"),
                scope.columns(),
                groups.counts(scope, [(name, name) for name in sorted(group_names)]),
                row_header=_("Target group"),
                note=_("An offer for several target groups counts for each of them."),
            ),
        ],
    )


def teilnahme_section(scope):
    counted = Teilnahme.objects.filter(
        angebot__approved_at__isnull=False, angebot__quartier__in=scope.ids, date__range=(scope.first, scope.last)
    ).order_by()
    months, summary, categories = Grid(), Grid(), Grid()
    for entry in counted.values("angebot__quartier_id", "date__month").annotate(
        people=Sum("participants"), records=Count("pk")
    ):
        quartier = entry["angebot__quartier_id"]
        months.add(entry["date__month"], quartier, entry["people"])
        months.add(TOTAL, quartier, entry["people"])
        summary.add("people", quartier, entry["people"])
        summary.add("records", quartier, entry["records"])
    category_names = set()
    for entry in counted.values("angebot__quartier_id", "angebot__kategorie__name").annotate(
        people=Sum("participants")
    ):
        categories.add(entry["angebot__kategorie__name"], entry["angebot__quartier_id"], entry["people"])
        category_names.add(entry["angebot__kategorie__name"])
    summary_rows = summary.counts(scope, [("people", _("Participants")), ("records", _("Counts recorded"))])
    people, records = summary_rows
    summary_rows.append(
        row(
            "average",
            _("Participants per count"),
            [rounded(p / r) if r else None for p, r in zip(people["cells"], records["cells"], strict=True)],
        )
    )
    month_rows = [(month, MONTHS[month]) for month in range(1, 13)] + [(TOTAL, _("Year"))]
    return section(
        "teilnahme",
        _("Attendance"),
        [
            table(
                "teilnahme",
                _("Attendance in %(year)s") % {"year": scope.year},
                scope.columns(),
                summary_rows,
                note=_("People are counted, never named; a count covers one date or one month of an offer."),
            ),
            table(
                "teilnahme-monat",
                _("Participants per month"),
                scope.columns(),
                months.counts(scope, month_rows),
                row_header=_("Month"),
            ),
            table(
                "teilnahme-kategorie",
                _("Participants by category of offer"),
                scope.columns(),
                categories.counts(scope, [(name, name) for name in sorted(category_names)]),
                row_header=_("Category"),
            ),
        ],
        charts=[chart("line", "teilnahme-monat", _("Participants per month and quarter"))],
    )


# Participation and findings


def beteiligung_section(scope):
    formats = (
        Beteiligungsformat.objects.filter(
            handlungskonzept__approved_at__isnull=False,
            handlungskonzept__quartier__in=scope.ids,
            date__range=(scope.first, scope.last),
        )
        .order_by("date", "title", "pk")
        .values("pk", "title", "date", "kind", "participants", "handlungskonzept__quartier_id")
    )
    formats = list(formats)
    held, people = Grid(), Grid()
    for entry in formats:
        held.add(entry["kind"], entry["handlungskonzept__quartier_id"])
        held.add(TOTAL, entry["handlungskonzept__quartier_id"])
        people.add("people", entry["handlungskonzept__quartier_id"], entry["participants"])
    findings = Grid()
    gained = Q(beteiligungsformat__date__range=(scope.first, scope.last)) | Q(
        beteiligungsformat__isnull=True, created_at__gte=scope.start_time, created_at__lt=scope.end_time
    )
    for entry in (
        Befund.objects.approved()
        .filter(gained, handlungskonzept__quartier__in=scope.ids, handlungskonzept__approved_at__isnull=False)
        .order_by()
        .values("kind", "handlungskonzept__quartier_id")
        .annotate(count=Count("pk"))
    ):
        findings.add(entry["kind"], entry["handlungskonzept__quartier_id"], entry["count"])
        findings.add(TOTAL, entry["handlungskonzept__quartier_id"], entry["count"])
    names = {quartier.pk: quartier.name for quartier in scope.quartiere}
    kinds = dict(Beteiligungsformat.Kind.choices)
    return section(
        "beteiligung",
        _("Participation and findings"),
        [
            table(
                "beteiligung",
                _("Participation formats held in %(year)s") % {"year": scope.year},
                scope.columns(),
                held.counts(scope, [*choices(Beteiligungsformat.Kind), (TOTAL, _("All formats"))])
                + people.counts(scope, [("people", _("Taking part"))]),
                row_header=_("Format"),
            ),
            table(
                "befunde",
                _("Findings gained in %(year)s") % {"year": scope.year},
                scope.columns(),
                findings.counts(scope, [*choices(Befund.Kind), (TOTAL, _("All findings"))]),
                row_header=_("Kind of finding"),
                note=_("A finding counts in the year of the format it came from, else in the year it was recorded."),
            ),
            table(
                "beteiligung-liste",
                _("The formats held"),
                [
                    text_column("quartier", _("Quarter")),
                    text_column("date", _("Date")),
                    text_column("kind", _("Kind")),
                    column("participants", _("Taking part")),
                ],
                [
                    row(
                        entry["pk"],
                        entry["title"],
                        [
                            names[entry["handlungskonzept__quartier_id"]],
                            date_format(entry["date"], "SHORT_DATE_FORMAT"),
                            str(kinds[entry["kind"]]),
                            entry["participants"],
                        ],
                    )
                    for entry in formats
                ],
                kind="list",
                row_header=_("Format"),
            ),
        ],
    )


# Measures and yearly goals


def status_at_year_end(measure, scope):
    """The status a measure had when the year ended: a measure completed or dropped after the year (by its end
    date) was still running in it. Without an end date the recorded status is all there is."""
    status = measure["status"]
    ended_later = measure["end"] is not None and measure["end"] > scope.last
    if status in (Massnahme.Status.DONE, Massnahme.Status.DROPPED) and ended_later:
        return Massnahme.Status.RUNNING
    return status


def massnahmen_section(scope):
    updates = Sachstand.objects.filter(massnahme=OuterRef("pk"))
    last_update = updates.filter(date__lte=scope.last).order_by("-date", "-created_at", "-pk")
    measures = list(
        Massnahme.objects.approved()
        .filter(
            handlungskonzept__quartier__in=scope.ids,
            handlungskonzept__approved_at__isnull=False,
            start__lte=scope.last,
        )
        .exclude(end__lt=scope.first)
        .annotate(progress_then=Subquery(last_update.values("progress")[:1]), has_updates=Exists(updates))
        .order_by("handlungskonzept__quartier__name", "title", "pk")
        .values(
            "pk",
            "title",
            "status",
            "progress",
            "progress_then",
            "has_updates",
            "end",
            "owner",
            "handlungskonzept__quartier_id",
        )
    )
    by_status = Grid()
    progress = defaultdict(list)
    for measure in measures:
        quartier = measure["handlungskonzept__quartier_id"]
        measure["status_then"] = status_at_year_end(measure, scope)
        # The progress of the last update in the year; without one, the measure's own.
        # Without any update the recorded progress is all there is; with updates only after the year, the
        # recorded progress is theirs, not the year's: unknown then.
        if measure["progress_then"] is None and not measure["has_updates"]:
            measure["progress_then"] = measure["progress"]
        by_status.add(measure["status_then"], quartier)
        by_status.add(TOTAL, quartier)
        if measure["status_then"] == Massnahme.Status.DONE and measure["end"] and measure["end"] >= scope.first:
            by_status.add("completed", quartier)
        if measure["progress_then"] is not None:
            progress[quartier].append(measure["progress_then"])
    averages = [rounded(sum(progress[q]) / len(progress[q])) if progress[q] else None for q in scope.ids]
    if scope.with_total:
        everything = [value for values in progress.values() for value in values]
        averages.append(rounded(sum(everything) / len(everything)) if everything else None)
    names = {quartier.pk: quartier.name for quartier in scope.quartiere}
    statuses = dict(Massnahme.Status.choices)
    owners = dict(Massnahme.Owner.choices)
    return section(
        "massnahmen",
        _("Measures"),
        [
            table(
                "massnahmen",
                _("Measures of %(year)s by status at the end of the year") % {"year": scope.year},
                scope.columns(),
                by_status.counts(scope, [*choices(Massnahme.Status), (TOTAL, _("All measures"))]),
                row_header=_("Status"),
                note=_(
                    "Approved measures running for at least part of the year. A measure completed or dropped later "
                    "was still running at the end of the year."
                ),
            ),
            table(
                "massnahmen-fortschritt",
                _("Progress of the measures"),
                scope.columns(),
                [
                    *by_status.counts(scope, [("completed", _("Completed in the year"))]),
                    row("progress", _("Average progress (%)"), averages),
                ],
                note=_("Progress at the end of the year: from the last progress update in the year, else as recorded."),
            ),
            table(
                "massnahmen-liste",
                _("The measures"),
                [
                    text_column("quartier", _("Quarter")),
                    text_column("owner", _("Responsible")),
                    text_column("status", _("Status at the end of the year")),
                    column("progress", _("Progress (%)")),
                ],
                [
                    row(
                        measure["pk"],
                        measure["title"],
                        [
                            names[measure["handlungskonzept__quartier_id"]],
                            str(owners[measure["owner"]]),
                            str(statuses[measure["status_then"]]),
                            measure["progress_then"],
                        ],
                    )
                    for measure in measures
                ],
                kind="list",
                row_header=_("Measure"),
            ),
        ],
        charts=[chart("bars", "massnahmen", _("Measures by status and quarter"))],
    )


def jahresziele_section(scope):
    goals = list(
        Jahresziel.objects.approved()
        .filter(quartier__in=scope.ids, year=scope.year)
        .order_by("quartier__name", "title", "pk")
        .values("pk", "title", "quartier_id", "assessment", "assessment_statement")
    )
    counts = Grid()
    for goal in goals:
        counts.add("all", goal["quartier_id"])
        counts.add(goal["assessment"], goal["quartier_id"])
    names = {quartier.pk: quartier.name for quartier in scope.quartiere}
    assessments = dict(Jahresziel.Assessment.choices)
    return section(
        "jahresziele",
        _("Yearly goals"),
        [
            table(
                "jahresziele",
                _("Yearly goals of %(year)s and their assessment") % {"year": scope.year},
                scope.columns(),
                counts.counts(scope, [("all", _("Yearly goals")), *choices(Jahresziel.Assessment)]),
            ),
            table(
                "jahresziele-liste",
                _("The yearly goals"),
                [
                    text_column("quartier", _("Quarter")),
                    text_column("assessment", _("Assessment")),
                    text_column("statement", _("Statement")),
                ],
                [
                    row(
                        goal["pk"],
                        goal["title"],
                        [
                            names[goal["quartier_id"]],
                            str(assessments[goal["assessment"]]),
                            goal["assessment_statement"],
                        ],
                    )
                    for goal in goals
                ],
                kind="list",
                row_header=_("Yearly goal"),
            ),
        ],
    )


# Transfers and meetings


def transfers_section(scope):
    steps = TransferSchritt.objects.filter(transfer=OuterRef("pk"))
    in_year = steps.filter(at__gte=scope.start_time, at__lt=scope.end_time)
    status_then = steps.filter(at__lt=scope.end_time).order_by("-at", "-pk").values("status")[:1]
    transfers = list(
        Transfer.objects.filter(praxisbeispiel__approved_at__isnull=False)
        .filter(Q(quartier__in=scope.ids) | Q(praxisbeispiel__quartier__in=scope.ids))
        .filter(Exists(in_year))
        .annotate(status_then=Subquery(status_then))
        .order_by("praxisbeispiel__title", "quartier__name", "pk")
        .values(
            "pk",
            "praxisbeispiel__title",
            "praxisbeispiel__quartier__name",
            "praxisbeispiel__quartier_id",
            "quartier__name",
            "quartier_id",
            "status_then",
            "learnt",
        )
    )
    counts = Grid()
    for transfer in transfers:
        counts.add(transfer["status_then"], transfer["quartier_id"])
        counts.add("into", transfer["quartier_id"])
        counts.add("from", transfer["praxisbeispiel__quartier_id"])
    statuses = dict(Transfer.Status.choices)
    return section(
        "transfers",
        _("Transfers between the quarters"),
        [
            table(
                "transfers",
                _("Transfers worked on in %(year)s") % {"year": scope.year},
                scope.columns(),
                counts.counts(
                    scope,
                    [
                        ("into", _("Into the quarter")),
                        ("from", _("From the quarter into others")),
                        *[
                            (value, _("into the quarter: %(status)s") % {"status": label})
                            for value, label in choices(Transfer.Status)
                        ],
                    ],
                ),
                note=_("Status at the end of the year. The total counts each transfer once."),
            ),
            table(
                "transfers-liste",
                _("The transfers"),
                [
                    text_column("from", _("From")),
                    text_column("into", _("Into")),
                    text_column("status", _("Status at the end of the year")),
                    text_column("learnt", _("What was learnt")),
                ],
                [
                    row(
                        transfer["pk"],
                        transfer["praxisbeispiel__title"],
                        [
                            transfer["praxisbeispiel__quartier__name"],
                            transfer["quartier__name"],
                            str(statuses.get(transfer["status_then"], "")),
                            transfer["learnt"],
                        ],
                    )
                    for transfer in transfers
                ],
                kind="list",
                row_header=_("Practice"),
            ),
        ],
    )


def sitzungen_section(scope):
    meetings = Sitzung.objects.approved().filter(date__range=(scope.first, scope.last))
    meetings = (
        meetings.filter(Q(quartier__in=scope.ids) | Q(quartier__isnull=True))
        if scope.with_total
        else (meetings.filter(quartier__in=scope.ids))
    )
    held, decided = Grid(), Grid()
    for entry in meetings.order_by().values("kind", "quartier_id").annotate(count=Count("pk")):
        held.add(entry["kind"], entry["quartier_id"], entry["count"])
        held.add(TOTAL, entry["quartier_id"], entry["count"])
    decisions = list(
        Tagesordnungspunkt.objects.filter(sitzung__in=meetings, status=Tagesordnungspunkt.Status.DECIDED)
        .order_by("sitzung__date", "sitzung__pk", "position", "pk")
        .values("pk", "title", "decision", "sitzung__date", "sitzung__kind", "sitzung__title", "sitzung__quartier_id")
    )
    for decision in decisions:
        decided.add(decision["sitzung__kind"], decision["sitzung__quartier_id"])
        decided.add(TOTAL, decision["sitzung__quartier_id"])
    extra = [(PROGRAMME_COLUMN, _("Whole programme"))] if scope.with_total else []
    extra_ids = [None] if scope.with_total else []
    kinds = dict(Sitzung.Kind.choices)
    names = {quartier.pk: quartier.name for quartier in scope.quartiere}
    kind_rows = [*choices(Sitzung.Kind), (TOTAL, _("All meetings"))]
    return section(
        "sitzungen",
        _("Meetings and decisions"),
        [
            table(
                "sitzungen",
                _("Meetings held in %(year)s") % {"year": scope.year},
                scope.columns(*extra),
                held.counts(scope, kind_rows, extra=extra_ids),
                row_header=_("Kind of meeting"),
                note=_("Meetings whose minutes were approved."),
            ),
            table(
                "beschluesse",
                _("Decisions taken in %(year)s") % {"year": scope.year},
                scope.columns(*extra),
                decided.counts(scope, kind_rows, extra=extra_ids),
                row_header=_("Kind of meeting"),
            ),
            table(
                "beschluesse-liste",
                _("The decisions"),
                [
                    text_column("date", _("Date")),
                    text_column("meeting", _("Meeting")),
                    text_column("quartier", _("Quarter")),
                    text_column("decision", _("Decision")),
                ],
                [
                    row(
                        decision["pk"],
                        decision["title"],
                        [
                            date_format(decision["sitzung__date"], "SHORT_DATE_FORMAT"),
                            decision["sitzung__title"] or str(kinds[decision["sitzung__kind"]]),
                            names.get(decision["sitzung__quartier_id"], str(_("Whole programme"))),
                            decision["decision"],
                        ],
                    )
                    for decision in decisions
                ],
                kind="list",
                row_header=_("Agenda item"),
            ),
        ],
    )


# Staff and funding


def stellen_section(scope):
    _ressorts, fundings, total = positions_of(scope.year)
    stellen = total.stellen
    if not scope.with_total:
        stellen = [s for s in stellen if any(q.pk == scope.quartier.pk for q in s.quartiere.all())]
    funding_columns = [column(f"foerderung-{group.funding.pk}", group.funding.name) for group in fundings]
    rows = []
    for value, label in Ressort.choices:
        cells = [
            rounded(sum((s.fte for s in stellen if s.ressort == value and s.funding_id == g.funding.pk), Decimal(0)), 2)
            for g in fundings
        ]
        rows.append(row(value, label, [*cells, rounded(sum(cells), 2)]))
    rows.append(
        row(TOTAL, _("Together"), [rounded(sum(r["cells"][i] for r in rows), 2) for i in range(len(fundings) + 1)])
    )
    ressort_labels = dict(Ressort.choices)
    return section(
        "stellen",
        _("Staff positions and funding"),
        [
            table(
                "stellen",
                _("Full-time equivalents by department and funding source"),
                [*funding_columns, column(TOTAL, _("Together"))],
                rows,
                row_header=_("Department"),
                note=(
                    _("A position running for part of the year counts with its full share.")
                    if scope.with_total
                    else _("The positions covering this quarter, each with its full share.")
                ),
            ),
            table(
                "stellen-liste",
                _("The positions"),
                [
                    text_column("ressort", _("Department")),
                    text_column("funding", _("Funding source")),
                    column("fte", _("FTE")),
                    text_column("period", _("Period")),
                    text_column("quartiere", _("Quarters covered")),
                ],
                [
                    row(
                        stelle.pk,
                        stelle.title,
                        [
                            str(ressort_labels[stelle.ressort]),
                            stelle.funding.name,
                            rounded(stelle.fte, 2),
                            period(stelle.start, stelle.end),
                            ", ".join(q.name for q in stelle.quartiere.all()),
                        ],
                    )
                    for stelle in stellen
                ],
                kind="list",
                row_header=_("Position"),
            ),
        ],
    )


def period(start, end):
    start = date_format(start, "SHORT_DATE_FORMAT")
    if end is None:
        return _("since %(start)s") % {"start": start}
    return f"{start} – {date_format(end, 'SHORT_DATE_FORMAT')}"


# Indicators


def kennzahlen_section(scope):
    values = defaultdict(dict)  # name -> {(year, quartier): value}
    units = {}
    for kennzahl in (
        Kennzahl.objects.filter(quartier__in=scope.ids, year__range=(scope.year - INDICATOR_YEARS + 1, scope.year))
        .order_by("name", "year")
        .values("name", "unit", "year", "quartier_id", "value")
    ):
        values[kennzahl["name"]][kennzahl["year"], kennzahl["quartier_id"]] = rounded(kennzahl["value"], 2)
        units[kennzahl["name"]] = kennzahl["unit"]
    tables, charts = [], []
    used = set()  # table keys follow the indicator's name, so versions compare the same indicator
    for number, (name, cells) in enumerate(values.items(), start=1):
        quartiere = [q for q in scope.quartiere if any(key[1] == q.pk for key in cells)]
        years = sorted({year for year, _quartier in cells})
        key = f"kennzahl-{slugify(name)}-{number}" if slugify(name) in used else f"kennzahl-{slugify(name)}"
        used.add(slugify(name))
        title = f"{name} ({units[name]})" if units[name] else name
        tables.append(
            table(
                key,
                title,
                [column(q.slug, q.name) for q in quartiere],
                [row(year, year, [cells.get((year, q.pk)) for q in quartiere]) for year in years],
                row_header=_("Year"),
            )
        )
        charts.append(chart("line", key, title))
    return section(
        "kennzahlen",
        _("Indicators over the years"),
        tables,
        intro=_("The indicator values of the quarters from %(first)s to %(last)s.")
        % {"first": scope.year - INDICATOR_YEARS + 1, "last": scope.year},
        charts=charts,
    )


# The report


OVERVIEW = [
    # (section, table, row, label)
    ("treffpunkte", "treffpunkte", "existing", _("Meeting points open at the end of the year")),
    ("treffpunkte", "treffpunkte", "new", _("Meeting points opened")),
    ("treffpunkte", "traeger", "all", _("Operators")),
    ("angebote", "angebote", "all", _("Approved offers running")),
    ("teilnahme", "teilnahme", "people", _("Participants")),
    ("beteiligung", "beteiligung", TOTAL, _("Participation formats held")),
    ("beteiligung", "befunde", TOTAL, _("Findings gained")),
    ("massnahmen", "massnahmen", Massnahme.Status.RUNNING, _("Measures running")),
    ("massnahmen", "massnahmen-fortschritt", "completed", _("Measures completed")),
    ("jahresziele", "jahresziele", "all", _("Yearly goals")),
    ("jahresziele", "jahresziele", Jahresziel.Assessment.REACHED, _("Yearly goals reached")),
    ("transfers", "transfers", "into", _("Transfers into the quarter")),
    ("sitzungen", "sitzungen", TOTAL, _("Meetings held")),
    ("sitzungen", "beschluesse", TOTAL, _("Decisions taken")),
]


def overview_section(scope, sections):
    """The key figures of the year, one row each, taken from the sections' tables."""
    by_key = {(s["key"], t["key"]): t for s in sections for t in s["tables"]}
    rows = []
    for section_key, table_key, row_key, label in OVERVIEW:
        source = by_key[section_key, table_key]
        keys = [c["key"] for c in source["columns"]]
        cells = next(r["cells"] for r in source["rows"] if r["key"] == row_key)
        # The meetings table has a column for the whole programme; the key figures have one per quarter.
        rows.append(row(f"{table_key}.{row_key}", label, [cells[keys.index(c["key"])] for c in scope.columns()]))
    return section(
        "ueberblick",
        _("The year at a glance"),
        [table("ueberblick", _("Key figures of %(year)s") % {"year": scope.year}, scope.columns(), rows)],
    )


SECTIONS = (
    treffpunkte_section,
    angebote_section,
    teilnahme_section,
    beteiligung_section,
    massnahmen_section,
    jahresziele_section,
    transfers_section,
    sitzungen_section,
    stellen_section,
    kennzahlen_section,
)


def scope_of(year, quartier=None):
    quartiere = [quartier] if quartier is not None else list(Quartier.objects.order_by("name").only("name", "slug"))
    return Scope(year=year, quartiere=quartiere, quartier=quartier)


def build(year, quartier=None):
    """The yearly report of ``year`` for ``quartier``, or for the whole programme when it is ``None``."""
    scope = scope_of(year, quartier)
    sections = [make(scope) for make in SECTIONS]
    scope_name = quartier.name if quartier is not None else _("All quarters")
    return {
        "format": FORMAT,
        "language": get_language(),
        "year": year,
        "scope": {"slug": quartier.slug, "name": quartier.name} if quartier is not None else None,
        "title": _("Yearly report %(year)s") % {"year": year},
        "programme": PROGRAMME,
        "scope_name": str(scope_name),
        "made_at": timezone.now().isoformat(),
        "sections": [overview_section(scope, sections), *sections],
    }
