"""People in two quarters, and an action concept with its whole chain, for the action concept's pages."""

import datetime

import pytest
from django.test import Client

from hameln_quartiere.models import Ressort, Role
from tests import factories as f


@pytest.fixture
def kuckuck(db):
    return f.QuartierFactory(name="Kuckuck", slug="kuckuck")


@pytest.fixture
def nordstadt(db):
    return f.QuartierFactory(name="Nordstadt", slug="nordstadt")


@pytest.fixture
def people(kuckuck, nordstadt):
    """One person per role; the social worker and family support cover Kuckuck only."""
    return {
        "qm": f.UserFactory(username="qm", role=Role.QM_COORDINATOR),
        "gwa": f.UserFactory(username="gwa", role=Role.GWA, quartiere=[kuckuck]),
        "gwa_other": f.UserFactory(username="gwa-nord", role=Role.GWA, quartiere=[nordstadt]),
        "familie": f.UserFactory(username="familie", role=Role.FAMILY_SUPPORT, quartiere=[kuckuck]),
        "leitung": f.UserFactory(username="leitung", role=Role.LEADERSHIP, ressort=Ressort.STADTENTWICKLUNG),
        "admin": f.UserFactory(username="stadtadmin", role=Role.ADMIN, is_staff=True, is_superuser=True),
    }


def client_for(user):
    """A logged-in client that reads the pages in English, so that the tests do not depend on the translation."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def konzept(kuckuck):
    return f.HandlungskonzeptFactory(quartier=kuckuck, title="IHK Kuckuck", start_year=2019, end_year=2022)


def build_chain(konzept, count, *, offset=0):
    """``count`` findings, each answered by a goal in its own field, served by a measure carried out by an offer,
    each goal with an indicator and each measure with two progress updates. Returns the created rows."""
    rows = []
    for n in range(offset, offset + count):
        befund = f.BefundFactory(handlungskonzept=konzept, title=f"Befund {n:03}")
        feld = f.HandlungsfeldFactory(handlungskonzept=konzept, title=f"Feld {n:03}")
        ziel = f.ZielFactory(handlungsfeld=feld, title=f"Ziel {n:03}")
        ziel.befunde.add(befund)
        f.IndikatorFactory(ziel=ziel)
        angebot = f.AngebotFactory(
            quartier=konzept.quartier, treffpunkt=f.TreffpunktFactory(quartier=konzept.quartier), title=f"Angebot {n}"
        )
        massnahme = f.MassnahmeFactory(
            handlungskonzept=konzept, title=f"Maßnahme {n:03}", treffpunkt=angebot.treffpunkt, progress=n % 100
        )
        massnahme.ziele.add(ziel)
        massnahme.angebote.add(angebot)
        massnahme.partners.add(f.TraegerFactory())
        f.SachstandFactory(massnahme=massnahme, date=datetime.date(2019, 3, 1), progress=10)
        f.SachstandFactory(massnahme=massnahme, date=datetime.date(2019, 6, 1), progress=n % 100)
        f.BeteiligungsformatFactory(handlungskonzept=konzept, title=f"Format {n}")
        rows.append({"befund": befund, "feld": feld, "ziel": ziel, "massnahme": massnahme, "angebot": angebot})
    return rows
