"""The public page of a quarter shows residents approved content only, in its approved version."""

import pytest
from django.urls import reverse

from tests import factories as f
from treffpunkte.models import Treffpunkt


@pytest.fixture
def kuckuck(db):
    return f.QuartierFactory(name="Kuckuck", slug="kuckuck")


def public_page(client, quartier):
    response = client.get(reverse("quartiere:quartier-public", args=[quartier.slug]))
    assert response.status_code == 200
    return response.text


def test_shows_approved_meeting_points_and_their_approved_offers(client, kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck, name="Stadtteiltreff Kuckucksnest", approved=True)
    f.AngebotFactory(quartier=kuckuck, treffpunkt=treffpunkt, title="Sprachcafé", approved=True)
    f.AngebotFactory(quartier=kuckuck, treffpunkt=treffpunkt, title="Männertreff im Entwurf")
    f.TreffpunktFactory(quartier=kuckuck, name="Treff in Planung")
    f.TreffpunktFactory(quartier=kuckuck, name="Alter Treff", status=Treffpunkt.Status.CLOSED, approved=True)

    text = public_page(client, kuckuck)

    assert "Stadtteiltreff Kuckucksnest" in text
    assert "Sprachcafé" in text
    assert "Männertreff im Entwurf" not in text
    assert "Treff in Planung" not in text
    assert "Alter Treff" not in text


def test_shows_approved_mobile_offers_of_the_quarter_only(client, kuckuck):
    f.AngebotFactory(quartier=kuckuck, treffpunkt=None, is_mobile=True, title="Wandernder Bewohnertreff", approved=True)
    f.AngebotFactory(
        quartier=f.QuartierFactory(), treffpunkt=None, is_mobile=True, title="Anderswo unterwegs", approved=True
    )

    text = public_page(client, kuckuck)

    assert "Wandernder Bewohnertreff" in text
    assert "Anderswo unterwegs" not in text


def test_an_unknown_quarter_is_not_found(client, db):
    assert client.get(reverse("quartiere:quartier-public", args=["gibt-es-nicht"])).status_code == 404


def test_query_count_stays_constant_as_meeting_points_and_offers_grow(client, kuckuck, django_assert_num_queries):
    def add_meeting_point_with_offers():
        treffpunkt = f.TreffpunktFactory(quartier=kuckuck, approved=True)
        f.AngebotFactory.create_batch(3, quartier=kuckuck, treffpunkt=treffpunkt, approved=True)

    add_meeting_point_with_offers()
    # The quarter, its meeting points, their offers (one prefetch), the mobile offers.
    with django_assert_num_queries(4):
        public_page(client, kuckuck)
    for _ in range(10):
        add_meeting_point_with_offers()
    with django_assert_num_queries(4):
        public_page(client, kuckuck)
