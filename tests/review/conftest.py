"""People and entries for the review rule's tests: two quarters, every role, an entry of each kind in any state."""

import pytest
from django.utils import timezone

from hameln_quartiere.models import Ressort, ReviewState, Role
from tests import factories as f

# Every content model under the review rule, with the factory that makes one in a given quarter.
ENTRY_FACTORIES = {
    "treffpunkt": lambda quartier: f.TreffpunktFactory(quartier=quartier),
    "angebot": lambda quartier: f.AngebotFactory(quartier=quartier, treffpunkt=f.TreffpunktFactory(quartier=quartier)),
    "jahresziel": lambda quartier: f.JahreszielFactory(quartier=quartier),
    "handlungskonzept": lambda quartier: f.HandlungskonzeptFactory(quartier=quartier),
    "befund": lambda quartier: f.BefundFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=quartier)),
    "ziel": lambda quartier: f.ZielFactory(
        handlungsfeld=f.HandlungsfeldFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=quartier))
    ),
    "massnahme": lambda quartier: f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=quartier)),
    "sitzung": lambda quartier: f.SitzungFactory(quartier=quartier),
    "praxisbeispiel": lambda quartier: f.PraxisbeispielFactory(quartier=quartier),
}


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
        "norole": f.UserFactory(username="ohne-rolle", role=""),
    }


def make_entry(kind, quartier, state=ReviewState.DRAFT, *, author=None, live=False):
    """An entry of ``kind`` in ``quartier``, in ``state``, submitted by ``author`` when not a draft.

    ``live=True`` gives it an approved version (as an earlier approval would have).
    """
    entry = ENTRY_FACTORIES[kind](quartier)
    entry.review_state = state
    entry.created_by = author
    if state != ReviewState.DRAFT and author is not None:
        entry.submitted_by = author
        entry.submitted_ressort = author.ressort
        entry.submitted_at = timezone.now()
    if live or state == ReviewState.APPROVED:
        entry.approved_at = timezone.now()
    entry.save()
    return entry


@pytest.fixture
def entry_factory():
    return make_entry
