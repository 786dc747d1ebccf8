"""Portal pages of the meeting points app beyond the pages every content entry shares (``entry_urls``)."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Prefetch, Q, Sum, prefetch_related_objects
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from hameln_quartiere.cache import remember
from hameln_quartiere.rules import may
from hameln_quartiere.views import EntryListView, PortalMixin
from handlungskonzepte.models import Massnahme
from treffpunkte.filters import TraegerFilter
from treffpunkte.forms import AttendanceFormSet
from treffpunkte.models import Angebot, Cancellation, Schedule, Teilnahme, Traeger, Treffpunkt
from treffpunkte.services import AttendanceConflict, AttendanceError, record_attendance
from zusammenarbeit.praxis import transfer_links

# --- The detail pages of meeting points and offers: what they show beyond their own fields ----------------

# How far ahead the offer page looks for its next dates.
LOOKAHEAD = datetime.timedelta(days=92)
NEXT_DATES = 6
LAST_COUNTS = 8


def treffpunkt_related(treffpunkt, user):
    """The meeting point's offers (with their schedules) and the measures at it that the person may see."""
    angebote = list(
        Angebot.objects.visible_to(user)
        .filter(treffpunkt=treffpunkt)
        .select_related("kategorie")
        .prefetch_related("schedules")
        .order_by("title", "pk")
    )
    for angebot in angebote:
        angebot.can_change = may(user, "change", angebot)
    massnahmen = list(
        treffpunkt.massnahmen.visible_to(user).select_related("handlungskonzept").order_by("start", "title", "pk")
    )
    return {
        "angebote": angebote,
        "massnahmen": massnahmen,
        "can_add_angebot": may(user, "add", Angebot),
        "can_record": may(user, "record_attendance", Angebot),
    }


def angebot_related(angebot, user):
    """The offer's schedule, next dates, cancellations, attendance summary, the measures it carries out, and the
    practice examples it comes from or is described in."""
    today = timezone.localdate()
    prefetch_related_objects(
        [angebot], Prefetch("schedules", queryset=Schedule.objects.select_related("treffpunkt")), "cancellations"
    )
    # The summary speaks of dates: monthly counts are no occasions (nor part of its total and average).
    summary = angebot.teilnahmen.filter(period=Teilnahme.Period.OCCURRENCE).aggregate(
        occasions=Count("pk"),
        total=Sum("participants"),
        average=Avg("participants"),
        first=Min("date"),
        last=Max("date"),
    )
    cancellations = list(angebot.cancellations.all())
    return {
        "schedules": list(angebot.schedules.all()),
        "next_dates": angebot.occurrences(today, today + LOOKAHEAD, include_cancelled=True)[:NEXT_DATES],
        "upcoming_cancellations": [c for c in cancellations if c.date >= today],
        "past_cancellation_count": sum(1 for c in cancellations if c.date < today),
        "attendance": summary,
        "last_counts": list(angebot.teilnahmen.select_related("recorded_by").order_by("-date")[:LAST_COUNTS]),
        "massnahmen": list(
            angebot.massnahmen.visible_to(user).select_related("handlungskonzept").order_by("start", "title", "pk")
        ),
        "can_record": may(user, "record_attendance", angebot),
        "transfer_links": transfer_links(angebot, user),
    }


class TreffpunktPages:
    """A meeting point's page: its offers and the measures at it (``page_context`` of ``entry_urls``)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = treffpunkt_related(self.object, self.request.user)
        return context


class AngebotPages:
    """An offer's page: its times, next dates, attendance and the measures it carries out."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = angebot_related(self.object, self.request.user)
        return context


# --- Operators (Träger): not under review, read-only in the portal, kept by the city admins ---------------------


