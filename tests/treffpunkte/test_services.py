"""``record_attendance``: the one way counts are written, checked row by row before anything is saved."""

import datetime

import pytest

from hameln_quartiere.models import LogEntry
from tests.treffpunkte.conftest import MONDAY, weekly_angebot
from treffpunkte.models import Teilnahme
from treffpunkte.services import AttendanceError, record_attendance

TUESDAY = MONDAY + datetime.timedelta(days=1)


def test_counts_are_created_changed_and_removed_with_a_log_row_each(gwa, kuckuck):
    first, second = weekly_angebot(kuckuck), weekly_angebot(kuckuck)
    assert record_attendance([(first, TUESDAY, 5), (second, TUESDAY, 3)], actor=gwa) == {
        "created": 2,
        "changed": 0,
        "removed": 0,
    }
    assert record_attendance([(first, TUESDAY, 6), (second, TUESDAY, None)], actor=gwa) == {
        "created": 0,
        "changed": 1,
        "removed": 1,
    }
    assert list(Teilnahme.objects.values_list("participants", flat=True)) == [6]
    assert LogEntry.objects.filter(actor=gwa).count() == 4


@pytest.mark.parametrize(
    ("day", "participants"),
    [(TUESDAY, -1), (TUESDAY, 100001), (TUESDAY + datetime.timedelta(days=1), 5)],
    ids=["negative", "too many", "not scheduled"],
)
def test_a_wrong_row_saves_nothing_at_all(gwa, kuckuck, day, participants):
    good, bad = weekly_angebot(kuckuck), weekly_angebot(kuckuck)
    with pytest.raises(AttendanceError):
        record_attendance([(good, TUESDAY, 5), (bad, day, participants)], actor=gwa)
    assert not Teilnahme.objects.exists()
    assert not LogEntry.objects.exists()


def test_only_those_who_edit_the_offer_record_its_attendance(gwa_nord, familie, kuckuck):
    angebot = weekly_angebot(kuckuck)
    for person in (gwa_nord, familie):
        with pytest.raises(AttendanceError):
            record_attendance([(angebot, TUESDAY, 5)], actor=person)
    assert not Teilnahme.objects.exists()
