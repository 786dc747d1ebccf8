"""People, quarters and entries for the list tests: every portal list, what it reads, and how to make its rows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hameln_quartiere.models import Ressort, Role
from handlungskonzepte import filters as hk_filters
from quartiere import filters as q_filters
from tests import factories as f
from treffpunkte import filters as tp_filters

# Every list of content entries: its URL name and its filter set (which names the columns and the export).
LISTS = {
    "treffpunkt": ("treffpunkte:treffpunkt-list", tp_filters.TreffpunktFilter),
    "angebot": ("treffpunkte:angebot-list", tp_filters.AngebotFilter),
    "jahresziel": ("quartiere:jahresziel-list", q_filters.JahreszielFilter),
    "handlungskonzept": ("handlungskonzepte:handlungskonzept-list", hk_filters.HandlungskonzeptFilter),
    "befund": ("handlungskonzepte:befund-list", hk_filters.BefundFilter),
    "ziel": ("handlungskonzepte:ziel-list", hk_filters.ZielFilter),
    "massnahme": ("handlungskonzepte:massnahme-list", hk_filters.MassnahmeFilter),
}
KINDS = list(LISTS)


def list_url(kind):
    return reverse(LISTS[kind][0])


def make(kind, quartier, /, **values):
    """An entry of ``kind`` in ``quartier`` with ``values``; the parents it needs are made in the same quarter."""
    if kind == "treffpunkt":
        return f.TreffpunktFactory(quartier=quartier, **values)
    if kind == "angebot":
        if "treffpunkt" not in values and not values.get("is_mobile"):
            values["treffpunkt"] = f.TreffpunktFactory(quartier=quartier)
        values.setdefault("treffpunkt", None)
        return f.AngebotFactory(quartier=quartier, **values)
    if kind == "jahresziel":
        return f.JahreszielFactory(quartier=quartier, **values)
    if kind == "handlungskonzept":
        return f.HandlungskonzeptFactory(quartier=quartier, **values)
    if kind == "befund":
        values.setdefault("handlungskonzept", f.HandlungskonzeptFactory(quartier=quartier))
        return f.BefundFactory(**values)
    if kind == "ziel":
        if "handlungsfeld" not in values:
            values["handlungsfeld"] = f.HandlungsfeldFactory(
                handlungskonzept=f.HandlungskonzeptFactory(quartier=quartier)
            )
        return f.ZielFactory(**values)
    if kind == "massnahme":
        values.setdefault("handlungskonzept", f.HandlungskonzeptFactory(quartier=quartier))
        return f.MassnahmeFactory(**values)
    raise ValueError(kind)


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
        "familie": f.UserFactory(username="familie", role=Role.FAMILY_SUPPORT, quartiere=[kuckuck]),
        "leitung": f.UserFactory(username="leitung", role=Role.LEADERSHIP, ressort=Ressort.STADTENTWICKLUNG),
        "admin": f.UserFactory(username="stadtadmin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "norole": f.UserFactory(username="ohne-rolle", role=""),
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def rows_of(response):
    """The primary keys of the rows a list page shows, in order."""
    assert response.status_code == 200
    return [entry.pk for entry in response.context["object_list"]]


def measure(client, url):
    """The queries of one GET of ``url``, after a first GET that fills the caches (content types, templates)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def assert_same_count(few, many):
    assert len(many) == len(few), "\n".join(["--- few:", *few, "--- many:", *many])
