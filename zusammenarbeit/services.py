"""What follows from a meeting: tasks from its decisions, reminders of overdue tasks, attachments, and the next
meeting of the same kind prepared from the last one.

Like the review services these take a keyword-only actor, check who may act, run in one transaction and write
the audit row with the change. Tasks and attachments are recorded directly, without review (the minutes are
reviewed; what is done about them is not), so they may be added also once the minutes are approved.
"""

import datetime
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst, get_valid_filename
from django.utils.translation import gettext as _

from hameln_quartiere.cache import DATA
from hameln_quartiere.models import Notification, ReviewState
from hameln_quartiere.rules import has_staff_role, may
from hameln_quartiere.services import ReviewError, log, notify
from zusammenarbeit.models import Anlage, Aufgabe, Sitzung, Tagesordnungspunkt

# --- Which tasks a person sees -------------------------------------------------------------------------------


def visible_tasks(user):
    """The tasks ``user`` may see (``zusammenarbeit.view_aufgabe`` as a query): their own, those they created,
    and those of the meetings they may see."""
    if not has_staff_role(user):
        return Aufgabe.objects.none()
    if user.is_city_admin:
        return Aufgabe.objects.all()
    meetings = Sitzung.objects.visible_to(user).values("pk")
    return Aufgabe.objects.filter(Q(assignee=user) | Q(created_by=user) | Q(tagesordnungspunkt__sitzung__in=meetings))


def task_url(aufgabe, sitzung=None):
    """Where a task is shown: at its decision on the meeting's page, or (without a meeting) in the task list."""
    if sitzung is None and aufgabe.tagesordnungspunkt_id:
        sitzung = aufgabe.tagesordnungspunkt.sitzung
    if sitzung is None:
        return reverse("zusammenarbeit:aufgabe-list")
    return f"{sitzung.get_absolute_url()}#aufgabe-{aufgabe.pk}"


def due_text(aufgabe):
    return _("Due on %(date)s.") % {"date": date_format(aufgabe.due, "SHORT_DATE_FORMAT")}


# --- Tasks ---------------------------------------------------------------------------------------------------


@transaction.atomic
def create_task(punkt, *, actor, title, assignee, due, description="", massnahme=None, treffpunkt=None, quartier=None):
    """A task from the decision on agenda item ``punkt``; its assignee hears of it in the inbox and by e-mail.

    The item must carry a decision, and the assignee must be active staff who may see the meeting, or the
    task is refused (``ReviewError``) and nothing is saved.
    """
    sitzung = punkt.sitzung
    if not may(actor, "follow_up", sitzung):
        raise ReviewError(_("Only those who may edit this meeting record its tasks."))
    if punkt.status != Tagesordnungspunkt.Status.DECIDED:
        raise ReviewError(_("Tasks come from decisions: record the decision on this agenda item first."))
    if not may(assignee, "view", sitzung):
        raise ReviewError(
            _("%(person)s may not see this meeting, so the task cannot go to them.") % {"person": assignee}
        )
    aufgabe = Aufgabe.objects.create(
        title=title,
        description=description,
        assignee=assignee,
        due=due,
        tagesordnungspunkt=punkt,
        massnahme=massnahme,
        treffpunkt=treffpunkt,
        quartier=quartier,
        created_by=actor,
    )
    log(
        aufgabe,
        "created",
        actor=actor,
        data={"sitzung": sitzung.pk, "tagesordnungspunkt": punkt.pk, "assignee": str(assignee), "due": due.isoformat()},
    )
    notify(
        [assignee],
        kind=Notification.Kind.TASK_ASSIGNED,
        entry=aufgabe,
        actor=actor,
        text=due_text(aufgabe),
        url=task_url(aufgabe, sitzung),
    )
    return aufgabe


@transaction.atomic
def mark_done(aufgabe, *, actor):
    """Mark an open task done. Returns False, changing nothing, if it was no longer open (a second click, or
    someone else was quicker): the state is checked in the same statement that changes it."""
    if not may(actor, "change", aufgabe):
        raise ReviewError(_("Only the person the task is assigned to, or who may edit its meeting, marks it done."))
    now = timezone.now()
    changed = Aufgabe.objects.filter(pk=aufgabe.pk, status=Aufgabe.Status.OPEN).update(
        status=Aufgabe.Status.DONE, done_at=now
    )
    if not changed:
        return False
    aufgabe.status, aufgabe.done_at = Aufgabe.Status.DONE, now
    log(
        aufgabe,
        "done",
        actor=actor,
        data={"changes": {"status": [str(Aufgabe.Status.OPEN.label), str(Aufgabe.Status.DONE.label)]}},
    )
    return True