class TraegerListView(EntryListView):
    """The operators, for every person with a role: filtered, sorted, paged and exported like the content lists.

    What the list says about an operator's meeting points (quarters, how many) counts only the meeting points the
    person may see, so nothing outside their quarters shows through.
    """

    model = Traeger
    filterset_class = TraegerFilter

    def base_queryset(self):
        visible = Treffpunkt.objects.visible_to(self.request.user)
        return (
            Traeger.objects.annotate(
                treffpunkt_count=Count("treffpunkte", filter=Q(treffpunkte__in=visible.values("pk")))
            )
            .prefetch_related(
                Prefetch(
                    "treffpunkte",
                    queryset=visible.select_related("quartier").only("name", "traeger", "quartier__name"),
                    to_attr="visible_treffpunkte",
                )
            )
            .order_by("name", "pk")
        )


class TraegerDetailView(PortalMixin, DetailView):
    """An operator with its contact persons, the meeting points it runs and the measures it is responsible for
    or a partner in, as far as the person may see them."""

    model = Traeger
    template_name = "treffpunkte/traeger_detail.html"
    context_object_name = "traeger"

    def get_queryset(self):
        return Traeger.objects.prefetch_related("kontaktpersonen")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        traeger = self.object
        involved = Massnahme.objects.filter(Q(owner_traeger=traeger) | Q(partners=traeger)).values("pk")
        context.update(
            opts=Traeger._meta,
            treffpunkte=Treffpunkt.objects.visible_to(user)
            .filter(traeger=traeger)
            .select_related("quartier")
            .defer("quartier__boundary")
            .annotate(angebot_count=Count("angebote")),
            massnahmen=Massnahme.objects.visible_to(user)
            .filter(pk__in=involved)
            .select_related("handlungskonzept__quartier")
            .defer("handlungskonzept__quartier__boundary")
            .order_by("start", "title", "pk"),
        )
        return context


# --- GWA's week: my meeting points and the attendance grid ------------------------------------------------------

# How far ahead “my meeting points” looks for an offer's next date.
NEXT_DATE_LOOKAHEAD = datetime.timedelta(days=62)


