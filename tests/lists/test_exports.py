"""The CSV and XLSX exports hold exactly the filtered rows, read back and compared with rows computed here."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import translation
from django.utils.text import capfirst

from hameln_quartiere.models import ReviewState
from handlungskonzepte.models import Massnahme
from tests import factories as f
from tests.lists.conftest import KINDS, LISTS, client_for, list_url, make

D = datetime.date


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def export(client, kind, params, file_format):
    response = client.get(list_url(kind), {**params, "export": file_format})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename")
    return read_csv(response) if file_format == "csv" else read_xlsx(response)


def headers(kind):
    with translation.override("de"):
        return [capfirst(str(column.label)) for column in LISTS[kind][1].columns]


def first_column(entry):
    return getattr(entry, "title", None) or entry.name


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_export_holds_exactly_the_filtered_rows_in_the_order_of_the_list(
    people, kuckuck, nordstadt, kind, file_format
):
    wanted = [make(kind, kuckuck, review_state=ReviewState.SUBMITTED) for _ in range(3)]
    make(kind, kuckuck)
    make(kind, nordstadt, review_state=ReviewState.SUBMITTED)
    # More rows than a page: the export is not limited to the page shown.
    wanted += [make(kind, kuckuck, review_state=ReviewState.SUBMITTED) for _ in range(25)]
    params = {
        "quartier": kuckuck.pk,
        "review_state": "submitted",
        "o": "-updated_at" if kind != "massnahme" else "-title",
    }

    rows = export(client_for(people["qm"]), kind, params, file_format)

    assert rows[0] == headers(kind)
    key = "updated_at" if kind != "massnahme" else "title"
    expected = sorted(wanted, key=lambda entry: (getattr(entry, key), entry.pk), reverse=True)
    assert [row[0] for row in rows[1:]] == [first_column(entry) for entry in expected]
    assert all(len(row) == len(headers(kind)) for row in rows)


@pytest.fixture
def measures(kuckuck, nordstadt):
    traeger = f.TraegerFactory(name="Diakonie Hameln")
    running = Massnahme.Status.RUNNING
    return {
        "wanted": [
            make(
                "massnahme",
                kuckuck,
                title="Männertreff aufbauen",
                status=running,
                owner=Massnahme.Owner.GWA,
                progress=40,
                start=D(2019, 2, 1),
                end=D(2019, 11, 30),
            ),
            make(
                "massnahme",
                kuckuck,
                title="Hausaufgabenhilfe sichern",
                status=running,
                owner=Massnahme.Owner.TRAEGER,
                owner_traeger=traeger,
                progress=75,
                start=D(2018, 9, 1),
                end=None,
                review_state=ReviewState.APPROVED,
            ),
        ],
        "others": [
            make("massnahme", kuckuck, title="Hoffest planen", status=Massnahme.Status.PLANNED),
            make("massnahme", nordstadt, title="Netzwerk Nordstadt", status=running),
        ],
    }


def expected_measure_rows(entries):
    """The export's rows, built here from the entries (German labels, as the person sees them)."""
    with translation.override("de"):
        return [
            [
                entry.title,
                entry.handlungskonzept.quartier.name,
                entry.get_owner_display(),
                entry.owner_traeger.name if entry.owner_traeger else None,
                entry.get_status_display(),
                entry.progress,
                entry.start,
                entry.end,
                "ja" if entry.is_late else "nein",
                entry.get_review_state_display(),
            ]
            for entry in sorted(entries, key=lambda entry: entry.title)
        ]


def test_the_xlsx_export_of_filtered_measures_has_typed_cells(people, kuckuck, measures):
    params = {"quartier": kuckuck.pk, "status": "laufend", "o": "title"}

    rows = export(client_for(people["qm"]), "massnahme", params, "xlsx")

    # Dates come back as datetimes at midnight; numbers stay numbers.
    read = [[value.date() if isinstance(value, datetime.datetime) else value for value in row] for row in rows[1:]]
    assert read == expected_measure_rows(measures["wanted"])
    assert all(isinstance(row[5], int) for row in rows[1:])


def test_the_csv_export_of_filtered_measures_has_the_same_rows_as_text(people, kuckuck, measures):
    params = {"quartier": kuckuck.pk, "status": "laufend", "o": "title"}

    rows = export(client_for(people["qm"]), "massnahme", params, "csv")

    as_text = [
        ["" if value is None else value.isoformat() if isinstance(value, D) else str(value) for value in row]
        for row in expected_measure_rows(measures["wanted"])
    ]
    assert rows[1:] == as_text


def test_the_export_of_offers_names_their_target_groups_and_languages(people, kuckuck):
    angebot = make("angebot", kuckuck, title="Sprachcafé")
    angebot.zielgruppen.add(f.ZielgruppeFactory(name="Familien"), f.ZielgruppeFactory(name="Männer"))
    angebot.sprachen.add(f.SpracheFactory(code="ar", name="Arabisch"))
    make("angebot", kuckuck, title="Hausaufgabenhilfe")

    rows = export(client_for(people["qm"]), "angebot", {"q": "sprachcafé"}, "xlsx")

    assert len(rows) == 2
    row = dict(zip([column.key for column in LISTS["angebot"][1].columns], rows[1], strict=True))
    assert row["title"] == "Sprachcafé"
    assert set(row["zielgruppen"].split(", ")) == {"Familien", "Männer"}
    assert row["sprachen"] == "Arabisch"


def test_a_social_workers_export_holds_only_their_quarters(people, kuckuck, nordstadt):
    mine = make("treffpunkt", kuckuck)
    make("treffpunkt", nordstadt)

    rows = export(client_for(people["gwa"]), "treffpunkt", {}, "csv")

    assert [row[0] for row in rows[1:]] == [mine.name]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_text_that_looks_like_a_formula_stays_text(people, kuckuck, file_format):
    make("angebot", kuckuck, title='=HYPERLINK("http://example.invalid","klick")')

    rows = export(client_for(people["qm"]), "angebot", {}, file_format)

    if file_format == "csv":
        assert rows[1][0] == '\'=HYPERLINK("http://example.invalid","klick")'
    else:
        sheet = openpyxl.load_workbook(
            io.BytesIO(client_for(people["qm"]).get(list_url("angebot"), {"export": "xlsx"}).content)
        ).worksheets[0]
        assert sheet["A2"].data_type == "s"
        assert sheet["A2"].value == rows[1][0]


def test_the_file_name_names_the_list_and_survives_umlauts(people, kuckuck):
    make("massnahme", kuckuck)

    response = client_for(people["qm"]).get(list_url("massnahme"), {"export": "xlsx"})

    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''Ma%C3%9Fnahmen-")
    assert response["Content-Disposition"].endswith(".xlsx")
