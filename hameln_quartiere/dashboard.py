"""The blocks of the portal's start page: my review queue, my tasks, my submissions, stale entries, and the
numbers of my quarters.

Each block reads the same number of queries however many entries there are: the lists merge every content
model in one ``UNION`` (``values()`` rows, not model instances, so no query per row or per model), and the
numbers are one conditional aggregation per block, grouped by quarter.
"""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from hameln_quartiere.cache import remember
from hameln_quartiere.models import REVIEWER_ROLES, ReviewState
from hameln_quartiere.rules import may
from handlungskonzepte.models import Massnahme
from quartiere.models import Quartier
from treffpunkte.models import Angebot, Teilnahme, Treffpunkt
from zusammenarbeit.models import Aufgabe, Sitzung

# The short lists show this many entries; the count says how many there are in all.
SHORT_LIST = 5

ROW_FIELDS = (
    "pk",
    "review_state",
    "approved_at",
    "submitted_at",
    "updated_at",
    "row_kind",
    "row_title",
    "row_quartier",
)


@dataclass(frozen=True)
class EntryRow:
    """One entry in a start-page list: enough to name it, show its state and link to it."""

    model: type
    pk: int
    title: str
    quartier: str
    review_state: str
    approved_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    updated_at: datetime.datetime

    @property
    def type_name(self):
        return self.model._meta.verbose_name

    def get_review_state_display(self):
        return ReviewState(self.review_state).label

    def _url(self, page):
        opts = self.model._meta
        return reverse(f"{opts.app_label}:{opts.model_name}-{page}", args=[self.pk])

    def get_absolute_url(self):
        return self._url("detail")

    @property
    def review_url(self):
        return self._url("review")

    @property
    def update_url(self):
        return self._url("update")


def _title_field(model):
    # Every content model is named by its ``title`` or (meeting points) its ``name``.
    return "name" if any(field.name == "name" for field in model._meta.concrete_fields) else "title"


def _title_expression(model):
    """What names an entry in a list: its title or name; a meeting without a title by its kind, as ``str()`` does."""
    if model is Sitzung:
        kinds = [When(kind=value, then=Value(str(label))) for value, label in Sitzung.Kind.choices]
        return Case(When(~Q(title=""), then=F("title")), *kinds, default=F("kind"), output_field=CharField())
    return F(_title_field(model))


class ShortList(NamedTuple):
    """A start-page list: how many entries there are (None when not counted), and the first few."""

    count: int | None
    rows: list


def short_list(querysets, *, order_by, limit=SHORT_LIST, with_count=True):
    """A ``ShortList``: how many entries the querysets hold together, and the first ``limit`` by ``order_by``.

    Two queries at most (the count, the rows), whatever the number of models or entries. ``count`` is None
    when ``with_count`` is off.
    """
    querysets = [queryset.order_by() for queryset in querysets]
    if not querysets:
        return ShortList(0 if with_count else None, [])
    count = None
    if with_count:
        pks = [queryset.values("pk") for queryset in querysets]
        count = pks[0].union(*pks[1:], all=True).count()
        if not count:
            return ShortList(0, [])
    parts = [
        queryset.annotate(
            row_kind=Value(queryset.model._meta.label_lower),
            row_title=_title_expression(queryset.model),
            row_quartier=F(f"{queryset.model.quartier_lookup}__name"),
        ).values(*ROW_FIELDS)
        for queryset in querysets
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        # The first ``limit`` of each kind are enough for the first ``limit`` of all: the database sorts a few
        # rows per kind instead of every entry of the programme (PostgreSQL; SQLite cannot).
        parts = [part.order_by(*order_by)[:limit] for part in parts]
    rows = parts[0].union(*parts[1:], all=True).order_by(*order_by)[:limit]
    return ShortList(
        count,
        [
            EntryRow(
                model=apps.get_model(row["row_kind"]),
                pk=row["pk"],
                title=row["row_title"],
                # No quarter: something of the whole programme (a meeting of the steering round).
                quartier=row["row_quartier"] or _("All quarters"),
                review_state=row["review_state"],
                approved_at=row["approved_at"],
                submitted_at=row["submitted_at"],
                updated_at=row["updated_at"],
            )
            for row in rows
        ],
    )


def review_queue(user, models):
    """What awaits the person's decision, oldest submission first."""
    return short_list(
        [model.objects.awaiting_review_by(user) for model in models], order_by=("submitted_at", "updated_at")
    )


def my_tasks(user, models):
    """The person's drafts and the entries returned to them for revision, the longest waiting first."""
    querysets = []
    for model in models:
        mine = (
            Q(created_by=user) | Q(submitted_by=user) | Q(pk__in=model.objects.filter(contributors=user).values("pk"))
        )
        querysets.append(
            model.objects.visible_to(user)
            .filter(review_state__in=[ReviewState.DRAFT, ReviewState.RETURNED])
            .filter(mine)
        )
    return short_list(querysets, order_by=("updated_at",))


@dataclass(frozen=True)
class OpenTasks:
    """The person's open tasks from meetings: how many, how many overdue, and the first few by due date."""

    count: int
    overdue: int
    rows: list


def open_tasks(user, *, limit=10, today=None):
    """The open tasks assigned to the person, the earliest due (so the overdue ones) first; each with
    ``is_overdue`` and, where the person may see it, its ``sitzung``. Two queries; one when there is none."""
    today = today or timezone.localdate()
    mine = Aufgabe.objects.filter(assignee=user, status=Aufgabe.Status.OPEN)
    counts = mine.aggregate(count=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today)))
    rows = []
    if counts["count"]:
        rows = list(mine.select_related("tagesordnungspunkt__sitzung").order_by("due", "pk")[:limit])
    for aufgabe in rows:
        punkt = aufgabe.tagesordnungspunkt
        aufgabe.sitzung = punkt.sitzung if punkt is not None and may(user, "view", punkt.sitzung) else None
    return OpenTasks(count=counts["count"], overdue=counts["overdue"], rows=rows)