def overdue_tasks(today):
    """Open tasks past their due date that have not been reminded of today."""
    return Aufgabe.objects.filter(status=Aufgabe.Status.OPEN, due__lt=today).filter(
        Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today)
    )


@transaction.atomic
def remind_assignee(assignee_id, *, today=None):
    """Remind a person of their overdue tasks in one notice, at most once a day per task; returns how many tasks
    the notice names (0: none was left to remind of).

    Each task is claimed for today in one ``UPDATE … WHERE last_reminded_on IS NULL OR < today``: of two runs on
    the same day, even at the same time, only one changes a row, and only that one names the task.
    """
    today = today or timezone.localdate()
    due = overdue_tasks(today).filter(assignee_id=assignee_id).order_by("due", "pk").values_list("pk", flat=True)
    claimed = [pk for pk in list(due) if overdue_tasks(today).filter(pk=pk).update(last_reminded_on=today)]
    if not claimed:
        return 0
    DATA.move_on()  # the claims were written with update(), which tells no cache
    tasks = list(
        Aufgabe.objects.filter(pk__in=claimed)
        .select_related("assignee", "tagesordnungspunkt__sitzung")
        .order_by("due", "pk")
    )
    first = tasks[0]
    url = task_url(first) if len(tasks) == 1 else reverse("zusammenarbeit:aufgabe-list") + "?state=overdue"
    notify(
        [first.assignee],
        kind=Notification.Kind.TASK_OVERDUE,
        entry=first,
        actor=None,
        text=open_tasks_text(tasks),
        url=url,
    )
    for aufgabe in tasks:
        log(aufgabe, "reminded", actor=None, data={"due": aufgabe.due.isoformat(), "on": today.isoformat()})
    return len(tasks)


def send_task_reminders(*, today=None):
    """Remind everyone with overdue open tasks, one notice a day per person; returns how many tasks were named."""
    today = today or timezone.localdate()
    # Each person in their own transaction: one failing mail does not hold back the others.
    people = overdue_tasks(today).order_by().values_list("assignee_id", flat=True).distinct()
    return sum(remind_assignee(assignee_id, today=today) for assignee_id in list(people))


# --- The next meeting ----------------------------------------------------------------------------------------


def last_meeting_before(sitzung_like, date):
    """The latest meeting of the same kind for the same quarter (or of the whole programme) before ``date``."""
    return (
        Sitzung.objects.filter(kind=sitzung_like.kind, quartier=sitzung_like.quartier_id, date__lt=date)
        .order_by("-date", "-start_time", "-pk")
        .first()
    )


def open_tasks_text(tasks):
    """The minutes of the first item of the next meeting: one line per open task."""
    lines = []
    for aufgabe in tasks:
        lines.append(
            _("– %(task)s (%(person)s, due %(date)s)")
            % {"task": aufgabe.title, "person": aufgabe.assignee, "date": date_format(aufgabe.due, "SHORT_DATE_FORMAT")}
        )
    return "\n".join(lines)


