"""Two quarters and one person per role, for the portal's start page and the pages' accessibility checks."""

import pytest
from django.utils import timezone

from hameln_quartiere.models import Ressort, ReviewState, Role
from handlungskonzepte.models import Handlungskonzept
from tests import factories as f


@pytest.fixture
def kuckuck(db):
    return f.QuartierFactory(name="Kuckuck", slug="kuckuck")


@pytest.fixture
def nordstadt(db):
    return f.QuartierFactory(name="Nordstadt", slug="nordstadt")


@pytest.fixture
def people(kuckuck, nordstadt):
    """The social worker and family support cover Kuckuck only; the coordinator and leadership see all."""
    return {
        "qm": f.UserFactory(username="qm", role=Role.QM_COORDINATOR),
        "gwa": f.UserFactory(username="gwa", role=Role.GWA, quartiere=[kuckuck]),
        "familie": f.UserFactory(username="familie", role=Role.FAMILY_SUPPORT, quartiere=[kuckuck]),
        "leitung": f.UserFactory(username="leitung", role=Role.LEADERSHIP, ressort=Ressort.STADTENTWICKLUNG),
    }


def _concept(quartier):
    # A quarter has one concept per start year; the factory's years repeat after 90.
    start_year = 1000 + Handlungskonzept.objects.filter(quartier=quartier).count()
    return f.HandlungskonzeptFactory(quartier=quartier, start_year=start_year)


# Every content model under the review rule, with the factory that makes one in a given quarter.
ENTRY_FACTORIES = {
    "treffpunkt": lambda quartier: f.TreffpunktFactory(quartier=quartier),
    "angebot": lambda quartier: f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=quartier)),
    "jahresziel": lambda quartier: f.JahreszielFactory(quartier=quartier),
    "handlungskonzept": _concept,
    "befund": lambda quartier: f.BefundFactory(handlungskonzept=_concept(quartier)),
    "ziel": lambda quartier: f.ZielFactory(handlungsfeld=f.HandlungsfeldFactory(handlungskonzept=_concept(quartier))),
    "massnahme": lambda quartier: f.MassnahmeFactory(handlungskonzept=_concept(quartier)),
    "sitzung": lambda quartier: f.SitzungFactory(quartier=quartier),
    "praxisbeispiel": lambda quartier: f.PraxisbeispielFactory(quartier=quartier),
}


def make_entry(kind, quartier, state=ReviewState.DRAFT, *, author=None):
    """An entry of ``kind`` in ``quartier``, in ``state``, written (and, unless a draft, submitted) by ``author``."""
    entry = ENTRY_FACTORIES[kind](quartier)
    entry.review_state = state
    entry.created_by = author
    if state != ReviewState.DRAFT and author is not None:
        entry.submitted_by = author
        entry.submitted_ressort = author.ressort
        entry.submitted_at = timezone.now()
    if state == ReviewState.APPROVED:
        entry.approved_at = timezone.now()
    entry.save()
    return entry
