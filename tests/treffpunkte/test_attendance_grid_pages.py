"""The attendance grid pages a long week: a city's programme has hundreds of dates a week (see bench/)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.treffpunkte.conftest import MONDAY, WEEK, client_for, weekly_angebot
from tests.treffpunkte.test_attendance_grid import post_rows, rows_of
from treffpunkte.models import Teilnahme
from treffpunkte.views import GRID_PAGE_SIZE

URL = reverse("treffpunkte:attendance-grid")


@pytest.fixture
def long_week(kuckuck):
    """One more Tuesday offer than fit on a page, each at its own meeting point."""
    return [weekly_angebot(kuckuck) for _ in range(GRID_PAGE_SIZE + 1)]


def test_the_grid_shows_a_page_of_rows_and_the_rest_on_the_next(gwa, long_week):
    client = client_for(gwa)

    first = client.get(URL, {"woche": WEEK})
    second = client.get(URL, {"woche": WEEK, "page": 2})

    assert len(rows_of(first)) == GRID_PAGE_SIZE
    assert len(rows_of(second)) == 1
    assert set(rows_of(first)) | set(rows_of(second)) == {
        (angebot.pk, MONDAY + datetime.timedelta(days=1)) for angebot in long_week
    }
    assert f"?woche={WEEK}&amp;page=2" in first.content.decode()
    # Each row names its meeting point, read for the page's rows only.
    angebot = next(a for a in long_week if a.pk == rows_of(second)[0][0])
    assert angebot.treffpunkt.name in second.content.decode()


def test_a_page_that_is_not_there_shows_the_last_one(gwa, long_week):
    response = client_for(gwa).get(URL, {"woche": WEEK, "page": "99"})

    assert response.status_code == 200
    assert len(rows_of(response)) == 1


def test_saving_the_second_page_saves_its_rows_and_returns_to_it(gwa, long_week):
    client = client_for(gwa)
    angebot_id, day = rows_of(client.get(URL, {"woche": WEEK, "page": 2}))[0]

    response = post_rows(client, [(angebot_id, day, 12)], week=f"{WEEK}&page=2")

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?woche={WEEK}&page=2"
    assert Teilnahme.objects.get(angebot_id=angebot_id, date=day).participants == 12


def test_rows_sent_from_another_page_are_read_together_not_one_by_one(gwa, long_week):
    client = client_for(gwa)
    first = rows_of(client.get(URL, {"woche": WEEK}))
    second = rows_of(client.get(URL, {"woche": WEEK, "page": 2}))
    # A page that still shows the rows of the first page and the one of the second: all saved in one go, and the
    # offers outside the page are read in one batch.
    rows = [(angebot_id, day, 3) for angebot_id, day in [*first[:20], *second]]

    with CaptureQueriesContext(connection) as queries:
        response = post_rows(client, rows, week=f"{WEEK}&page=2")

    assert response.status_code == 302
    assert Teilnahme.objects.filter(participants=3).count() == 21
    offer_reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "treffpunkte_angebot"')]
    assert len(offer_reads) == 1, "\n".join(offer_reads)