@transaction.atomic
def prepare_next_meeting(sitzung, *, actor, date):
    """A draft of the next meeting of the same kind and quarter on ``date``, following up on the last one.

    ``previous`` is the latest meeting of that kind before ``date``. The agenda starts with an item listing the
    tasks still open from that body's meetings up to the last one, followed by copies of the last meeting's
    items that were not decided (open or deferred), each pointing back to its origin (``carried_from``).
    Place, times, participants and guests are taken over. Refused if a meeting of this kind and quarter is
    already on that date, so that a second click prepares nothing twice.
    """
    new = Sitzung(
        kind=sitzung.kind,
        quartier_id=sitzung.quartier_id,
        date=date,
        start_time=sitzung.start_time,
        end_time=sitzung.end_time,
        place=sitzung.place,
        guests=sitzung.guests,
    )
    if not may(actor, "add", new):
        raise ReviewError(_("Your role does not allow preparing a meeting here."))
    if date <= sitzung.date:
        raise ReviewError(_("The next meeting takes place after this one."))
    already = _("A meeting of this kind is already prepared for this date.")
    same_day = Sitzung.objects.filter(kind=sitzung.kind, quartier=sitzung.quartier_id, date=date)
    if same_day.exists():
        raise ReviewError(already)
    previous = last_meeting_before(sitzung, date)
    new.previous = previous
    new.created_by = actor
    new.review_state = ReviewState.DRAFT
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError:
        # Two clicks at the same moment: the other one prepared it (the unique constraints of Sitzung).
        raise ReviewError(already) from None
    new.teilnehmende.set(sitzung.teilnehmende.filter(is_active=True))
    new.contributors.add(actor)

    punkte = []
    tasks = []
    if previous is not None:
        tasks = list(
            Aufgabe.objects.filter(
                status=Aufgabe.Status.OPEN,
                tagesordnungspunkt__sitzung__kind=previous.kind,
                tagesordnungspunkt__sitzung__quartier=previous.quartier_id,
                tagesordnungspunkt__sitzung__date__lte=previous.date,
            )
            .select_related("assignee")
            .order_by("due", "pk")
        )
        if tasks:
            # For information: the item reports on the tasks and is not carried on as undecided itself.
            punkte.append(
                Tagesordnungspunkt(
                    title=_("Open tasks from the last meeting"),
                    minutes=open_tasks_text(tasks),
                    status=Tagesordnungspunkt.Status.INFORMATION,
                )
            )
        for punkt in previous.tagesordnungspunkte.filter(
            status__in=[Tagesordnungspunkt.Status.OPEN, Tagesordnungspunkt.Status.DEFERRED]
        ):
            punkte.append(
                Tagesordnungspunkt(title=punkt.title, status=Tagesordnungspunkt.Status.OPEN, carried_from=punkt)
            )
    for position, punkt in enumerate(punkte, start=1):
        punkt.sitzung = new
        punkt.position = position
    Tagesordnungspunkt.objects.bulk_create(punkte)
    log(
        new,
        "created",
        actor=actor,
        data={
            "version": new.version,
            "previous": previous.pk if previous else None,
            "open_tasks": [aufgabe.pk for aufgabe in tasks],
            "carried": [punkt.carried_from_id for punkt in punkte if punkt.carried_from_id],
        },
    )
    return new


def next_meeting_date(sitzung):
    """A first guess for the next meeting: four weeks later."""
    return sitzung.date + datetime.timedelta(weeks=4)


# --- Attachments ---------------------------------------------------------------------------------------------


def safe_filename(name):
    """A file name that is safe on disk and in a download header: the base name, no path, no odd characters."""
    path = PurePath(name.replace("\\", "/"))
    stem = get_valid_filename(path.stem)[:100] or "anlage"
    return f"{stem}{path.suffix.lower()}"


def attach_file(sitzung, *, actor, file, title=""):
    """Store a checked file (see ``AnlageForm``) as an attachment of ``sitzung``.

    The file is written first and removed again if the row cannot be saved, so nothing is left half-way.
    """
    if not may(actor, "follow_up", sitzung):
        raise ReviewError(_("Only those who may edit this meeting add attachments."))
    anlage = Anlage(sitzung=sitzung, title=title, size=file.size, uploaded_by=actor)
    anlage.file.save(safe_filename(file.name), file, save=False)
    try:
        with transaction.atomic():
            anlage.save()
            log(
                sitzung,
                "changed",
                actor=actor,
                data={"changes": {_attachment_label(anlage): ["", str(anlage)]}, "parts": True},
            )
    except BaseException:
        anlage.file.delete(save=False)
        raise
    return anlage


def delete_attachment(anlage, *, actor):
    """Remove an attachment and its file."""
    sitzung = anlage.sitzung
    if not may(actor, "follow_up", sitzung):
        raise ReviewError(_("Only those who may edit this meeting remove attachments."))
    with transaction.atomic():
        log(
            sitzung,
            "changed",
            actor=actor,
            data={"changes": {_attachment_label(anlage): [str(anlage), ""]}, "parts": True},
        )
        anlage.delete()  # its file goes once the deletion is committed (see ZusammenarbeitConfig.ready)


def _attachment_label(anlage):
    return f"{capfirst(Anlage._meta.verbose_name)} „{anlage}“"


def attachment_limit_bytes():
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024
