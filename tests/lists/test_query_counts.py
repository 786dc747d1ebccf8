"""Every list page (and the operator's detail page) needs the same number of queries for 3 entries as for 33.

Each test measures the page with a few rows, adds many more, and checks the count stays the same; then it pins
the count with ``django_assert_max_num_queries`` so that an added query shows up here. Every request of a
logged-in person starts with the same two (session, user) and ends with the unread count of the header; a
social worker's request also reads the ids of their quarters once.
"""

import itertools

import pytest
from django.urls import reverse

from hameln_quartiere.models import ReviewState
from handlungskonzepte.models import Massnahme
from tests import factories as f
from tests.lists.conftest import KINDS, assert_same_count, client_for, list_url, make, measure

FEW = 3
MANY = 30
STATES = itertools.cycle([ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.APPROVED, ReviewState.RETURNED])

# Beyond session, user, the paginator's count, one page of rows (their parents joined) and the unread count (5),
# the choices of the filter form: one query per filter over other rows.
PINNED = {
    # + quarters, operators
    "treffpunkt": 7,
    # + two prefetches (target groups, languages); quarters, categories, target groups, languages
    "angebot": 11,
    # + quarters
    "jahresziel": 6,
    # + quarters
    "handlungskonzept": 6,
    # + quarters, action concepts
    "befund": 7,
    # + quarters, action concepts, fields of action
    "ziel": 8,
    # + quarters, operators
    "massnahme": 7,
}


def add_entries(kind, quartier, count):
    for _ in range(count):
        entry = make(kind, quartier, review_state=next(STATES))
        if kind == "angebot":
            entry.zielgruppen.add(f.ZielgruppeFactory(name=f"Zielgruppe {entry.pk}"))
            entry.sprachen.add(f.SpracheFactory(code=f"x{entry.pk}", name=f"Sprache {entry.pk}"))


@pytest.mark.parametrize("person", ["qm", "gwa"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_list_page_needs_the_same_queries_for_few_and_many_entries(
    people, kuckuck, nordstadt, kind, person, django_assert_max_num_queries
):
    client = client_for(people[person])
    url = list_url(kind)
    add_entries(kind, kuckuck, FEW)
    few = measure(client, url)

    add_entries(kind, kuckuck, MANY)
    add_entries(kind, nordstadt, MANY)
    many = measure(client, url)

    assert_same_count(few, many)
    with django_assert_max_num_queries(PINNED[kind] + (person == "gwa")):
        response = client.get(url)
    assert response.context["paginator"].count == FEW + MANY + (MANY if person == "qm" else 0)


@pytest.mark.parametrize("person", ["qm", "gwa"])
def test_a_filtered_sorted_list_page_needs_the_same_queries_for_few_and_many_entries(
    people, kuckuck, nordstadt, person, django_assert_max_num_queries
):
    client = client_for(people[person])
    url = f"{list_url('massnahme')}?quartier={kuckuck.pk}&status=laufend&o=-progress&q=ma&page=1"

    def add(count):
        for quartier in (kuckuck, nordstadt):
            for _ in range(count):
                make("massnahme", quartier, status=Massnahme.Status.RUNNING, review_state=next(STATES))

    add(FEW)
    few = measure(client, url)
    add(MANY)
    many = measure(client, url)

    assert_same_count(few, many)
    # The list's 7 (+1 for the social worker), and the chosen quarter, read once to check the choice.
    with django_assert_max_num_queries(8 + (person == "gwa")):
        client.get(url)


def add_operators(count, quartier):
    for n in range(count):
        traeger = f.TraegerFactory()
        f.KontaktpersonFactory(traeger=traeger)
        for _ in range(n % 3):
            f.TreffpunktFactory(quartier=quartier, traeger=traeger)


@pytest.mark.parametrize("person", ["qm", "gwa"])
def test_the_operator_list_needs_the_same_queries_for_few_and_many_operators(
    people, kuckuck, nordstadt, person, django_assert_max_num_queries
):
    client = client_for(people[person])
    url = reverse("treffpunkte:traeger-list")
    add_operators(FEW, kuckuck)
    few = measure(client, url)

    add_operators(MANY, kuckuck)
    add_operators(MANY, nordstadt)
    many = measure(client, url)

    assert_same_count(few, many)
    # 7: session, user, the paginator's count, one page of operators with their meeting point counts, their
    # meeting points with quarters (one prefetch), the quarters of the filter form, the unread count.
    with django_assert_max_num_queries(7 + (person == "gwa")):
        response = client.get(url)
    assert response.context["paginator"].count == FEW + 2 * MANY


def add_to_operator(traeger, count, kuckuck, nordstadt):
    for _ in range(count):
        f.KontaktpersonFactory(traeger=traeger)
        for quartier in (kuckuck, nordstadt):
            point = f.TreffpunktFactory(quartier=quartier, traeger=traeger)
            f.AngebotFactory(treffpunkt=point)
            make("massnahme", quartier, owner=Massnahme.Owner.TRAEGER, owner_traeger=traeger)
            make("massnahme", quartier).partners.add(traeger)


@pytest.mark.parametrize("person", ["qm", "gwa"])
def test_the_operator_detail_needs_the_same_queries_for_few_and_many_entries(
    people, kuckuck, nordstadt, person, django_assert_max_num_queries
):
    client = client_for(people[person])
    traeger = f.TraegerFactory()
    url = reverse("treffpunkte:traeger-detail", args=[traeger.pk])
    add_to_operator(traeger, FEW, kuckuck, nordstadt)
    few = measure(client, url)

    add_to_operator(traeger, MANY, kuckuck, nordstadt)
    many = measure(client, url)

    assert_same_count(few, many)
    # 7: session, user, the operator, their contact persons, their meeting points (with quarter and number of
    # offers), their measures (with quarter), the unread count.
    with django_assert_max_num_queries(7 + (person == "gwa")):
        response = client.get(url)
    expected = FEW + MANY if person == "gwa" else 2 * (FEW + MANY)
    assert len(response.context["treffpunkte"]) == expected
    assert len(response.context["massnahmen"]) == 2 * expected
