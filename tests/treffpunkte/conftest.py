"""People and offers for the meeting point pages: two quarters, a social worker for each, the coordinator."""

import datetime

import pytest
from django.test import Client

from hameln_quartiere.models import Role
from tests import factories as f

# A Monday in the past, so that "this week" never gets in the way: 2019-W11.
MONDAY = datetime.date(2019, 3, 11)
WEEK = "2019-W11"


@pytest.fixture
def kuckuck(db):
    return f.QuartierFactory(name="Kuckuck", slug="kuckuck")


@pytest.fixture
def nordstadt(db):
    return f.QuartierFactory(name="Nordstadt", slug="nordstadt")


@pytest.fixture
def qm(db):
    return f.UserFactory(username="qm", role=Role.QM_COORDINATOR)


@pytest.fixture
def gwa(kuckuck):
    return f.UserFactory(username="gwa-kuckuck", role=Role.GWA, quartiere=[kuckuck])


@pytest.fixture
def gwa_nord(nordstadt):
    return f.UserFactory(username="gwa-nord", role=Role.GWA, quartiere=[nordstadt])


@pytest.fixture
def familie(kuckuck):
    return f.UserFactory(username="familie", role=Role.FAMILY_SUPPORT, quartiere=[kuckuck])


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def weekly_angebot(quartier, *, weekday=1, **schedule):
    """An offer at a new meeting point in ``quartier`` that takes place every week on ``weekday`` (Tuesday)."""
    angebot = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=quartier))
    f.ScheduleFactory(angebot=angebot, weekday=weekday, **schedule)
    return angebot
