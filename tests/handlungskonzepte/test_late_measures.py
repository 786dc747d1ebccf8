"""A measure is late when its period has ended and it is neither completed nor dropped; pages say so in words."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from handlungskonzepte.models import Massnahme
from tests import factories as f
from tests.handlungskonzepte.conftest import client_for

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
S = Massnahme.Status


@pytest.mark.parametrize(
    ("end", "status", "late"),
    [
        (YESTERDAY, S.PLANNED, True),
        (YESTERDAY, S.RUNNING, True),
        (YESTERDAY, S.PAUSED, True),
        (YESTERDAY, S.DONE, False),
        (YESTERDAY, S.DROPPED, False),
        (TODAY, S.RUNNING, False),
        (None, S.RUNNING, False),
    ],
)
def test_a_measure_is_late_only_after_its_end_and_while_not_completed_or_dropped(end, status, late):
    massnahme = Massnahme(start=datetime.date(2019, 1, 1), end=end, status=status)
    assert massnahme.is_late is late


def test_late_measures_are_flagged_with_text_on_the_concept_and_measure_pages(people, konzept):
    late = f.MassnahmeFactory(handlungskonzept=konzept, title="Spät", end=YESTERDAY, status=S.RUNNING)
    f.MassnahmeFactory(handlungskonzept=konzept, title="Fertig", end=YESTERDAY, status=S.DONE)
    client = client_for(people["gwa"])

    concept_page = client.get(konzept.get_absolute_url()).content.decode()
    measure_page = client.get(late.get_absolute_url()).content.decode()

    with translation.override("en"):
        ended = date_format(YESTERDAY, "SHORT_DATE_FORMAT")
    assert concept_page.count("measure-late") == 1
    for page in (concept_page, measure_page):
        assert ended in page
        assert "Late: its period ended on" in page
