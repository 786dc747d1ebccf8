"""Recording attendance: counted per occurrence, directly and without review, each count in the audit log."""

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hameln_quartiere.rules import may
from hameln_quartiere.services import log
from treffpunkte.models import Teilnahme

MAX_PARTICIPANTS = 100000


class AttendanceError(Exception):
    """A count that cannot be recorded (no permission, no such occurrence, a wrong number); nothing was saved."""


class AttendanceConflict(AttendanceError):
    """Someone else recorded (or removed) a count after the person loaded it; nothing was saved.

    ``conflicts`` maps ``(offer id, date)`` to the count recorded now: a ``Teilnahme``, or ``None`` if removed.
    """

    def __init__(self, conflicts):
        self.conflicts = conflicts
        super().__init__(_("Someone else has recorded attendance for the same dates meanwhile; nothing was saved."))


@transaction.atomic
def record_attendance(counts, *, actor, loaded=None):
    """Record how many people came to each occurrence in ``counts``: ``(angebot, date, participants)`` triples.

    A new count is created, a different one replaces the old, ``None`` removes a recorded count. Every row is
    checked before anything is written: the person records attendance for the offer, the offer takes place on
    the date (its schedule without cancellations; give the offers with ``schedules`` and ``cancellations``
    prefetched), and the number lies between 0 and 100,000. Otherwise ``AttendanceError`` and nothing is saved.
    Returns the number of counts created, changed and removed.

    ``loaded`` maps ``(offer id, date)`` to the count the person started from (``None``: none was recorded). A
    row whose recorded count differs from it by now (someone else saved meanwhile) is not overwritten: unless the
    person gives the very count recorded now, ``AttendanceConflict`` names those rows and nothing is saved.
    """
    counts = list(counts)
    for angebot, day, participants in counts:
        if not may(actor, "record_attendance", angebot):
            raise AttendanceError(_("You may not record attendance for “%(offer)s”.") % {"offer": angebot})
        if participants is not None and not 0 <= participants <= MAX_PARTICIPANTS:
            raise AttendanceError(
                _("The number of participants must lie between 0 and %(max)s.") % {"max": MAX_PARTICIPANTS}
            )
        if not angebot.takes_place_on(day):
            raise AttendanceError(
                _("“%(offer)s” does not take place on %(date)s.")
                % {"offer": angebot, "date": date_format(day, "SHORT_DATE_FORMAT")}
            )
    keys = [(angebot.pk, day) for angebot, day, _participants in counts]
    if len(set(keys)) != len(keys):
        raise AttendanceError(_("The same occurrence was given twice."))

    existing = {
        (teilnahme.angebot_id, teilnahme.date): teilnahme
        for teilnahme in Teilnahme.objects.select_for_update().filter(
            period=Teilnahme.Period.OCCURRENCE,
            angebot__in={angebot.pk for angebot, _day, _participants in counts},
            date__in={day for _angebot, day, _participants in counts},
        )
    }
    if loaded is not None:
        conflicts = {}
        for angebot, day, participants in counts:
            key = (angebot.pk, day)
            if key not in loaded:
                continue
            teilnahme = existing.get(key)
            current = teilnahme.participants if teilnahme is not None else None
            if current != loaded[key] and current != participants:
                conflicts[key] = teilnahme
        if conflicts:
            raise AttendanceConflict(conflicts)
    result = {"created": 0, "changed": 0, "removed": 0}
    for angebot, day, participants in counts:
        teilnahme = existing.get((angebot.pk, day))
        if teilnahme is not None:
            teilnahme.angebot = angebot
        if participants is None:
            if teilnahme is not None:
                log(teilnahme, "deleted", actor=actor, data={"changes": {"participants": [teilnahme.participants, ""]}})
                teilnahme.delete()
                result["removed"] += 1
        elif teilnahme is None:
            teilnahme = Teilnahme.objects.create(
                angebot=angebot,
                period=Teilnahme.Period.OCCURRENCE,
                date=day,
                participants=participants,
                recorded_by=actor,
            )
            log(teilnahme, "created", actor=actor, data={"changes": {"participants": ["", participants]}})
            result["created"] += 1
        elif teilnahme.participants != participants:
            old = teilnahme.participants
            teilnahme.participants = participants
            teilnahme.recorded_by = actor
            teilnahme.save(update_fields=["participants", "recorded_by"])
            log(teilnahme, "changed", actor=actor, data={"changes": {"participants": [old, participants]}})
            result["changed"] += 1
    return result