def my_submissions(user, models):
    """The entries the person submitted last, with their state, newest first (no count: a link shows all)."""
    _count, rows = short_list(
        [model.objects.visible_to(user).filter(submitted_by=user) for model in models],
        order_by=("-submitted_at",),
        with_count=False,
    )
    return rows


def stale_cutoff():
    return timezone.now() - datetime.timedelta(days=settings.STALE_AFTER_DAYS)


def stale_entries(user, models, *, limit=10):
    """Entries of ``models`` in the person's quarters not updated for ``STALE_AFTER_DAYS``, oldest first.

    Entries under review wait for the reviewer, not for an update, and finished ones (a closed meeting point, a
    completed measure, an assessed yearly goal) need none, so they are left out.
    """
    cutoff = stale_cutoff()
    return short_list(
        [
            model.objects.visible_to(user)
            .filter(updated_at__lt=cutoff)
            .exclude(review_state=ReviewState.SUBMITTED)
            .exclude(model.finished())
            for model in models
        ],
        order_by=("updated_at",),
        limit=limit,
    )


def month_start(day):
    return day.replace(day=1)


def previous_month_start(first):
    return month_start(first - datetime.timedelta(days=1))


def next_month_start(first):
    return month_start(first + datetime.timedelta(days=32))


def attendance_trend(this_month, last_month):
    """The change from last month to this one, in words (the page never says it by colour alone)."""
    if this_month == last_month:
        return _("the same as last month") if this_month else _("no attendance recorded")
    difference = {"count": abs(this_month - last_month)}
    if this_month > last_month:
        return _("%(count)d more than last month") % difference
    return _("%(count)d fewer than last month") % difference


def _by_quarter(queryset, lookup, **aggregates):
    """``{quarter id: {name: value}}`` in one grouped query."""
    rows = queryset.order_by().values(lookup).annotate(**aggregates)
    return {row[lookup]: row for row in rows}


def _status_counts(queryset, lookup, statuses):
    """Per quarter, the number of entries in each status, in the order of ``statuses``, and their total."""
    aggregates = {f"status_{value}": Count("pk", filter=Q(status=value)) for value in statuses}
    counts = _by_quarter(queryset, lookup, total=Count("pk"), **aggregates)
    return {
        quartier_id: {"by_status": [row[f"status_{value}"] for value in statuses], "total": row["total"]}
        for quartier_id, row in counts.items()
    }


def _sum_rows(rows):
    """A total row: lists are added element by element, numbers simply."""
    first = rows[0]
    return {
        key: [sum(values) for values in zip(*(row[key] for row in rows), strict=True)]
        if isinstance(first[key], list)
        else sum(row[key] for row in rows)
        for key in first
    }


def _with_trend(row, name, quartier):
    """A row of the numbers table; ``quartier`` is None for the total row."""
    this_month, last_month = row["this_month"], row["last_month"]
    return {
        **row,
        "name": name,
        "quartier": quartier,
        "trend": attendance_trend(this_month, last_month),
        # -1, 0 or 1: picks the arrow shown next to the words.
        "direction": (this_month > last_month) - (this_month < last_month),
    }


