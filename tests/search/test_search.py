"""The portal search finds entries of every kind by title and description, only within the person's scope, and
costs one query per kind of entry however many entries match. Runs on SQLite and on PostgreSQL (full-text)."""

import pytest
from django.db import connection
from django.urls import reverse

from hameln_quartiere.models import Role
from hameln_quartiere.search import RESULTS_PER_TYPE, search, sources
from tests import factories as f


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
    return f.UserFactory(username="gwa", role=Role.GWA, quartiere=[kuckuck])


def one_of_each(quartier, word):
    """An entry of every searchable kind in ``quartier``, each with ``word`` in its title or description."""
    concept = f.HandlungskonzeptFactory(quartier=quartier, title=f"Handlungskonzept {word}")
    treffpunkt = f.TreffpunktFactory(quartier=quartier, name=f"Treffpunkt {word}")
    return [
        treffpunkt,
        f.AngebotFactory(treffpunkt=treffpunkt, title="Ein Angebot", description=f"Mit {word} für alle."),
        concept,
        f.BefundFactory(handlungskonzept=concept, title=f"Befund {word}"),
        f.ZielFactory(handlungsfeld=f.HandlungsfeldFactory(handlungskonzept=concept), description=f"Ziel: {word}"),
        f.MassnahmeFactory(handlungskonzept=concept, title=f"Maßnahme {word}"),
        f.JahreszielFactory(quartier=quartier, title=f"Jahresziel {word}"),
    ]


def results(client, user, q):
    client.force_login(user)
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return response


def found(response):
    return {(group.opts.model_name, hit.title) for group in response.context["groups"] for hit in group.hits}


def test_finds_every_kind_of_entry_by_title_and_description(client, kuckuck, qm):
    entries = one_of_each(kuckuck, "Kräutergarten")
    f.TraegerFactory(name="Kräutergarten e. V.")
    f.AngebotFactory(title="Sprachcafé")

    response = results(client, qm, "Kräutergarten")

    kinds = {group.opts.model_name for group in response.context["groups"]}
    assert kinds == {entry._meta.model_name for entry in entries} | {"traeger"}
    assert ("angebot", "Ein Angebot") in found(response)
    assert "Sprachcafé" not in response.text
    for entry in entries:
        assert entry.get_absolute_url() in response.text


def test_finds_parts_of_words_in_any_case(client, kuckuck, qm):
    f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=kuckuck), title="Sprachcafé am Dienstag")

    assert ("angebot", "Sprachcafé am Dienstag") in found(results(client, qm, "sprach"))


def test_every_word_must_match(client, kuckuck, qm):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    f.AngebotFactory(treffpunkt=treffpunkt, title="Sprachcafé", description="Jeden Dienstag")
    f.AngebotFactory(treffpunkt=treffpunkt, title="Sprachkurs", description="Jeden Mittwoch")

    titles = {title for _, title in found(results(client, qm, "Sprach Dienstag"))}

    assert titles == {"Sprachcafé"}


def test_a_social_worker_finds_nothing_outside_their_quarters(client, kuckuck, nordstadt, gwa):
    one_of_each(kuckuck, "Kräutergarten")
    one_of_each(nordstadt, "Kräutergarten")
    f.TraegerFactory(name="Kräutergarten e. V.")

    response = results(client, gwa, "Kräutergarten")

    hits = [hit for group in response.context["groups"] for hit in group.hits]
    quarters = {hit.quartier.name for hit in hits if hit.quartier is not None}
    assert quarters == {"Kuckuck"}
    assert len(hits) == 8  # the seven kinds in Kuckuck, and the operator, who belongs to no quarter
    assert "Nordstadt" not in response.text


def test_a_person_without_a_role_may_not_search(client, kuckuck):
    client.force_login(f.UserFactory(role=""))
    assert client.get(reverse("search"), {"q": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    response = client.get(reverse("search"), {"q": "x"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("q", ["", "   "])
def test_an_empty_query_shows_a_hint_and_searches_nothing(client, kuckuck, qm, q, django_assert_num_queries):
    f.TreffpunktFactory(quartier=kuckuck)
    client.force_login(qm)

    # session, user, unread notifications: no search query at all
    with django_assert_num_queries(3):
        response = client.get(reverse("search"), {"q": q})

    assert response.context["groups"] == []
    assert "data-search-hint" in response.text


def test_nothing_found_says_so(client, kuckuck, qm):
    assert "data-search-empty" in results(client, qm, "Gibtesnicht").text


def test_the_header_has_a_labelled_search_box_for_staff(client, qm, db):
    client.force_login(qm)

    text = client.get(reverse("portal")).text

    assert 'role="search"' in text
    assert f'action="{reverse("search")}"' in text
    assert '<label for="header-search"' in text


def test_the_header_has_no_search_box_for_visitors(client, db):
    assert 'role="search"' not in client.get(reverse("verzeichnis:start")).text


def test_many_hits_are_cut_with_a_link_to_the_filtered_list(client, kuckuck, qm):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    f.AngebotFactory.create_batch(RESULTS_PER_TYPE + 2, treffpunkt=treffpunkt, description="Kräutergarten")

    response = results(client, qm, "Kräutergarten")

    (group,) = [group for group in response.context["groups"] if group.opts.model_name == "angebot"]
    assert len(group.hits) == RESULTS_PER_TYPE
    assert group.has_more
    assert group.more_url == reverse("treffpunkte:angebot-list") + "?q=Kr%C3%A4utergarten"


def test_the_search_function_covers_all_reviewed_models_and_operators():
    from hameln_quartiere.views import reviewed_models

    assert {source.model for source in sources()} == {*reviewed_models(), f.TraegerFactory._meta.model}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only")
def test_postgresql_finds_inflected_german_words_and_ranks_them(kuckuck, qm):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    f.AngebotFactory(treffpunkt=treffpunkt, title="Offene Gärten", description="Wir gärtnern gemeinsam.")
    f.AngebotFactory(treffpunkt=treffpunkt, title="Nachbarschaftsgarten", description="Im Garten der Gärten.")

    (group,) = [group for group in search("Garten", qm) if group.opts.model_name == "angebot"]

    # "Gärten" is found through the German stemmer; the entry naming it twice ranks first.
    assert [hit.title for hit in group.hits] == ["Nachbarschaftsgarten", "Offene Gärten"]


# --- Query count ----------------------------------------------------------------------------------------------------


def test_the_query_count_is_the_same_for_3_and_30_entries_of_each_kind(client, kuckuck, gwa, django_assert_num_queries):
    client.force_login(gwa)
    url = reverse("search")
    for n in range(3):
        one_of_each(kuckuck, f"Kräutergarten {n}")
        f.TraegerFactory(description="Kräutergarten")
    client.get(url, {"q": "Kräutergarten"})  # fills the caches

    # session, user, the person's quarters, one per kind (8), unread notifications
    expected = 3 + len(sources()) + 1
    with django_assert_num_queries(expected):
        response = client.get(url, {"q": "Kräutergarten"})
    assert sum(len(group.hits) for group in response.context["groups"]) == 3 * 8
    for n in range(3, 30):
        one_of_each(kuckuck, f"Kräutergarten {n}")
        f.TraegerFactory(description="Kräutergarten")
    with django_assert_num_queries(expected):
        response = client.get(url, {"q": "Kräutergarten"})
    assert all(group.has_more for group in response.context["groups"])
