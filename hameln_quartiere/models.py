"""People, their roles and posts, and the pieces every content entry shares."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Ressort(models.TextChoices):
    """The two departments of the city administration: the two sides of every review."""

    STADTENTWICKLUNG = "stadtentwicklung", _("Urban development and planning")
    FAMILIE_SOZIALES = "familie_soziales", _("Family and social affairs")


class Role(models.TextChoices):
    QM_COORDINATOR = "qm", _("Neighbourhood management coordinator")
    GWA = "gwa", _("Community social worker")
    FAMILY_SUPPORT = "familienfoerderung", _("Family support")
    LEADERSHIP = "leitung", _("Leadership")
    ADMIN = "admin", _("City administrator")


# The Ressort each role belongs to; leadership may sit in either, admins in none.
ROLE_RESSORT = {
    Role.QM_COORDINATOR: Ressort.STADTENTWICKLUNG,
    Role.GWA: Ressort.FAMILIE_SOZIALES,
    Role.FAMILY_SUPPORT: Ressort.FAMILIE_SOZIALES,
}


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    ressort = models.CharField(_("department"), max_length=20, choices=Ressort.choices, blank=True)
    quartiere = models.ManyToManyField(
        "quartiere.Quartier",
        verbose_name=_("quarters covered"),
        blank=True,
        related_name="staff",
        help_text=_("The quarters this person works in. The coordinator and leadership see all quarters."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="qm", ressort="stadtentwicklung")
                    | Q(role__in=["gwa", "familienfoerderung"], ressort="familie_soziales")
                    | Q(role="leitung", ressort__in=["stadtentwicklung", "familie_soziales"])
                    | Q(role__in=["admin", ""], ressort="")
                ),
                name="user_role_matches_ressort",
                violation_error_message=_("The department does not match the role."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        expected = ROLE_RESSORT.get(self.role)
        if expected and self.ressort != expected:
            raise ValidationError({"ressort": _("This role belongs to the department “%s”.") % expected.label})
        if self.role == Role.LEADERSHIP and not self.ressort:
            raise ValidationError({"ressort": _("Leadership belongs to one of the two departments.")})
        if self.role in ("", Role.ADMIN) and self.ressort:
            raise ValidationError({"ressort": _("Only staff of a department have a department.")})


class Foerderquelle(models.Model):
    """Where the money for a staff position comes from: the permanent staff plan or a funding programme."""

    class Kind(models.TextChoices):
        STAFF_PLAN = "stellenplan", _("Permanent staff plan")
        MODEL_FUNDING = "modellfoerderung", _("Model funding")
        THIRD_PARTY = "drittmittel", _("Third-party funding")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Stelle(models.Model):
    """A staff position: a share of a full-time post in one Ressort, paid from one source, for a period."""

    title = models.CharField(_("title"), max_length=200)
    ressort = models.CharField(_("department"), max_length=20, choices=Ressort.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stellen",
    )
    fte = models.DecimalField(
        _("full-time equivalent"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message=_("FTE must be above 0."))],
        help_text=_("Share of a full-time post, e.g. 0.75."),
    )
    funding = models.ForeignKey(
        Foerderquelle, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="stellen"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty for a permanent post."))
    quartiere = models.ManyToManyField(
        "quartiere.Quartier", verbose_name=_("quarters covered"), blank=True, related_name="stellen"
    )

    class Meta:
        verbose_name = _("staff position")
        verbose_name_plural = _("staff positions")
        ordering = ["-start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0), name="stelle_fte_positive", violation_error_message=_("FTE must be above 0.")
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="stelle_end_not_before_start",
                violation_error_message=_("The end must not be before the start."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.fte})"

    def clean(self):
        super().clean()
        validate_period(self.start, self.end)


def validate_period(start, end, start_field="start", end_field="end"):
    """Raise a field error on ``end_field`` when a period ends before it starts."""
    if start and end and end < start:
        raise ValidationError({end_field: _("The end must not be before the start.")})


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


class ReviewedModel(models.Model):
    """A content entry that one Ressort writes and the other reviews (see DESIGN.md, the review rule).

    The state only changes through the review services; ``version`` counts saves so that a stale edit can be
    refused instead of overwriting someone else's.
    """

    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT, editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditLogError(Exception):
    """Raised on any attempt to change or delete what the audit log recorded."""


class LogEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogError("The audit log is append-only.")

    def delete(self):
        raise AuditLogError("The audit log is append-only.")


class LogEntry(models.Model):
    """One step in the history of an entry: who did what, when, with which changes. Append-only.

    Written by ``hameln_quartiere.services.log`` in the same transaction as the change it records.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object"), max_length=64)
    object_repr = models.CharField(_("entry"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, help_text=_("E.g. treffpunkte.angebot.changed"))
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"], name="logentry_object_idx")]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogError("The audit log is append-only.")
