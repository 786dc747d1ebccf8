"""The integrated action concept of a quarter: findings → fields of action → goals → measures → progress."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.models import ReviewedModel, validate_period

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class Handlungskonzept(ReviewedModel):
    """The integrated action concept (IHK) of one quarter for a period; revised over the years."""

    quartier = models.ForeignKey(
        "quartiere.Quartier", verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="handlungskonzepte"
    )
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(
        _("from year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("until year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    summary = models.TextField(_("summary"), blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("revision of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revision",
        help_text=_("The earlier concept this one updates (Fortschreibung)."),
    )

    class Meta:
        verbose_name = _("action concept")
        verbose_name_plural = _("action concepts")
        ordering = ["quartier", "-start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["quartier", "start_year"],
                name="handlungskonzept_unique_start",
                violation_error_message=_("This quarter already has an action concept starting in this year."),
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="handlungskonzept_end_not_before_start",
                violation_error_message=_("The end must not be before the start."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_year}–{self.end_year})"

    def clean(self):
        super().clean()
        validate_period(self.start_year, self.end_year, "start_year", "end_year")


class Beteiligungsformat(models.Model):
    """A participation or analysis format that produced evidence, e.g. an activating resident survey."""

    quartier_lookup = "handlungskonzept__quartier"

    class Kind(models.TextChoices):
        SWOT = "swot", _("Strengths and weaknesses analysis")
        SURVEY = "befragung", _("Activating resident survey")
        GROUP_DISCUSSION = "gruppendiskussion", _("Group discussion")
        WALK = "begehung", _("Neighbourhood walk")
        WORKSHOP = "workshop", _("Workshop")
        OTHER = "sonstiges", _("Other")

    handlungskonzept = models.ForeignKey(
        Handlungskonzept,
        verbose_name=_("action concept"),
        on_delete=models.PROTECT,
        related_name="beteiligungsformate",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    participants = models.PositiveIntegerField(_("participants"), default=0)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("participation format")
        verbose_name_plural = _("participation formats")
        ordering = ["-date", "title"]

    def __str__(self):
        return f"{self.title} ({self.date:%d.%m.%Y})"


class Befund(ReviewedModel):
    """A finding from a participation format: a strength, weakness, opportunity, risk or need."""

    quartier_lookup = "handlungskonzept__quartier"

    class Kind(models.TextChoices):
        STRENGTH = "staerke", _("Strength")
        WEAKNESS = "schwaeche", _("Weakness")
        OPPORTUNITY = "chance", _("Opportunity")
        RISK = "risiko", _("Risk")
        NEED = "bedarf", _("Need")

    handlungskonzept = models.ForeignKey(
        Handlungskonzept, verbose_name=_("action concept"), on_delete=models.PROTECT, related_name="befunde"
    )
    beteiligungsformat = models.ForeignKey(
        Beteiligungsformat,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="befunde",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["handlungskonzept", "kind", "title"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def clean(self):
        super().clean()
        if (
            self.beteiligungsformat_id
            and self.handlungskonzept_id
            and self.beteiligungsformat.handlungskonzept_id != self.handlungskonzept_id
        ):
            raise ValidationError({"beteiligungsformat": _("This format belongs to another action concept.")})


class Handlungsfeld(models.Model):
    """A field of action of an action concept, e.g. living together, education, housing environment."""

    quartier_lookup = "handlungskonzept__quartier"

    handlungskonzept = models.ForeignKey(
        Handlungskonzept, verbose_name=_("action concept"), on_delete=models.PROTECT, related_name="handlungsfelder"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")
        ordering = ["handlungskonzept", "position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["handlungskonzept", "title"],
                name="handlungsfeld_unique_title",
                violation_error_message=_("This action concept already has a field of action with this title."),
            ),
        ]

    def __str__(self):
        return self.title


class Ziel(ReviewedModel):
    """A goal in a field of action, answering findings, measured by indicators."""

    quartier_lookup = "handlungsfeld__handlungskonzept__quartier"

    handlungsfeld = models.ForeignKey(
        Handlungsfeld, verbose_name=_("field of action"), on_delete=models.PROTECT, related_name="ziele"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    befunde = models.ManyToManyField(Befund, verbose_name=_("answers findings"), blank=True, related_name="ziele")

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["handlungsfeld", "title"]

    def __str__(self):
        return self.title


class Indikator(models.Model):
    """How a goal is measured: baseline, target and the value reached so far."""

    ziel = models.ForeignKey(Ziel, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="indikatoren")
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["ziel", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ziel", "name"],
                name="indikator_unique_name",
                violation_error_message=_("This goal already has an indicator with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class Massnahme(ReviewedModel):
    """A measure that serves goals: who is responsible, with which partners, where, when and how far along."""

    quartier_lookup = "handlungskonzept__quartier"

    class Owner(models.TextChoices):
        QM = "qm", _("Neighbourhood management (QM)")
        GWA = "gwa", _("Community social work (GWA)")
        TRAEGER = "traeger", _("Operator")

    class Status(models.TextChoices):
        PLANNED = "geplant", _("Planned")
        RUNNING = "laufend", _("Running")
        DONE = "abgeschlossen", _("Completed")
        PAUSED = "pausiert", _("Paused")
        DROPPED = "verworfen", _("Dropped")

    handlungskonzept = models.ForeignKey(
        Handlungskonzept, verbose_name=_("action concept"), on_delete=models.PROTECT, related_name="massnahmen"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    ziele = models.ManyToManyField(Ziel, verbose_name=_("serves goals"), blank=True, related_name="massnahmen")
    owner = models.CharField(_("responsible"), max_length=10, choices=Owner.choices)
    owner_traeger = models.ForeignKey(
        "treffpunkte.Traeger",
        verbose_name=_("responsible operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verantwortete_massnahmen",
    )
    partners = models.ManyToManyField(
        "treffpunkte.Traeger", verbose_name=_("partner operators"), blank=True, related_name="massnahmen"
    )
    treffpunkt = models.ForeignKey(
        "treffpunkte.Treffpunkt",
        verbose_name=_("meeting point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="massnahmen",
    )
    angebote = models.ManyToManyField(
        "treffpunkte.Angebot",
        verbose_name=_("carried out by offers"),
        blank=True,
        related_name="massnahmen",
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="massnahmen",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=PERCENT_VALIDATORS)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["handlungskonzept", "start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="massnahme_progress_percent",
                violation_error_message=_("The progress must lie between 0 and 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="massnahme_end_not_before_start",
                violation_error_message=_("The end must not be before the start."),
            ),
            models.CheckConstraint(
                condition=~Q(owner="traeger") | Q(owner_traeger__isnull=False),
                name="massnahme_traeger_owner_named",
                violation_error_message=_("Name the operator that is responsible."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def counts_for_progress(self):
        """A dropped measure no longer says anything about how far its goals are."""
        return self.status != self.Status.DROPPED

    @property
    def is_late(self):
        """Its period has ended, but it was neither completed nor dropped (as a query: ``Massnahme.late()``)."""
        return (
            self.end is not None
            and self.end < timezone.localdate()
            and self.status not in (self.Status.DONE, self.Status.DROPPED)
        )

    @classmethod
    def finished(cls):
        return Q(status__in=[cls.Status.DONE, cls.Status.DROPPED])

    @classmethod
    def late(cls):
        """The condition of ``is_late`` for a queryset filter."""
        return Q(end__lt=timezone.localdate()) & ~Q(status__in=[cls.Status.DONE, cls.Status.DROPPED])

    def clean(self):
        super().clean()
        if self.owner == self.Owner.TRAEGER and self.owner_traeger_id is None:
            raise ValidationError({"owner_traeger": _("Name the operator that is responsible.")})
        validate_period(self.start, self.end)


class Sachstand(models.Model):
    """A dated progress update on a measure; recorded directly, without review."""

    massnahme = models.ForeignKey(
        Massnahme, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="sachstaende"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("progress report"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=PERCENT_VALIDATORS)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["massnahme", "-date", "-created_at"]
        get_latest_by = ["date", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="sachstand_progress_percent",
                violation_error_message=_("The progress must lie between 0 and 100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.massnahme} {self.date:%d.%m.%Y}: {self.progress} %"