def quarter_numbers(user, quartiere, *, today=None):
    """The numbers of the person's quarters: meeting points by status, approved offers, attendance this month
    and last, measures by status. One row per quarter, and a total row (``quartier`` None) for more than one;
    four queries."""
    today = today or timezone.localdate()
    this_start = month_start(today)
    last_start = previous_month_start(this_start)
    next_start = next_month_start(this_start)
    treffpunkt_statuses = Treffpunkt.Status.values
    massnahme_statuses = Massnahme.Status.values

    treffpunkte = _status_counts(Treffpunkt.objects.visible_to(user), Treffpunkt.quartier_lookup, treffpunkt_statuses)
    angebote = _by_quarter(Angebot.objects.visible_to(user).approved(), Angebot.quartier_lookup, active=Count("pk"))
    attendance = _by_quarter(
        # Attendance is counted for every offer the person may see, approved or not: it is recorded directly.
        Teilnahme.objects.filter(
            angebot__in=Angebot.objects.visible_to(user).values("pk"), date__gte=last_start, date__lt=next_start
        ),
        f"angebot__{Angebot.quartier_lookup}",
        this_month=Sum("participants", filter=Q(date__gte=this_start)),
        last_month=Sum("participants", filter=Q(date__lt=this_start)),
    )
    massnahmen = _status_counts(Massnahme.objects.visible_to(user), Massnahme.quartier_lookup, massnahme_statuses)

    no_status = {"by_status": [0] * len(treffpunkt_statuses), "total": 0}
    no_measure = {"by_status": [0] * len(massnahme_statuses), "total": 0}
    rows = []
    for quartier in quartiere:
        counted = attendance.get(quartier.pk, {})
        rows.append(
            {
                "treffpunkte": treffpunkte.get(quartier.pk, no_status)["by_status"],
                "treffpunkte_total": treffpunkte.get(quartier.pk, no_status)["total"],
                "angebote_active": angebote.get(quartier.pk, {}).get("active", 0),
                "this_month": counted.get("this_month") or 0,
                "last_month": counted.get("last_month") or 0,
                "massnahmen": massnahmen.get(quartier.pk, no_measure)["by_status"],
                "massnahmen_total": massnahmen.get(quartier.pk, no_measure)["total"],
            }
        )
    table = [_with_trend(row, quartier.name, quartier) for quartier, row in zip(quartiere, rows, strict=True)]
    if len(rows) > 1:
        table.append(_with_trend(_sum_rows(rows), _("All my quarters"), None))
    return {
        "rows": table,
        "this_month": this_start,
        "last_month": last_start,
        "treffpunkt_statuses": Treffpunkt.Status.labels,
        "massnahme_statuses": Massnahme.Status.labels,
    }


class StartBlocks:
    """The blocks of one person's start page, each computed when the page first reads it. The page remembers
    its HTML until any data changes (``{% remembered %}``), so a page served from there reads none of them; the
    open tasks, whose rows carry a form, are remembered as data (``hameln_quartiere.cache``)."""

    def __init__(self, user, models):
        self.user = user
        self.models = models
        self.is_reviewer = user.role in REVIEWER_ROLES

    @cached_property
    def editable(self):
        return [model for model in self.models if may(self.user, "change", model)]

    @property
    def read_only(self):
        """Family support and leadership read and comment: no calls to edit on their page."""
        return not self.editable

    @cached_property
    def quartiere(self):
        if self.user.covers_all_quarters:
            return list(Quartier.objects.only("name", "slug"))
        # Prefetched onto the person, so the review scope (``User.quartier_ids``) reuses this query.
        prefetch_related_objects([self.user], "quartiere")
        return list(self.user.quartiere.all())

    @cached_property
    def numbers(self):
        return quarter_numbers(self.user, self.quartiere)

    @cached_property
    def open_tasks(self):
        return remember(self.user, "open-tasks", lambda: open_tasks(self.user))

    @cached_property
    def queue(self):
        return review_queue(self.user, self.models) if self.is_reviewer else ShortList(0, [])

    @cached_property
    def tasks(self):
        return my_tasks(self.user, self.editable) if self.editable else ShortList(0, [])

    @cached_property
    def submissions(self):
        return my_submissions(self.user, self.models) if self.editable else []

    @cached_property
    def stale(self):
        # Editors see what they may update; readers see what is stale in their quarters, for information.
        return stale_entries(self.user, self.editable or self.models)
