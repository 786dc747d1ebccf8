"""Sorting by every sortable column in both directions, pages that keep filters and sorting, and a person's
quarters limiting both the rows and the choices of a list."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from hameln_quartiere.filters import model_field
from hameln_quartiere.models import ReviewState
from handlungskonzepte.models import Befund, Massnahme
from quartiere.models import Jahresziel
from tests import factories as f
from tests.lists.conftest import KINDS, LISTS, client_for, list_url, make, rows_of
from treffpunkte.models import Treffpunkt

D = datetime.date
NAMES = ["Delta", "Alpha", "Charlie", "Bravo"]


def varied(kind, kuckuck, nordstadt):
    """Four entries whose sortable values all differ (and some are empty), in two quarters."""
    quarters = [kuckuck, nordstadt, kuckuck, nordstadt]
    states = [ReviewState.SUBMITTED, ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.APPROVED]
    entries = []
    for i, (name, quartier, state) in enumerate(zip(NAMES, quarters, states, strict=True)):
        values = {"review_state": state}
        if kind == "treffpunkt":
            values.update(
                name=name,
                status=list(Treffpunkt.Status)[i],
                traeger=None if i == 0 else f.TraegerFactory(name=f"Verein {NAMES[-i]}"),
            )
        elif kind == "angebot":
            values.update(
                title=name,
                kategorie=f.KategorieFactory(name=f"Kategorie {NAMES[-i]}"),
                is_mobile=i == 0,
                treffpunkt=None if i == 0 else f.TreffpunktFactory(quartier=quartier, name=f"Ort {NAMES[i - 1]}"),
            )
        elif kind == "jahresziel":
            assessment = list(Jahresziel.Assessment)[i]
            values.update(
                title=name,
                year=2017 + (i * 3) % 4,
                assessment=assessment,
                assessment_statement="" if assessment == Jahresziel.Assessment.OPEN else "Bewertet.",
            )
        elif kind == "handlungskonzept":
            values.update(title=name, start_year=2010 + (i * 3) % 4, end_year=2020 - i)
        elif kind == "befund":
            konzept = f.HandlungskonzeptFactory(quartier=quartier)
            source = None if i == 0 else f.BeteiligungsformatFactory(handlungskonzept=konzept, title=NAMES[-i])
            values.update(title=name, kind=list(Befund.Kind)[i], handlungskonzept=konzept, beteiligungsformat=source)
        elif kind == "ziel":
            konzept = f.HandlungskonzeptFactory(quartier=quartier)
            values.update(title=name, handlungsfeld=f.HandlungsfeldFactory(handlungskonzept=konzept, title=NAMES[-i]))
        elif kind == "massnahme":
            owner = list(Massnahme.Owner)[i % 3]
            values.update(
                title=name,
                owner=owner,
                owner_traeger=f.TraegerFactory(name=f"Träger {name}") if owner == Massnahme.Owner.TRAEGER else None,
                status=list(Massnahme.Status)[(i * 3) % 5],
                progress=[40, 0, 100, 25][i],
                start=D(2019, 1 + (i * 5) % 4, 1),
                end=None if i == 1 else D(2020, 12 - i, 1),
            )
        entries.append(make(kind, quartier, **values))
    return entries


def sort_key(entry, path):
    """The value a column sorts by, read in Python: a choice by its position, anything else as it is."""
    field = model_field(type(entry), path)
    value = entry
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
    if field is not None and field.choices:
        return [code for code, _label in field.flatchoices].index(value)
    return value


def expected_order(entries, path, descending):
    """Empty values last, ties by primary key: what the list promises in both directions."""
    filled = [entry for entry in entries if sort_key(entry, path) is not None]
    empty = [entry for entry in entries if sort_key(entry, path) is None]
    filled.sort(key=lambda entry: (sort_key(entry, path), entry.pk), reverse=descending)
    empty.sort(key=lambda entry: entry.pk, reverse=descending)
    return [entry.pk for entry in filled + empty]


SORTABLE = [
    (kind, column.key, column.order_by) for kind in KINDS for column in LISTS[kind][1].columns if column.order_by
]


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize(("kind", "key", "path"), SORTABLE, ids=[f"{kind}-{key}" for kind, key, _ in SORTABLE])
def test_every_sortable_column_sorts_in_both_directions(people, kuckuck, nordstadt, kind, key, path, descending):
    entries = varied(kind, kuckuck, nordstadt)
    for entry in entries:
        entry.refresh_from_db()

    response = client_for(people["qm"]).get(list_url(kind), {"o": f"-{key}" if descending else key})

    assert rows_of(response) == expected_order(entries, path, descending)
    header = re.search(
        rf'aria-sort="(\w+)">\s*<a href="\?o={"" if descending else "-"}{key}"', response.content.decode()
    )
    assert header is not None, "the header links to the other direction"
    assert header.group(1) == ("descending" if descending else "ascending")


def test_meeting_points_sort_by_their_lifecycle_not_alphabetically(people, kuckuck):
    statuses = [Treffpunkt.Status.CLOSED, Treffpunkt.Status.PLANNED, Treffpunkt.Status.ACTIVE]
    points = {status: make("treffpunkt", kuckuck, status=status) for status in statuses}

    response = client_for(people["qm"]).get(list_url("treffpunkt"), {"o": "status"})

    lifecycle = [Treffpunkt.Status.PLANNED, Treffpunkt.Status.ACTIVE, Treffpunkt.Status.CLOSED]
    assert rows_of(response) == [points[status].pk for status in lifecycle]


def test_an_unknown_sort_key_keeps_the_default_order(people, kuckuck):
    first, second = make("angebot", kuckuck), make("angebot", kuckuck)

    response = client_for(people["qm"]).get(list_url("angebot"), {"o": "-description"})

    assert rows_of(response) == [second.pk, first.pk]


def query_of(url):
    return parse_qs(urlsplit(url.replace("&amp;", "&")).query)


def test_a_filtered_sorted_page_two_address_shows_the_same_rows_every_time(people, kuckuck, nordstadt):
    running = [make("massnahme", kuckuck, status=Massnahme.Status.RUNNING, progress=n % 7) for n in range(60)]
    for _ in range(5):
        make("massnahme", kuckuck, status=Massnahme.Status.PLANNED)
        make("massnahme", nordstadt, status=Massnahme.Status.RUNNING)
    client = client_for(people["qm"])
    params = {"quartier": kuckuck.pk, "status": "laufend", "o": "-progress", "page": 2}

    first = client.get(list_url("massnahme"), params)
    again = client_for(people["qm"]).get(list_url("massnahme"), params)

    expected = sorted(running, key=lambda entry: (entry.progress, entry.pk), reverse=True)
    assert rows_of(first) == [entry.pk for entry in expected[25:50]]
    assert rows_of(again) == rows_of(first)
    assert first.context["paginator"].count == 60


def test_page_links_and_sort_links_keep_the_filters(people, kuckuck):
    for _ in range(30):
        make("massnahme", kuckuck, status=Massnahme.Status.RUNNING)
    params = {"quartier": kuckuck.pk, "status": "laufend", "o": "title"}

    html = client_for(people["qm"]).get(list_url("massnahme"), {**params, "page": 1}).content.decode()

    next_link = re.search(r'href="(\?[^"]*page=2)"', html).group(1)
    assert query_of(next_link) == {"quartier": [str(kuckuck.pk)], "status": ["laufend"], "o": ["title"], "page": ["2"]}
    sort_link = re.search(r'href="(\?[^"]*o=-title[^"]*)"', html).group(1)
    assert query_of(sort_link) == {"quartier": [str(kuckuck.pk)], "status": ["laufend"], "o": ["-title"]}
    export_link = re.search(r'href="(\?[^"]*export=csv[^"]*)"', html).group(1)
    assert query_of(export_link) == {
        "quartier": [str(kuckuck.pk)],
        "status": ["laufend"],
        "o": ["title"],
        "export": ["csv"],
    }


@pytest.mark.parametrize("kind", KINDS)
def test_a_social_workers_rows_and_quarter_choices_are_their_quarters(people, kuckuck, nordstadt, kind):
    mine = make(kind, kuckuck)
    make(kind, nordstadt)

    response = client_for(people["gwa"]).get(list_url(kind))

    assert rows_of(response) == [mine.pk]
    assert list(response.context["filter"].form.fields["quartier"].queryset) == [kuckuck]


@pytest.mark.parametrize("kind", KINDS)
def test_a_social_worker_asking_for_another_quarter_sees_nothing_of_it(people, kuckuck, nordstadt, kind):
    mine = make(kind, kuckuck)
    make(kind, nordstadt)

    response = client_for(people["gwa"]).get(list_url(kind), {"quartier": nordstadt.pk})

    assert "quartier" in response.context["filter"].form.errors
    assert rows_of(response) == [mine.pk]
    assert "Nordstadt" not in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "name"), [("befund", "handlungskonzept"), ("ziel", "handlungskonzept"), ("ziel", "handlungsfeld")]
)
def test_choices_of_entries_are_limited_to_a_social_workers_quarters(people, kuckuck, nordstadt, kind, name):
    mine, other = make(kind, kuckuck), make(kind, nordstadt)
    value = {
        "handlungskonzept": lambda e: getattr(e, "handlungskonzept", None) or e.handlungsfeld.handlungskonzept,
        "handlungsfeld": lambda e: e.handlungsfeld,
    }[name]

    response = client_for(people["gwa"]).get(list_url(kind))

    assert list(response.context["filter"].form.fields[name].queryset) == [value(mine)]
    assert value(other) not in response.context["filter"].form.fields[name].queryset


def test_fields_of_action_are_offered_with_their_action_concept(people, kuckuck):
    ziel = make("ziel", kuckuck)

    html = client_for(people["qm"]).get(list_url("ziel")).content.decode()

    assert f">{ziel.handlungsfeld.title} ({ziel.handlungsfeld.handlungskonzept})</option>" in html


def test_a_page_number_past_the_end_shows_the_last_page(people, kuckuck):
    for _ in range(3):
        make("angebot", kuckuck)

    response = client_for(people["qm"]).get(list_url("angebot"), {"page": 99})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert len(response.context["object_list"]) == 3
