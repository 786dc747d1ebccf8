"""The operators' read-only pages: a list with filters and export for everyone with a role, and a detail page
with their contact persons, meeting points and measures, as far as the person may see them."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from handlungskonzepte.models import Massnahme
from tests import factories as f
from tests.lists.conftest import client_for, make, rows_of
from treffpunkte.models import Traeger

LIST = reverse("treffpunkte:traeger-list")


def detail(traeger):
    return reverse("treffpunkte:traeger-detail", args=[traeger.pk])


@pytest.fixture
def operators(kuckuck, nordstadt):
    diakonie = f.TraegerFactory(name="Diakonie Hameln", kind=Traeger.Kind.WELFARE)
    verein = f.TraegerFactory(name="Nachbarschaftsverein Kuckuck", kind=Traeger.Kind.ASSOCIATION)
    kirche = f.TraegerFactory(name="St. Nicolai", kind=Traeger.Kind.CHURCH)
    f.TreffpunktFactory(quartier=kuckuck, traeger=diakonie)
    f.TreffpunktFactory(quartier=nordstadt, traeger=diakonie)
    f.TreffpunktFactory(quartier=kuckuck, traeger=verein)
    f.TreffpunktFactory(quartier=kuckuck, traeger=verein)
    f.TreffpunktFactory(quartier=nordstadt, traeger=kirche)
    f.KontaktpersonFactory(traeger=kirche, name="Maria Nachtigall")
    return {"diakonie": diakonie, "verein": verein, "kirche": kirche}


@pytest.mark.parametrize("person", ["qm", "gwa", "familie", "leitung", "admin"])
def test_everyone_with_a_role_reads_the_operators(people, operators, person):
    client = client_for(people[person])

    assert client.get(LIST).status_code == 200
    assert client.get(detail(operators["kirche"])).status_code == 200


def test_without_a_role_the_operator_pages_are_forbidden_and_anonymous_visitors_log_in(client, people, operators):
    urls = [LIST, detail(operators["kirche"])]

    assert [client_for(people["norole"]).get(url).status_code for url in urls] == [403, 403]
    responses = [client.get(url) for url in urls]
    assert all(response.status_code == 302 and response.url.startswith(reverse("login")) for response in responses)


def test_an_unknown_operator_is_not_found(people):
    assert client_for(people["qm"]).get(reverse("treffpunkte:traeger-detail", args=[999])).status_code == 404


FILTERS = [
    ({"kind": "kirche"}, ["kirche"]),
    ({"q": "nachbarschaft"}, ["verein"]),
    ({"q": "nachtigall"}, ["kirche"]),  # a contact person's name
    ({"quartier": "kuckuck"}, ["diakonie", "verein"]),
    ({"quartier": "nordstadt"}, ["diakonie", "kirche"]),
    ({"quartier": "kuckuck", "kind": "wohlfahrtsverband"}, ["diakonie"]),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS)
def test_the_operator_filters_keep_exactly_the_matching_operators(
    people, operators, kuckuck, nordstadt, params, expected
):
    quarters = {"kuckuck": kuckuck.pk, "nordstadt": nordstadt.pk}
    params = {key: quarters.get(value, value) for key, value in params.items()}

    response = client_for(people["qm"]).get(LIST, params)

    assert rows_of(response) == [operators[name].pk for name in sorted(expected, key=lambda n: operators[n].name)]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("name", ["diakonie", "verein", "kirche"]),
        ("-name", ["kirche", "verein", "diakonie"]),
        ("treffpunkt_count", ["kirche", "diakonie", "verein"]),
        ("-treffpunkt_count", ["verein", "diakonie", "kirche"]),
        ("kind", ["verein", "kirche", "diakonie"]),
        ("-kind", ["diakonie", "kirche", "verein"]),
    ],
)
def test_the_operators_sort_by_their_columns(people, operators, order, expected):
    # Diakonie and the Verein both run two meeting points: the tie is broken by the primary key.
    response = client_for(people["qm"]).get(LIST, {"o": order})

    assert rows_of(response) == [operators[name].pk for name in expected]


def test_a_social_worker_sees_every_operator_but_only_the_meeting_points_in_their_quarters(people, operators):
    response = client_for(people["gwa"]).get(LIST)

    rows = {entry.pk: cells for entry, cells in response.context["rows"]}
    assert set(rows) == {operator.pk for operator in operators.values()}
    keys = [column.key for column in response.context["columns"]]
    diakonie = dict(zip(keys, rows[operators["diakonie"].pk], strict=True))
    kirche = dict(zip(keys, rows[operators["kirche"].pk], strict=True))
    assert (diakonie["quartiere"], diakonie["treffpunkt_count"]) == ("Kuckuck", 1)
    assert (kirche["quartiere"], kirche["treffpunkt_count"]) == ("", 0)
    assert list(response.context["filter"].form.fields["quartier"].queryset.values_list("name", flat=True)) == [
        "Kuckuck"
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_operator_export_holds_exactly_the_filtered_operators(people, operators, kuckuck, file_format):
    response = client_for(people["qm"]).get(LIST, {"quartier": kuckuck.pk, "o": "-name", "export": file_format})

    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        expected = [["Nachbarschaftsverein Kuckuck", "2"], ["Diakonie Hameln", "2"]]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        expected = [["Nachbarschaftsverein Kuckuck", 2], ["Diakonie Hameln", 2]]
    assert [[row[0], row[3]] for row in rows[1:]] == expected
    assert [row[2] for row in rows[1:]] == ["Kuckuck", "Kuckuck, Nordstadt"]


def test_the_detail_page_shows_contacts_meeting_points_and_measures(people, operators, kuckuck, nordstadt):
    diakonie = operators["diakonie"]
    f.KontaktpersonFactory(
        traeger=diakonie, name="Jonas Amsel", function="Koordination", email="amsel@diakonie.invalid"
    )
    responsible = make(
        "massnahme", kuckuck, title="Männertreff aufbauen", owner=Massnahme.Owner.TRAEGER, owner_traeger=diakonie
    )
    partner = make("massnahme", nordstadt, title="Sprachcafé Nordstadt")
    partner.partners.add(diakonie, operators["verein"])
    make("massnahme", kuckuck, title="Hoffest planen")

    response = client_for(people["qm"]).get(detail(diakonie))

    html = response.content.decode()
    assert "Jonas Amsel" in html and "amsel@diakonie.invalid" in html
    assert {point.quartier.name for point in response.context["treffpunkte"]} == {"Kuckuck", "Nordstadt"}
    assert [m.pk for m in response.context["massnahmen"]] == [responsible.pk, partner.pk]
    assert "Hoffest planen" not in html
    for entry in [*response.context["treffpunkte"], responsible, partner]:
        assert entry.get_absolute_url() in html


def test_a_social_worker_sees_only_the_meeting_points_and_measures_in_their_quarters(
    people, operators, kuckuck, nordstadt
):
    diakonie = operators["diakonie"]
    mine = make("massnahme", kuckuck, owner=Massnahme.Owner.TRAEGER, owner_traeger=diakonie)
    other = make(
        "massnahme", nordstadt, title="Netzwerk Nordstadt", owner=Massnahme.Owner.TRAEGER, owner_traeger=diakonie
    )

    response = client_for(people["gwa"]).get(detail(diakonie))

    assert [point.quartier for point in response.context["treffpunkte"]] == [kuckuck]
    assert [m.pk for m in response.context["massnahmen"]] == [mine.pk]
    assert other.title not in response.content.decode()
    assert "Nordstadt" not in response.content.decode()
