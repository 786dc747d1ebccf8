"""Yearly reports as they were delivered: a finalised report keeps its content, whatever changes later."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FinalisedReportError(Exception):
    """Raised on any attempt to change or delete a finalised report: a new version is made instead."""


class JahresberichtQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise FinalisedReportError("A finalised report is not changed; make a new version.")

    def delete(self):
        raise FinalisedReportError("A finalised report is not deleted; make a new version.")

    def of_scope(self, year, quartier):
        """The versions of the report of ``year`` for ``quartier`` (``None``: the whole programme), newest first."""
        return self.filter(year=year, quartier=quartier).order_by("-version")


class Jahresbericht(models.Model):
    """One finalised version of the yearly report of the whole programme or of one quarter.

    ``document`` is the report as built by ``berichte.report.build`` at the moment of finalising: numbers, lists
    and headings as they were delivered. The page, the PDF and the spreadsheet of a version are made from it, so
    later edits of the data do not change them. Rows are only ever added (a new version), never changed.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    quartier = models.ForeignKey(
        "quartiere.Quartier",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jahresberichte",
        help_text=_("Empty for the report of the whole programme."),
    )
    version = models.PositiveSmallIntegerField(_("version"))
    document = models.JSONField(_("content"), encoder=DjangoJSONEncoder)
    note = models.TextField(
        _("note"), blank=True, help_text=_("For whom it was finalised, or what the new version corrects.")
    )
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    finalised_at = models.DateTimeField(_("finalised"), default=timezone.now)

    objects = JahresberichtQuerySet.as_manager()

    class Meta:
        verbose_name = _("finalised yearly report")
        verbose_name_plural = _("finalised yearly reports")
        ordering = ["-year", "quartier", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quartier", "version"],
                condition=Q(quartier__isnull=False),
                name="jahresbericht_version_per_quarter",
                violation_error_message=_("This version of the report has already been finalised."),
            ),
            models.UniqueConstraint(
                fields=["year", "version"],
                condition=Q(quartier__isnull=True),
                name="jahresbericht_version_of_the_programme",
                violation_error_message=_("This version of the report has already been finalised."),
            ),
        ]

    def __str__(self):
        scope = self.quartier.name if self.quartier_id else _("whole programme")
        return _("Yearly report %(year)s, %(scope)s, version %(version)s") % {
            "year": self.year,
            "scope": scope,
            "version": self.version,
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FinalisedReportError("A finalised report is not changed; make a new version.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("berichte:fassung", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise FinalisedReportError("A finalised report is not deleted; make a new version.")
