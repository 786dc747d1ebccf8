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


@transaction.atomic
def record_attendance(counts, *, actor):
    """Record how many people came to each occurrence in ``counts``: ``(angebot, date, participants)`` triples.

    A new count is created, a different one replaces the old, ``None`` removes a recorded count. Every row is
    checked before anything is written: the person records attendance for the offer, the offer takes place on
    the date (its schedule without cancellations; give the offers with ``schedules`` and ``cancellations``
    prefetched), and the number lies between 0 and 100,000. Otherwise ``AttendanceError`` and nothing is saved.
    Returns the number of counts created, changed and removed.
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
