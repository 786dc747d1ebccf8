"""Operators, meeting points, the offers that happen there and how many people came."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.models import ReviewedModel, validate_period


class Kategorie(models.Model):
    """Reference data: what kind of offer, e.g. language café or counselling."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("offer category")
        verbose_name_plural = _("offer categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Zielgruppe(models.Model):
    """Reference data: who an offer is for, e.g. men, families, newly arrived people."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Sprache(models.Model):
    """Reference data: a language spoken at an offer."""

    code = models.CharField(
        _("language code"), max_length=10, unique=True, help_text=_("ISO 639-1 code such as “de” or “ar”.")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TranslatedDescriptions(models.Model):
    """Short descriptions in the other languages of the public pages, reviewed with the entry.

    Where the one for the reader's language is missing, the public pages show the German description, marked.
    """

    description_en = models.TextField(_("short description in English"), blank=True, max_length=1000)
    description_tr = models.TextField(_("short description in Turkish"), blank=True, max_length=1000)
    description_ar = models.TextField(_("short description in Arabic"), blank=True, max_length=1000)
    description_uk = models.TextField(_("short description in Ukrainian"), blank=True, max_length=1000)
    description_ro = models.TextField(_("short description in Romanian"), blank=True, max_length=1000)
    description_bg = models.TextField(_("short description in Bulgarian"), blank=True, max_length=1000)

    TRANSLATED_FIELDS = (
        "description_en",
        "description_tr",
        "description_ar",
        "description_uk",
        "description_ro",
        "description_bg",
    )

    class Meta:
        abstract = True

    def description_in(self, language):
        """The description for readers of ``language`` and the language it is written in: the short description
        in that language where there is one, else the German description."""
        translated = getattr(self, f"description_{language}", "") if language != "de" else ""
        return (translated, language) if translated else (self.description, "de")


class Traeger(models.Model):
    """An independent non-profit operator (association, church, welfare organisation) of meeting points."""

    class Kind(models.TextChoices):
        ASSOCIATION = "verein", _("Association")
        CHURCH = "kirche", _("Church congregation")
        WELFARE = "wohlfahrtsverband", _("Welfare organisation")
        INITIATIVE = "initiative", _("Residents' initiative")
        MUNICIPAL = "kommunal", _("Municipal")
        OTHER = "sonstige", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, default="Hameln")
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operators")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Kontaktperson(models.Model):
    """A contact person at an operator: personal data of staff, shown publicly only with consent."""

    traeger = models.ForeignKey(
        Traeger, verbose_name=_("operator"), on_delete=models.CASCADE, related_name="kontaktpersonen"
    )
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_public = models.BooleanField(_("shown publicly"), default=False, help_text=_("Only with the person's consent."))

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["traeger", "name"]

    def __str__(self):
        return f"{self.name} ({self.traeger})"


class Treffpunkt(TranslatedDescriptions, ReviewedModel):
    """A neighbourhood meeting point, “a place of GWA”, with its lifecycle."""

    class Status(models.TextChoices):
        PLANNED = "geplant", _("Planned")
        SETTING_UP = "im_aufbau", _("Being set up")
        ACTIVE = "aktiv", _("Active")
        DORMANT = "ruhend", _("Dormant")
        CLOSED = "geschlossen", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=200, unique=True)
    quartier = models.ForeignKey(
        "quartiere.Quartier", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="treffpunkte"
    )
    traeger = models.ForeignKey(
        Traeger,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="treffpunkte",
        help_text=_("Empty while no operator has been found yet."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    description = models.TextField(_("description"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, default="Hameln")
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    opening_hours = models.TextField(_("opening hours"), blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    accessibility_notes = models.TextField(_("notes on accessibility"), blank=True)
    in_praxisnetzwerk = models.BooleanField(_("member of the practice network"), default=False)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("meeting point")
        verbose_name_plural = _("meeting points")
        ordering = ["quartier", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="treffpunkt_latitude_range",
                violation_error_message=_("The latitude must lie between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="treffpunkt_longitude_range",
                violation_error_message=_("The longitude must lie between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="treffpunkt_coordinates_complete",
                violation_error_message=_("Enter both latitude and longitude, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(opened_on__isnull=True) | Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="treffpunkt_closed_not_before_opened",
                violation_error_message=_("The end must not be before the start."),
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def finished(cls):
        return Q(status=cls.Status.CLOSED)

    @property
    def public_url(self):
        return reverse("verzeichnis:treffpunkt", args=[self.slug])

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({field: _("Enter both latitude and longitude, or neither.")})
        validate_period(self.opened_on, self.closed_on, "opened_on", "closed_on")
        if self.pk and self.quartier_id:
            # Offers carry the quarter of their meeting point; moving the point would leave them behind.
            previous = Treffpunkt.objects.filter(pk=self.pk).values_list("quartier_id", flat=True).first()
            if previous not in (None, self.quartier_id) and self.angebote.exists():
                raise ValidationError(
                    {"quartier": _("Offers take place at this meeting point; it cannot move to another quarter.")}
                )


class Angebot(TranslatedDescriptions, ReviewedModel):
    """An offer, usually recurring, at a meeting point or mobile between places."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    quartier = models.ForeignKey(
        "quartiere.Quartier", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="angebote"
    )
    treffpunkt = models.ForeignKey(
        Treffpunkt,
        verbose_name=_("meeting point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="angebote",
    )
    is_mobile = models.BooleanField(
        _("mobile offer"),
        default=False,
        help_text=_("Moves between places, like the wandering residents' meeting; the place is set per date."),
    )
    kategorie = models.ForeignKey(
        Kategorie, verbose_name=_("category"), on_delete=models.PROTECT, related_name="angebote"
    )
    zielgruppen = models.ManyToManyField(
        Zielgruppe, verbose_name=_("target groups"), blank=True, related_name="angebote"
    )
    sprachen = models.ManyToManyField(Sprache, verbose_name=_("languages spoken"), blank=True, related_name="angebote")
    free_of_charge = models.BooleanField(_("free of charge"), default=True)
    cost_note = models.CharField(_("costs"), max_length=200, blank=True)
    registration_required = models.BooleanField(_("registration required"), default=False)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["quartier", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_mobile=True) | Q(treffpunkt__isnull=False),
                name="angebot_has_place",
                violation_error_message=_("An offer that is not mobile takes place at a meeting point."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if not self.is_mobile and self.treffpunkt_id is None:
            raise ValidationError({"treffpunkt": _("An offer that is not mobile takes place at a meeting point.")})
        if self.treffpunkt_id and self.quartier_id and self.treffpunkt.quartier_id != self.quartier_id:
            raise ValidationError({"treffpunkt": _("The meeting point lies in another quarter.")})

    @property
    def public_url(self):
        return reverse("verzeichnis:angebot", args=[self.pk])

    def occurrences(self, first, last, *, include_cancelled=False, schedules=None, cancellations=None):
        """The dates from ``first`` to ``last`` on which the offer takes place, as ``Occurrence``s, in order.

        Reads ``schedules`` and ``cancellations`` through ``.all()``, so a list of offers prefetches them once;
        or from the lists given (a ``Prefetch`` with ``to_attr``, which spares a queryset per offer in long
        lists). Cancelled dates are left out unless ``include_cancelled``; then they carry their cancellation.
        """
        schedules = self.schedules.all() if schedules is None else schedules
        cancellations = self.cancellations.all() if cancellations is None else cancellations
        cancelled = {cancellation.date: cancellation for cancellation in cancellations}
        by_date = {}
        for schedule in schedules:
            for day in schedule.dates(first, last):
                by_date.setdefault(day, []).append(schedule)
        return [
            Occurrence(self, day, sorted(schedules, key=lambda s: s.start_time), cancelled.get(day))
            for day, schedules in sorted(by_date.items())
            if include_cancelled or day not in cancelled
        ]

    def takes_place_on(self, day):
        """Whether the offer is scheduled on ``day`` and not cancelled then."""
        return bool(self.occurrences(day, day))


@dataclass
class Occurrence:
    """One date on which an offer takes place, with the schedule rows that fall on it."""

    angebot: Angebot
    date: datetime.date
    schedules: list = field(default_factory=list)
    cancellation: "Cancellation | None" = None

    @property
    def times(self):
        return ", ".join(f"{time_format(s.start_time, 'H:i')}–{time_format(s.end_time, 'H:i')}" for s in self.schedules)


class Schedule(models.Model):
    """When an offer takes place: weekly or monthly within a validity period, or on a single date."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        SINGLE = "single", _("Single date")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    class WeekOfMonth(models.IntegerChoices):
        FIRST = 1, _("first")
        SECOND = 2, _("second")
        THIRD = 3, _("third")
        FOURTH = 4, _("fourth")
        LAST = -1, _("last")

    angebot = models.ForeignKey(Angebot, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="schedules")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WEEKLY)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, null=True, blank=True)
    interval = models.PositiveSmallIntegerField(
        _("every n weeks"), default=1, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    week_of_month = models.SmallIntegerField(_("week of the month"), choices=WeekOfMonth.choices, null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    treffpunkt = models.ForeignKey(
        Treffpunkt,
        verbose_name=_("other meeting point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only where it differs from the offer's meeting point."),
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("For mobile offers: where it takes place this time.")
    )

    class Meta:
        verbose_name = _("time")
        verbose_name_plural = _("times")
        ordering = ["angebot", "kind", "weekday", "date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="schedule_ends_after_start",
                violation_error_message=_("The end time must be after the start time."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="schedule_valid_until_not_before_from",
                violation_error_message=_("The end must not be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(kind="weekly", weekday__isnull=False, date__isnull=True)
                | Q(kind="monthly", weekday__isnull=False, week_of_month__isnull=False, date__isnull=True)
                | Q(kind="single", date__isnull=False),
                name="schedule_kind_fields",
                violation_error_message=_(
                    "Weekly times need a weekday, monthly times a weekday and week of the month, single dates a date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__gte=0, weekday__lte=6),
                name="schedule_weekday_range",
                violation_error_message=_("Choose a weekday."),
            ),
            models.CheckConstraint(
                condition=Q(week_of_month__isnull=True) | Q(week_of_month__in=[1, 2, 3, 4, -1]),
                name="schedule_week_of_month_range",
                violation_error_message=_("Choose a week of the month."),
            ),
            models.CheckConstraint(
                condition=Q(interval__gte=1, interval__lte=8),
                name="schedule_interval_range",
                violation_error_message=_("The interval must lie between 1 and 8 weeks."),
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.SINGLE:
            when = f"{self.date:%d.%m.%Y}" if self.date else ""
        elif self.kind == self.Kind.MONTHLY:
            when = f"{self.get_week_of_month_display()} {self.get_weekday_display()}"
        else:
            when = str(self.get_weekday_display())
        return f"{when} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def dates(self, first, last):
        """The dates from ``first`` to ``last`` (both included) on which this time falls, before cancellations.

        This is the one place where the occurrence rule lives. Times every n weeks count their weeks from
        ``valid_from``, or without one from a fixed Monday, so that any range asked for gives the same weeks.
        """
        if self.kind == self.Kind.SINGLE:
            return [self.date] if self.date and first <= self.date <= last else []
        start = max(first, self.valid_from) if self.valid_from else first
        end = min(last, self.valid_until) if self.valid_until else last
        if start > end or self.weekday is None:
            return []
        if self.kind == self.Kind.WEEKLY:
            anchor = self.valid_from or WEEK_ANCHOR
            step = 7 * (self.interval or 1)
            day = anchor + datetime.timedelta(days=(self.weekday - anchor.weekday()) % 7)
            # The first date on or after ``start`` that lies a whole number of steps from ``day``.
            day = start + datetime.timedelta(days=(day - start).days % step)
            result = []
            while day <= end:
                result.append(day)
                day += datetime.timedelta(days=step)
            return result
        result = []
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            day = nth_weekday(year, month, self.weekday, self.week_of_month or 1)
            if start <= day <= end:
                result.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result

    def describe(self):
        """The time in words, e.g. “Every 2 weeks on Tuesday, 10:00–12:00, from 08.01.2019”."""
        weekday = self.get_weekday_display()
        if self.kind == self.Kind.SINGLE:
            when = gettext("On %(date)s") % {"date": date_format(self.date, "SHORT_DATE_FORMAT")} if self.date else ""
        elif self.kind == self.Kind.MONTHLY:
            when = gettext("Every %(nth)s %(weekday)s of the month") % {
                "nth": self.get_week_of_month_display(),
                "weekday": weekday,
            }
        elif self.interval == 1:
            when = gettext("Weekly on %(weekday)s") % {"weekday": weekday}
        else:
            when = ngettext(
                "Every %(count)d week on %(weekday)s", "Every %(count)d weeks on %(weekday)s", self.interval
            ) % {"count": self.interval, "weekday": weekday}
        parts = [when, f"{time_format(self.start_time, 'H:i')}–{time_format(self.end_time, 'H:i')}"]
        if self.kind != self.Kind.SINGLE and self.valid_from:
            parts.append(gettext("from %(date)s") % {"date": date_format(self.valid_from, "SHORT_DATE_FORMAT")})
        if self.kind != self.Kind.SINGLE and self.valid_until:
            parts.append(gettext("until %(date)s") % {"date": date_format(self.valid_until, "SHORT_DATE_FORMAT")})
        return ", ".join(parts)

    def clean(self):
        super().clean()
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The end time must be after the start time.")
        if self.kind in (self.Kind.WEEKLY, self.Kind.MONTHLY) and self.weekday is None:
            errors["weekday"] = _("Choose a weekday.")
        if self.kind == self.Kind.MONTHLY and self.week_of_month is None:
            errors["week_of_month"] = _("Choose a week of the month.")
        if self.kind == self.Kind.SINGLE and self.date is None:
            errors["date"] = _("Enter the date.")
        if self.kind != self.Kind.SINGLE and self.date is not None:
            errors["date"] = _("Only single dates have a date; use “valid from” for recurring times.")
        if errors:
            raise ValidationError(errors)
        validate_period(self.valid_from, self.valid_until, "valid_from", "valid_until")


# Times every n weeks without a "valid from" date count their weeks from this Monday.
WEEK_ANCHOR = datetime.date(2001, 1, 1)


def nth_weekday(year, month, weekday, week_of_month):
    """The first to fourth (1 to 4) or the last (-1) ``weekday`` (0 = Monday) of a month."""
    days = [week[weekday] for week in calendar.monthcalendar(year, month) if week[weekday]]
    return datetime.date(year, month, days[week_of_month - 1 if week_of_month > 0 else -1])


def schedule_dates(schedules, first, last):
    """Every date from ``first`` to ``last`` on which any of ``schedules`` falls, in order, before cancellations."""
    return sorted({day for schedule in schedules for day in schedule.dates(first, last)})


def running_in(first, last):
    """Offers with a time in ``first``–``last``: a single date in it, or a regular time valid for part of it."""
    regular = (
        Q(date__isnull=True)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=first))
    )
    return Exists(Schedule.objects.filter(Q(date__range=(first, last)) | regular, angebot=OuterRef("pk")))


class Cancellation(models.Model):
    """A date on which a recurring offer does not take place (holidays, illness)."""

    angebot = models.ForeignKey(
        Angebot, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="cancellations"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cancellation")
        verbose_name_plural = _("cancellations")
        ordering = ["angebot", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["angebot", "date"],
                name="cancellation_unique_date",
                violation_error_message=_("This offer is already cancelled on this date."),
            ),
        ]

    def __str__(self):
        return f"{self.angebot}: {self.date:%d.%m.%Y}"


class Teilnahme(models.Model):
    """How many people came: a count per occurrence or per month, never the names of residents."""

    class Period(models.TextChoices):
        OCCURRENCE = "occurrence", _("Single occurrence")
        MONTH = "month", _("Month")

    angebot = models.ForeignKey(Angebot, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="teilnahmen")
    period = models.CharField(_("counted per"), max_length=10, choices=Period.choices, default=Period.OCCURRENCE)
    date = models.DateField(_("date"), help_text=_("For a month: its first day."))
    participants = models.PositiveIntegerField(_("participants"), validators=[MaxValueValidator(100000)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["angebot", "-date"]
        # The portal's numbers ask for a month across all offers: without it, a scan of every count ever made.
        indexes = [models.Index(fields=["date"], name="teilnahme_date_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["angebot", "period", "date"],
                name="teilnahme_unique_per_date",
                violation_error_message=_("Attendance for this offer and date has already been recorded."),
            ),
            models.CheckConstraint(
                condition=Q(period="occurrence") | Q(date__day=1),
                name="teilnahme_month_starts_on_first",
                violation_error_message=_("A monthly count is recorded on the first day of the month."),
            ),
        ]

    def __str__(self):
        return f"{self.angebot} {self.date:%d.%m.%Y}: {self.participants}"

    def clean(self):
        super().clean()
        if self.period == self.Period.MONTH and self.date and self.date.day != 1:
            raise ValidationError({"date": _("A monthly count is recorded on the first day of the month.")})
