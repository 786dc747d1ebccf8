"""The new pages need the same number of queries for 3 and for 30 offers (and their schedules, counts, measures).

Each test measures a page, adds many more rows, measures again and compares; then it pins the count with
``django_assert_max_num_queries`` so that an added query shows up here.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.treffpunkte.conftest import MONDAY, WEEK, client_for
from tests.treffpunkte.test_attendance_grid import rows_of

# What computing each page costs, not what the cache answers (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("computed_not_remembered")

FEW = 3
MANY = 30


def measure(client, url):
    """The queries of one GET of ``url``, after a first GET that fills the caches (content types, templates)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def assert_same_count(few, many):
    assert len(many) == len(few), "\n".join(["--- few:", *few, "--- many:", *many])


def add_offers(count, treffpunkt, *, massnahme=None):
    """``count`` offers at ``treffpunkt``, each with two times, a cancellation, two counts and ``massnahme``."""
    for _ in range(count):
        angebot = f.AngebotFactory(treffpunkt=treffpunkt, quartier=treffpunkt.quartier)
        f.ScheduleFactory(angebot=angebot)
        f.ScheduleFactory(angebot=angebot, weekday=3, treffpunkt=treffpunkt)
        angebot.cancellations.create(date=MONDAY + datetime.timedelta(days=3))
        f.TeilnahmeFactory(angebot=angebot, date=MONDAY + datetime.timedelta(days=1))
        f.TeilnahmeFactory(angebot=angebot, date=MONDAY - datetime.timedelta(days=6))
        if massnahme is not None:
            massnahme.angebote.add(angebot)


def add_measures(count, treffpunkt):
    konzept = f.HandlungskonzeptFactory(quartier=treffpunkt.quartier)
    return [f.MassnahmeFactory(handlungskonzept=konzept, treffpunkt=treffpunkt) for _ in range(count)]


def test_my_meeting_points_needs_the_same_queries_for_few_and_many_offers(gwa, kuckuck, django_assert_max_num_queries):
    client = client_for(gwa)
    url = reverse("treffpunkte:my-treffpunkte")
    for _ in range(FEW):
        add_offers(FEW, f.TreffpunktFactory(quartier=kuckuck))
    f.AngebotFactory(treffpunkt=None, is_mobile=True, quartier=kuckuck)
    few = measure(client, url)
    for _ in range(MANY - FEW):
        add_offers(FEW, f.TreffpunktFactory(quartier=kuckuck))
    add_offers(MANY, f.TreffpunktFactory(quartier=kuckuck))
    f.AngebotFactory(treffpunkt=None, is_mobile=True, quartier=kuckuck)
    assert_same_count(few, measure(client, url))
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_the_attendance_grid_needs_the_same_queries_for_few_and_many_offers(
    gwa, kuckuck, django_assert_max_num_queries
):
    client = client_for(gwa)
    url = f"{reverse('treffpunkte:attendance-grid')}?woche={WEEK}"
    add_offers(FEW, f.TreffpunktFactory(quartier=kuckuck))
    few = measure(client, url)
    add_offers(MANY - FEW, f.TreffpunktFactory(quartier=kuckuck))
    many = measure(client, url)
    assert_same_count(few, many)
    assert len(rows_of(client.get(url))) == MANY
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_the_meeting_point_page_needs_the_same_queries_for_few_and_many_offers_and_measures(
    gwa, kuckuck, django_assert_max_num_queries
):
    client = client_for(gwa)
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    add_offers(FEW, treffpunkt)
    add_measures(FEW, treffpunkt)
    few = measure(client, treffpunkt.get_absolute_url())
    add_offers(MANY - FEW, treffpunkt)
    add_measures(MANY - FEW, treffpunkt)
    assert_same_count(few, measure(client, treffpunkt.get_absolute_url()))
    with django_assert_max_num_queries(len(few)):
        client.get(treffpunkt.get_absolute_url())


def test_the_offer_page_needs_the_same_queries_for_few_and_many_times_counts_and_measures(
    gwa, kuckuck, django_assert_max_num_queries
):
    client = client_for(gwa)
    angebot = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=kuckuck))

    def add(count):
        for i in range(count):
            f.ScheduleFactory(angebot=angebot, weekday=i % 7, treffpunkt=angebot.treffpunkt)
            angebot.cancellations.create(date=datetime.date(2100, 1, 1) + datetime.timedelta(days=len(angebot_days)))
            angebot_days.append(i)
            f.TeilnahmeFactory(angebot=angebot)
        for massnahme in add_measures(count, angebot.treffpunkt):
            massnahme.angebote.add(angebot)

    angebot_days = []
    add(FEW)
    few = measure(client, angebot.get_absolute_url())
    add(MANY - FEW)
    assert_same_count(few, measure(client, angebot.get_absolute_url()))
    with django_assert_max_num_queries(len(few)):
        client.get(angebot.get_absolute_url())