class MyTreffpunkteView(PortalMixin, ListView):
    """The meeting points in the person's quarters (the coordinator: all), each with its offers, their times and
    next date, and quick links to edit them and to record attendance; offers without a meeting point at the end."""

    template_name = "treffpunkte/treffpunkt_mine.html"
    context_object_name = "treffpunkte"

    def angebote(self):
        today = timezone.localdate()
        return Angebot.objects.visible_to(self.request.user).prefetch_related(
            "schedules",
            Prefetch("cancellations", queryset=Cancellation.objects.filter(date__gte=today)),
        )

    def get_queryset(self):
        return (
            Treffpunkt.objects.visible_to(self.request.user)
            .select_related("quartier", "traeger")
            .defer("quartier__boundary")
            .prefetch_related(Prefetch("angebote", queryset=self.angebote().order_by("title", "pk")))
            .order_by("quartier__name", "name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        mobile = list(
            self.angebote()
            .filter(treffpunkt__isnull=True)
            .select_related("quartier")
            .defer("quartier__boundary")
            .order_by("title", "pk")
        )
        for treffpunkt in context["treffpunkte"]:
            treffpunkt.can_change = may(user, "change", treffpunkt)
        for angebot in [*mobile, *(a for t in context["treffpunkte"] for a in t.angebote.all())]:
            angebot.can_change = may(user, "change", angebot)
            angebot.can_record = may(user, "record_attendance", angebot)
            upcoming = angebot.occurrences(today, today + NEXT_DATE_LOOKAHEAD)
            angebot.next_date = upcoming[0].date if upcoming else None
        context.update(
            mobile_angebote=mobile,
            can_add=may(user, "add", Angebot),
            can_record=may(user, "record_attendance", Angebot),
        )
        return context


# The attendance grid shows this many dates per page.
GRID_PAGE_SIZE = 40
# The weeks the grid shows: ``?woche=`` outside them is no week (and keeps date arithmetic far from its limits).
FIRST_YEAR, LAST_YEAR = 2000, 2100
WEEK_PATTERN = re.compile(r"([0-9]{4})-W([0-9]{1,2})")


def week_start(value, today):
    """The Monday of the ISO week ``value`` (“2019-W12”) of the years 2000 to 2100, or of the week of ``today``
    when there is none. Returns the Monday and whether ``value`` was given but is no such week."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    if not value:
        return this_monday, False
    match = WEEK_PATTERN.fullmatch(value.strip())
    if match is None or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        return this_monday, True
    try:
        return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1), False
    except ValueError:
        return this_monday, True


def in_order(occurrence):
    """Occurrences by day and time, then by offer."""
    return occurrence.date, occurrence.schedules[0].start_time, occurrence.angebot.title, occurrence.angebot.pk


def iso_week(day):
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def shown_week(monday):
    """``iso_week`` of ``monday`` if the grid shows that week, else ``None``."""
    return iso_week(monday) if FIRST_YEAR <= monday.isocalendar().year <= LAST_YEAR else None


def conflict_message(teilnahme):
    """What the grid says next to a count someone else recorded (``teilnahme``) or removed (``None``) meanwhile."""
    if teilnahme is None:
        return _("Meanwhile someone else removed the recorded count. Save again to record yours.")
    if teilnahme.recorded_by is None:
        return _("Meanwhile %(count)s participants were recorded here. Save again to replace the count with yours.") % {
            "count": teilnahme.participants
        }
    return _(
        "Meanwhile %(person)s recorded %(count)s participants here. Save again to replace the count with yours."
    ) % {"person": teilnahme.recorded_by, "count": teilnahme.participants}


class AttendanceWeek:
    """The occurrences of one week for the attendance grid: of every offer the person records attendance for,
    computed from the schedules, with the cancelled ones apart.

    A week of a few hundred offers takes longer to compute than the rest of the page, so its order (which offer
    on which day, as plain keys) is remembered for the person until any data changes (``hameln_quartiere.cache``);
    the offers, schedules and places are read for the rows a page shows (``load``). ``get`` answers for any row
    of the week, as the form asks: a row outside the page (a form sent from an older page) is read when asked.
    """

    def __init__(self, user, monday):
        self.user = user
        self.monday, self.sunday = monday, monday + datetime.timedelta(days=6)
        self.order, self.cancelled_keys = remember(user, "attendance-week", self.compute_order, monday)
        self.keys = set(self.order)
        self.loaded = {}

    def compute(self, angebot_ids=None):
        """The week's occurrences and cancelled ones, each in the order they happen; of the offers
        ``angebot_ids`` only, if given."""
        first, last = self.monday, self.sunday
        # Only schedules that can fall in this week are read; offers without one are left out in the database.
        in_week = Q(kind=Schedule.Kind.SINGLE, date__range=(first, last)) | (
            ~Q(kind=Schedule.Kind.SINGLE)
            & (Q(valid_from__isnull=True) | Q(valid_from__lte=last))
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        )
        schedules = Schedule.objects.filter(in_week)
        angebote = Angebot.objects.visible_to(self.user).filter(Exists(schedules.filter(angebot=OuterRef("pk"))))
        if angebot_ids is not None:
            angebote = angebote.filter(pk__in=angebot_ids)
        angebote = (
            # Only what ordering and the permission read: a week may have a thousand offers.
            angebote.only("title", "is_mobile", "quartier", "treffpunkt")
            # Into lists (to_attr): a prefetch into the managers would clone its queryset once per offer, which
            # costs more than everything else here when a week has a thousand offers.
            .prefetch_related(
                Prefetch("schedules", queryset=schedules, to_attr="week_schedules"),
                Prefetch(
                    "cancellations",
                    queryset=Cancellation.objects.filter(date__range=(first, last)),
                    to_attr="week_cancellations",
                ),
            )
        )
        rows, cancelled = [], []
        # The rule (treffpunkte/rules.py) reads the person and the offer's quarter only: asked once per quarter,
        # not once for each of a thousand offers.
        allowed = {}
        for angebot in angebote:
            if angebot.quartier_id not in allowed:
                allowed[angebot.quartier_id] = may(self.user, "record_attendance", angebot)
            if not allowed[angebot.quartier_id]:
                continue
            for occurrence in angebot.occurrences(
                first,
                last,
                include_cancelled=True,
                schedules=angebot.week_schedules,
                cancellations=angebot.week_cancellations,
            ):
                (cancelled if occurrence.cancellation else rows).append(occurrence)
        rows.sort(key=in_order)
        cancelled.sort(key=in_order)
        return rows, cancelled

    def compute_order(self):
        rows, cancelled = self.compute()
        return [occurrence_key(o) for o in rows], [occurrence_key(o) for o in cancelled]

    def load(self, keys):
        """Reads the offers of the rows ``keys`` and the meeting points they name, in four queries."""
        missing = {key[0] for key in keys if key not in self.loaded}
        if not missing:
            return
        rows, cancelled = self.compute(angebot_ids=missing)
        load_places([*rows, *cancelled])
        for occurrence in [*rows, *cancelled]:
            self.loaded[occurrence_key(occurrence)] = occurrence

    def get(self, key):
        """The occurrence ``(offer id, date)`` of the week that is not cancelled, or None."""
        if key not in self.keys:
            return None
        self.load([key])
        return self.loaded.get(key)

    def cancelled(self):
        self.load(self.cancelled_keys)
        return [self.loaded[key] for key in self.cancelled_keys if key in self.loaded]


def posted_rows(data, keys):
    """The rows ``(offer id, date)`` of the week (``keys``) that a posted attendance form names."""
    if data is None:
        return []
    named = {name: value for name, value in data.items() if name.startswith("teilnahme-")}
    rows = []
    for name, value in named.items():
        if not name.endswith("-angebot"):
            continue
        try:
            key = (int(value), datetime.date.fromisoformat(named.get(name.removesuffix("angebot") + "date", "")))
        except ValueError:
            continue
        if key in keys:
            rows.append(key)
    return rows


def occurrence_key(occurrence):
    return occurrence.angebot.pk, occurrence.date


def load_places(rows):
    """The meeting points the occurrences ``rows`` name (the offer's, or another one of a time), in one query."""
    schedules = [schedule for occurrence in rows for schedule in occurrence.schedules]
    ids = {o.angebot.treffpunkt_id for o in rows} | {s.treffpunkt_id for s in schedules}
    places = Treffpunkt.objects.only("name").in_bulk(ids - {None})
    for item in [*(o.angebot for o in rows), *schedules]:
        item.treffpunkt = places.get(item.treffpunkt_id)


class AttendanceGridView(PortalMixin, TemplateView):
    """The attendance of one week (``?woche=2019-W12``, this week by default): a row per occurrence of every
    offer the person records attendance for, computed from the schedules without cancellations. The counts are
    saved together in one POST, or, if any row is wrong, none of them."""

    template_name = "treffpunkte/teilnahme_grid.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, "record_attendance", Angebot):
            raise PermissionDenied
        if request.user.is_authenticated and self.invalid_week:
            messages.warning(
                request,
                _("“%(week)s” is not a week between %(first)s and %(last)s; this week is shown instead.")
                % {"week": request.GET["woche"][:20], "first": FIRST_YEAR, "last": LAST_YEAR},
            )
        return super().dispatch(request, *args, **kwargs)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.monday, self.invalid_week = week_start(request.GET.get("woche"), timezone.localdate())
        self.sunday = self.monday + datetime.timedelta(days=6)

    @cached_property
    def week(self):
        return AttendanceWeek(self.request.user, self.monday)

    def get_page(self):
        """The rows of the week shown on this page (``?page=``): a programme of a few hundred offers has a few
        hundred dates a week, more than one form can take in or a server render quickly."""
        return Paginator(self.week.order, GRID_PAGE_SIZE).get_page(self.request.GET.get("page"))

    def get_formset(self, page, data=None):
        """The forms of the rows on ``page``; any row of the week is accepted (``self.week``)."""
        # The rows sent may be others than the page's (a page loaded before the week changed): their offers are
        # read together, not one by one as each form asks.
        self.week.load([*page.object_list, *self.week.cancelled_keys, *posted_rows(data, self.week.keys)])
        recorded = Teilnahme.objects.filter(
            period=Teilnahme.Period.OCCURRENCE,
            angebot__in={angebot_id for angebot_id, _day in page.object_list},
            date__range=(self.monday, self.sunday),
        ).values_list("angebot_id", "date", "participants")
        counts = {(angebot_id, day): participants for angebot_id, day, participants in recorded}
        initial = [
            {"angebot": angebot_id, "date": day, "participants": count, "loaded": count}
            for angebot_id, day in page.object_list
            for count in [counts.get((angebot_id, day))]
        ]
        return AttendanceFormSet(data, initial=initial, form_kwargs={"occurrences": self.week}, prefix="teilnahme")

    def render_grid(self, formset, page):
        """The rows of the form and the cancelled dates, as HTML: rendered without the request, so that a page
        nobody has changed can be remembered (the form's CSRF token stays outside, in the page)."""
        context = {"formset": formset, "page_obj": page, "cancelled": self.week.cancelled()}
        return {
            "grid": render_to_string("treffpunkte/includes/attendance_rows.html", context),
            "cancelled": render_to_string("treffpunkte/includes/attendance_cancelled.html", context),
        }

    def get(self, request, *args, **kwargs):
        page = self.get_page()
        # Rendering forty rows of a form costs more than everything else: an unchanged page is remembered as HTML
        # until any data changes, like the order of the week.
        grid = remember(
            request.user,
            "attendance-page",
            lambda: self.render_grid(self.get_formset(page), page),
            self.monday,
            page.number,
        )
        return self.render_to_response(self.get_context_data(page_obj=page, **grid))

    def post(self, request, *args, **kwargs):
        page = self.get_page()
        # A copy the conflicts below can change: the counts recorded meanwhile become the rows' loaded counts.
        formset = self.get_formset(page, data=request.POST.copy())
        if formset.is_valid():
            # Only the rows the person changed since loading the page are written (and logged): a row left alone
            # is never saved, even if someone else changed its count meanwhile.
            changed = [
                form
                for form in formset
                if form.occurrence is not None
                and form.cleaned_data.get("participants") != form.cleaned_data.get("loaded")
            ]
            counts = [
                (form.occurrence.angebot, form.occurrence.date, form.cleaned_data["participants"]) for form in changed
            ]
            loaded = {
                (form.occurrence.angebot.pk, form.occurrence.date): form.cleaned_data["loaded"] for form in changed
            }
            try:
                result = record_attendance(counts, actor=request.user, loaded=loaded)
            except AttendanceConflict as conflict:
                # Nothing was saved; the person's input stays, and saving again replaces the colleague's count.
                for form in changed:
                    key = (form.occurrence.angebot.pk, form.occurrence.date)
                    if key in conflict.conflicts:
                        teilnahme = conflict.conflicts[key]
                        form.data[form.add_prefix("loaded")] = "" if teilnahme is None else str(teilnahme.participants)
                        form.add_error("participants", conflict_message(teilnahme))
            except AttendanceError as error:
                # The form's checks make this rare (someone changed the schedule meanwhile); nothing was saved.
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Attendance saved: %(created)d new, %(changed)d changed, %(removed)d removed.") % result,
                )
                on_page = f"&page={page.number}" if page.number > 1 else ""
                return redirect(f"{reverse('treffpunkte:attendance-grid')}?woche={iso_week(self.monday)}{on_page}")
        return self.render_to_response(self.get_context_data(page_obj=page, **self.render_grid(formset, page)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = datetime.timedelta(weeks=1)
        context.update(
            monday=self.monday,
            sunday=self.sunday,
            week=iso_week(self.monday),
            previous_week=shown_week(self.monday - week),
            next_week=shown_week(self.monday + week),
            this_week=iso_week(timezone.localdate()),
        )
        return context
