"""Working together: meetings with agenda, minutes, decisions and tasks; practice examples and their transfer
from one quarter to another; a personal calendar feed.

Minutes and practice examples are content entries under the review rule (``ReviewedModel``). Tasks, attachments
and the steps of a transfer are recorded directly, like attendance and progress updates.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hameln_quartiere.models import ReviewedModel, ReviewedQuerySet


class SitzungQuerySet(ReviewedQuerySet):
    def in_quarters(self, quartier_ids):
        """Meetings of the whole programme (no quarter) and those of one of ``quartier_ids``."""
        return self.filter(Q(quartier__isnull=True) | Q(quartier__in=quartier_ids))


class Sitzung(ReviewedModel):
    """A meeting of one of the programme's bodies. Its minutes count as final once the other Ressort approved them.

    A meeting belongs to one quarter, or to the whole programme when it names none (the steering round, the
    practice network): staff of that quarter see it, and everyone sees the programme's meetings.
    """

    class Kind(models.TextChoices):
        STEERING = "steuerungsrunde", _("Steering round")
        EXCHANGE = "austausch", _("“Austausch Stadtteilarbeit”")
        PROJECT_TEAM = "projektteam", _("Project team “Hameln k.a.n.(n')s. gemeinsam”")
        PRACTICE_NETWORK = "praxisnetzwerk", _("Practice network meeting")

    kind = models.CharField(_("kind of meeting"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Optional, e.g. “Spring 2019”."))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    quartier = models.ForeignKey(
        "quartiere.Quartier",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sitzungen",
        help_text=_("Empty for a meeting of the whole programme or of several quarters."),
    )
    teilnehmende = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff taking part"), blank=True, related_name="sitzungen"
    )
    guests = models.TextField(
        _("organisations and guests"),
        blank=True,
        help_text=_("By organisation or role, e.g. “Kirchengemeinde St. Exempel (chair)”; never residents' names."),
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("follows up on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = SitzungQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-start_time", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="sitzung_ends_after_start",
                violation_error_message=_("The end time must be after the start time."),
            ),
            # One meeting of a body a day, so that preparing the next one twice (a double click) makes one.
            models.UniqueConstraint(
                fields=["kind", "quartier", "date"],
                condition=Q(quartier__isnull=False),
                name="sitzung_one_per_day_and_quarter",
                violation_error_message=_("A meeting of this kind is already prepared for this date."),
            ),
            models.UniqueConstraint(
                fields=["kind", "date"],
                condition=Q(quartier__isnull=True),
                name="sitzung_one_per_day_of_the_programme",
                violation_error_message=_("A meeting of this kind is already prepared for this date."),
            ),
        ]

    def __str__(self):
        name = self.title or self.get_kind_display()
        return f"{name}, {self.date:%d.%m.%Y}"

    @classmethod
    def finished(cls):
        # Approved minutes are final; nobody needs to keep the meeting up to date.
        return Q(review_state="approved")

    def clean(self):
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end time must be after the start time.")})


class Tagesordnungspunkt(models.Model):
    """An item on a meeting's agenda, with its minutes and, where one was taken, the decision."""

    class Status(models.TextChoices):
        OPEN = "offen", _("Not yet decided")
        INFORMATION = "information", _("For information")
        DECIDED = "beschlossen", _("Decided")
        DEFERRED = "vertagt", _("Deferred")

    sitzung = models.ForeignKey(
        Sitzung, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="tagesordnungspunkte"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("agenda item"), max_length=300)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    decision = models.TextField(_("decision"), blank=True)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        editable=False,
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["sitzung", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="beschlossen") | ~Q(decision=""),
                name="tagesordnungspunkt_decision_has_text",
                violation_error_message=_("A decided item needs the decision in words."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    @property
    def is_undecided(self):
        """Still waiting for a decision: carried into the next meeting of the same kind."""
        return self.status in (self.Status.OPEN, self.Status.DEFERRED)

    def clean(self):
        super().clean()
        if self.status == self.Status.DECIDED and not self.decision.strip():
            raise ValidationError({"decision": _("A decided item needs the decision in words.")})


class Aufgabe(models.Model):
    """A task from a decision: what, who (a staff member), by when, and what it concerns."""

    class Status(models.TextChoices):
        OPEN = "offen", pgettext_lazy("task", "Open")
        DONE = "erledigt", _("Done")
        DROPPED = "entfallen", _("No longer needed")

    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="aufgaben"
    )
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    tagesordnungspunkt = models.ForeignKey(
        Tagesordnungspunkt,
        verbose_name=_("from the decision on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aufgaben",
    )
    massnahme = models.ForeignKey(
        "handlungskonzepte.Massnahme",
        verbose_name=_("measure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aufgaben",
    )
    treffpunkt = models.ForeignKey(
        "treffpunkte.Treffpunkt",
        verbose_name=_("meeting point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aufgaben",
    )
    quartier = models.ForeignKey(
        "quartiere.Quartier",
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aufgaben",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True, editable=False)
    last_reminded_on = models.DateField(_("last reminded"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["assignee", "status", "due"], name="aufgabe_assignee_open_idx")]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return self.status == self.Status.OPEN and self.due < timezone.localdate()


ATTACHMENT_TYPES = {
    # Extension: the first bytes of such a file. Office formats are ZIP (OOXML, OpenDocument) or OLE (legacy).
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".odp": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def attachment_path(instance, filename):
    # A random folder per file: names never collide, and a guessed address finds nothing (files are served
    # only through the permission-checked download view anyway).
    return f"sitzungen/{instance.sitzung_id}/{secrets.token_hex(8)}/{filename}"


class Anlage(models.Model):
    """A document attached to a meeting (PDF or office file), downloadable by who may see the meeting."""

    sitzung = models.ForeignKey(Sitzung, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="anlagen")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    title = models.CharField(_("title"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["sitzung", "uploaded_at", "pk"]

    def __str__(self):
        return self.title or self.file.name.rsplit("/", 1)[-1]


class Praxisbeispiel(ReviewedModel):
    """A practice that works in one quarter, described so that another quarter can adopt it."""

    title = models.CharField(_("title"), max_length=200)
    quartier = models.ForeignKey(
        "quartiere.Quartier", verbose_name=_("origin quarter"), on_delete=models.PROTECT, related_name="praxisbeispiele"
    )
    angebot = models.ForeignKey(
        "treffpunkte.Angebot",
        verbose_name=_("origin offer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="praxisbeispiele",
    )
    massnahme = models.ForeignKey(
        "handlungskonzepte.Massnahme",
        verbose_name=_("origin measure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="praxisbeispiele",
    )
    context = models.TextField(_("context"), help_text=_("Where and why it came about, for whom."))
    needs_people = models.TextField(_("people needed"), blank=True)
    needs_rooms = models.TextField(_("rooms needed"), blank=True)
    needs_money = models.TextField(_("money needed"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("practice example")
        verbose_name_plural = _("practice examples")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.angebot_id and self.quartier_id and self.angebot.quartier_id != self.quartier_id:
            raise ValidationError({"angebot": _("The offer lies in another quarter.")})
        if self.massnahme_id and self.quartier_id and self.massnahme.handlungskonzept.quartier_id != self.quartier_id:
            raise ValidationError({"massnahme": _("The measure belongs to another quarter.")})


class Transfer(models.Model):
    """A practice example on its way from its origin quarter into another quarter.

    The status moves idea → preparing → adopted → adapted, or to dropped; every step is kept in
    ``TransferSchritt``, so a dropped transfer still tells what was tried and learnt.
    """

    class Status(models.TextChoices):
        IDEA = "idee", _("Idea")
        PREPARING = "vorbereitung", _("Preparing")
        ADOPTED = "uebernommen", _("Adopted")
        ADAPTED = "angepasst", _("Adapted")
        DROPPED = "verworfen", _("Dropped")

    praxisbeispiel = models.ForeignKey(
        Praxisbeispiel, verbose_name=_("practice example"), on_delete=models.PROTECT, related_name="transfers"
    )
    quartier = models.ForeignKey(
        "quartiere.Quartier", verbose_name=_("target quarter"), on_delete=models.PROTECT, related_name="transfers"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDEA)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("driven by"), on_delete=models.PROTECT, related_name="transfers"
    )
    learnt = models.TextField(_("what was learnt"), blank=True)
    angebot = models.ForeignKey(
        "treffpunkte.Angebot",
        verbose_name=_("adopted as offer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
    )
    massnahme = models.ForeignKey(
        "handlungskonzepte.Massnahme",
        verbose_name=_("adopted as measure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["praxisbeispiel", "quartier"]
        constraints = [
            models.UniqueConstraint(
                fields=["praxisbeispiel", "quartier"],
                name="transfer_unique_target",
                violation_error_message=_("This practice is already being transferred to this quarter."),
            ),
        ]

    def __str__(self):
        return f"{self.praxisbeispiel} → {self.quartier}"

    def clean(self):
        super().clean()
        if self.praxisbeispiel_id and self.quartier_id and self.praxisbeispiel.quartier_id == self.quartier_id:
            raise ValidationError({"quartier": _("A practice is transferred into another quarter than its own.")})
        if self.angebot_id and self.quartier_id and self.angebot.quartier_id != self.quartier_id:
            raise ValidationError({"angebot": _("The adopted offer lies in another quarter.")})
        if self.massnahme_id and self.quartier_id and self.massnahme.handlungskonzept.quartier_id != self.quartier_id:
            raise ValidationError({"massnahme": _("The adopted measure belongs to another quarter.")})


class TransferSchritt(models.Model):
    """One step of a transfer: its status from then on and what was noted. Never changed or deleted."""

    transfer = models.ForeignKey(
        Transfer, verbose_name=_("transfer"), on_delete=models.CASCADE, related_name="schritte"
    )
    status = models.CharField(_("status"), max_length=20, choices=Transfer.Status.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("transfer step")
        verbose_name_plural = _("transfer steps")
        ordering = ["transfer", "at", "pk"]

    def __str__(self):
        return f"{self.transfer}: {self.get_status_display()}"


def new_token():
    return secrets.token_urlsafe(32)


class KalenderZugang(models.Model):
    """A person's secret address for their calendar feed: meetings they take part in and their tasks' due dates.

    Revoking it makes the address a 404 at once; a new one can be made at any time.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="kalender_zugaenge"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")
        ordering = ["user", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="kalenderzugang_one_active_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.created_at:%d.%m.%Y}"
