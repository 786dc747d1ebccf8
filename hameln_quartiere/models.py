"""People, their roles and posts, and the pieces every content entry shares."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
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


# The coordinator steers, leadership reads and the city admins keep the whole programme; the quarters
# assigned to them do not limit what they see (see the help text of ``User.quartiere``).
ALL_QUARTERS_ROLES = frozenset({Role.QM_COORDINATOR, Role.LEADERSHIP, Role.ADMIN})

# The two roles that write content and review the other Ressort's entries.
REVIEWER_ROLES = frozenset({Role.QM_COORDINATOR, Role.GWA})

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

    @property
    def is_city_admin(self):
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def covers_all_quarters(self):
        return self.role in ALL_QUARTERS_ROLES or self.is_superuser

    @cached_property
    def quartier_ids(self):
        """The ids of the quarters this person works in, read once per request (or taken from a prefetch)."""
        if "quartiere" in getattr(self, "_prefetched_objects_cache", {}):
            return frozenset(quartier.pk for quartier in self.quartiere.all())
        return frozenset(self.quartiere.values_list("pk", flat=True))

    def covers(self, quartier_id):
        """Whether the person works in the quarter; something of no quarter (the programme's meetings) concerns all."""
        return self.covers_all_quarters or quartier_id is None or quartier_id in self.quartier_ids

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


class ReviewedQuerySet(models.QuerySet):
    def approved(self):
        """Entries with an approved version: what public pages and reports read."""
        return self.filter(approved_at__isnull=False)

    def in_quarters(self, quartier_ids):
        return self.filter(**{f"{self.model.quartier_lookup}__in": quartier_ids})

    def visible_to(self, user):
        """What ``user`` may see in the portal; anything else is a 404 there."""
        if not user.is_authenticated or not (user.role or user.is_superuser) or not user.is_active:
            return self.none()
        if user.covers_all_quarters:
            return self
        return self.in_quarters(user.quartier_ids)

    def awaiting_review_by(self, user):
        """Submitted entries ``user`` may decide on: the other Ressort's, not their own, in their quarters."""
        if user.role not in REVIEWER_ROLES or not user.is_active:
            return self.none()
        return (
            self.visible_to(user)
            .filter(review_state=ReviewState.SUBMITTED)
            .exclude(submitted_by=user)
            .exclude(contributors=user)
            .exclude(submitted_ressort=user.ressort)
        )


class ReviewedModel(models.Model):
    """A content entry that one Ressort writes and the other reviews (see DESIGN.md, the review rule).

    The row holds the approved version once there is one (``approved_at`` set): public pages and reports read
    it. A later edit is kept in ``pending`` until it is approved, so the approved version stays live. The
    review fields change only through ``hameln_quartiere.services``; ``version`` counts saves so that a stale
    edit is refused instead of overwriting someone else's.

    Subclasses name the path to their quarter in ``quartier_lookup``: permissions and scoping follow it.
    """

    quartier_lookup = "quartier"

    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT, editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    pending = models.JSONField(
        _("proposed change"),
        encoder=DjangoJSONEncoder,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Values proposed for an approved entry, waiting for review."),
    )
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
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("Everyone who wrote the version under review: none of them may approve it."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_ressort = models.CharField(
        _("submitted by department"), max_length=20, choices=Ressort.choices, blank=True, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False, db_index=True)
    override_reason = models.TextField(
        _("reason for the admin override"),
        blank=True,
        editable=False,
        help_text=_("Set when a city admin decided the last review instead of the other department."),
    )

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}-detail", args=[self.pk])

    @property
    def is_live(self):
        """Whether an approved version exists (and public pages show it)."""
        return self.approved_at is not None

    @classmethod
    def finished(cls):
        """Entries whose work is over (closed, completed, assessed): nobody needs to keep them up to date."""
        return Q(pk__in=[])

    def is_contributor(self, user):
        """Whether ``user`` wrote any of the version under review (read once per entry object)."""
        if not hasattr(self, "_contributor_ids"):
            self._contributor_ids = {contributor.pk for contributor in self.contributors.all()}
        return user.pk in self._contributor_ids

    def get_quartier_id(self):
        """The id of the quarter this entry belongs to, following ``quartier_lookup``."""
        *path, last = self.quartier_lookup.split("__")
        obj = self
        for name in path:
            obj = getattr(obj, name)
        return getattr(obj, f"{last}_id")


class AuditLogError(Exception):
    """Raised on any attempt to change or delete what the audit log recorded."""


class LogEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogError("The audit log is append-only.")

    def delete(self):
        raise AuditLogError("The audit log is append-only.")


# What each dotted action code's last part means, for people reading a history.
VERB_LABELS = {
    "created": _("created"),
    "changed": _("changed"),
    "submitted": _("submitted for review"),
    "approved": _("approved"),
    "returned": _("returned for revision"),
    "commented": _("commented"),
    "discarded": _("proposed change discarded"),
    "progress": _("progress update recorded"),
    "deleted": _("deleted"),
    "finalised": _("finalised"),
}


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

    @property
    def verb(self):
        return self.action.rsplit(".", 1)[-1]

    def get_verb_display(self):
        return VERB_LABELS.get(self.verb, self.verb)


class Comment(models.Model):
    """A remark on a content entry, by either Ressort, at any state. Returning an entry requires one."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        RETURN = "return", _("Returned for revision")
        OVERRIDE = "override", _("Admin override")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="comment_object_idx")]

    def __str__(self):
        return self.text[:80]


class Notification(models.Model):
    """An entry in a person's inbox: something was submitted to them, returned, approved or commented on."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for your review")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")
        COMMENTED = "commented", _("New comment")
        TASK_ASSIGNED = "task_assigned", _("A task for you")
        TASK_OVERDUE = "task_overdue", _("Task overdue")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_repr = models.CharField(_("entry"), max_length=300)
    url = models.CharField(_("address"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.object_repr}"
