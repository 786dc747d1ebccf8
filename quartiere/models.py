"""The four quarters of the programme, their indicator values and their yearly goals."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.models import ReviewedModel

GEOJSON_TYPES = {"Polygon", "MultiPolygon", "Feature", "FeatureCollection"}


def validate_geojson(value):
    """Accept a GeoJSON polygon, multipolygon, feature or feature collection (RFC 7946), as a dict."""
    if not isinstance(value, dict) or value.get("type") not in GEOJSON_TYPES:
        raise ValidationError(
            _("Enter a GeoJSON object of type Polygon, MultiPolygon, Feature or FeatureCollection."),
            code="invalid_geojson",
        )
    if value["type"] in {"Polygon", "MultiPolygon"} and not isinstance(value.get("coordinates"), list):
        raise ValidationError(_("A GeoJSON polygon needs a list of coordinates."), code="invalid_geojson")


class Quartier(models.Model):
    """A neighbourhood of the programme. Quarters are data, not code."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)
    description = models.TextField(_("profile"), blank=True)
    is_soziale_stadt = models.BooleanField(
        _("“Soziale Stadt” area"), default=False, help_text=_("Part of the federal programme “Soziale Stadt”.")
    )
    development_needs = models.TextField(_("development needs"), blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_geojson])

    class Meta:
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def public_url(self):
        return reverse("verzeichnis:quartier", args=[self.slug])


class Kennzahl(models.Model):
    """One indicator value of a quarter in one year, e.g. the number of residents."""

    quartier = models.ForeignKey(
        Quartier, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="kennzahlen"
    )
    name = models.CharField(_("indicator"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["quartier", "name", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["quartier", "name", "year"],
                name="kennzahl_unique_per_year",
                violation_error_message=_("This indicator already has a value for this quarter and year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100),
                name="kennzahl_year_range",
                violation_error_message=_("The year must lie between 1990 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.year}: {self.value} {self.unit}".strip()


class Jahresziel(ReviewedModel):
    """A yearly goal of a quarter, assessed at year end."""

    class Assessment(models.TextChoices):
        OPEN = "open", _("Not yet assessed")
        REACHED = "reached", _("Reached")
        PARTLY = "partly", _("Partly reached")
        NOT_REACHED = "not_reached", _("Not reached")

    quartier = models.ForeignKey(
        Quartier, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="jahresziele"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    title = models.CharField(_("goal"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    assessment = models.CharField(_("assessment"), max_length=20, choices=Assessment.choices, default=Assessment.OPEN)
    assessment_statement = models.TextField(_("statement on the assessment"), blank=True)
    carried_over_from = models.OneToOneField(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_over_to",
    )

    class Meta:
        verbose_name = _("yearly goal")
        verbose_name_plural = _("yearly goals")
        ordering = ["-year", "quartier", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["quartier", "year", "title"],
                name="jahresziel_unique_title",
                violation_error_message=_("This quarter already has a yearly goal with this title for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100),
                name="jahresziel_year_range",
                violation_error_message=_("The year must lie between 1990 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(assessment="open") | ~Q(assessment_statement=""),
                name="jahresziel_assessment_has_statement",
                violation_error_message=_("An assessment needs a statement."),
            ),
        ]

    def __str__(self):
        return f"{self.quartier} {self.year}: {self.title}"

    @classmethod
    def finished(cls):
        return ~Q(assessment=cls.Assessment.OPEN)

    def clean(self):
        super().clean()
        if self.assessment != self.Assessment.OPEN and not self.assessment_statement.strip():
            raise ValidationError({"assessment_statement": _("An assessment needs a statement.")})
