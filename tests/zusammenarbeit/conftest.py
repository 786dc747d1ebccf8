"""Quarters and people for the pages of working together: meetings, tasks, practice examples, the calendar."""

import pytest
from django.test import Client

from hameln_quartiere.models import Ressort, Role
from tests import factories as f


@pytest.fixture
def kuckuck(db):
    return f.QuartierFactory(name="Kuckuck", slug="kuckuck")


@pytest.fixture
def suedstadt(db):
    return f.QuartierFactory(name="Südstadt", slug="suedstadt")


@pytest.fixture
def nordstadt(db):
    return f.QuartierFactory(name="Nordstadt", slug="nordstadt")


@pytest.fixture
def people(kuckuck, suedstadt, nordstadt):
    """One person per role: a social worker for Kuckuck, one for Südstadt, one for Nordstadt; family support
    in Kuckuck; the coordinator, leadership and a city admin for all quarters."""
    return {
        "qm": f.UserFactory(username="qm", role=Role.QM_COORDINATOR),
        "gwa": f.UserFactory(username="gwa-kuckuck", role=Role.GWA, quartiere=[kuckuck]),
        "gwa_sued": f.UserFactory(username="gwa-sued", role=Role.GWA, quartiere=[suedstadt]),
        "gwa_nord": f.UserFactory(username="gwa-nord", role=Role.GWA, quartiere=[nordstadt]),
        "familie": f.UserFactory(username="familie", role=Role.FAMILY_SUPPORT, quartiere=[kuckuck]),
        "leitung": f.UserFactory(username="leitung", role=Role.LEADERSHIP, ressort=Ressort.STADTENTWICKLUNG),
        "admin": f.UserFactory(username="stadtadmin", role=Role.ADMIN, is_staff=True, is_superuser=True),
    }


def client_for(user):
    """A logged-in client that reads the pages in English, so that the tests do not depend on the translation."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client
