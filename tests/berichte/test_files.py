"""The report as files: a real PDF whose text holds the sections and the numbers, and a spreadsheet whose sheets
hold the same numbers as numbers. Both are read back with the libraries others would open them with."""

import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook
from pypdf import PdfReader

from berichte import report
from berichte.formats import sheet_names
from hameln_quartiere.models import Ressort

from .conftest import YEAR
from .test_numbers import values


@pytest.fixture
def document(world):
    return report.build(YEAR)


def test_the_pdf_has_title_contents_page_numbers_sections_and_numbers(client, world, document):
    client.force_login(world.qm)
    response = client.get(reverse("berichte:bericht-pdf", args=[YEAR]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="jahresbericht-2019-gesamt.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4: 210 mm
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=1)
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert "Hameln k.a.n.(n')s. gemeinsam" in pages[0]
    assert document["title"] == _("Yearly report %(year)s") % {"year": YEAR}
    assert document["title"] in pages[0]
    assert _("Contents") in pages[1]
    page, of = pgettext("page numbers", "Page"), pgettext("page numbers", "of")
    assert f"{page} 3 {of} {len(pages)}" in pages[2]
    for section in document["sections"]:
        assert section["title"] in text
    # The contents name the page each section starts on.
    first = document["sections"][0]["title"]
    assert first in pages[1] and f"{first}" in pages[2]
    people = values(document, "teilnahme", "people")
    assert f"{people['total']:,}".replace(",", ".") in text
    # The charts are in it: their titles and axis labels.
    assert _("Participants per month and quarter") in text
    assert _("Measures by status and quarter") in text


def test_the_spreadsheet_has_a_sheet_per_section_with_numbers_as_numbers(client, world, document):
    client.force_login(world.qm)
    response = client.get(reverse("berichte:bericht-xlsx", args=[YEAR]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [_("Report"), *sheet_names(document["sections"])]
    sheet = workbook[sheet_names(document["sections"])[3]]
    assert sheet["A1"].value == _("Attendance")
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row[0] == _("What"))
    people = next(row for row in rows if row[0] == _("Participants"))
    expected = values(document, "teilnahme", "people")
    assert header[1:4] == ["Altstadt", "Kuckuck", _("Together")]
    assert people[1:4] == [expected["altstadt"], expected["kuckuck"], expected["total"]]
    assert all(isinstance(value, int) for value in people[1:4])
    # Averages stay numbers with their decimals.
    staff = workbook[sheet_names(document["sections"])[9]]
    fte = next(row for row in staff.iter_rows(values_only=True) if row[0] == Ressort.FAMILIE_SOZIALES.label)
    assert 1.5 in fte


def test_a_text_that_looks_like_a_formula_stays_text(client, world):
    goal = world.quartiere["altstadt"].jahresziele.filter(year=YEAR, approved_at__isnull=False).first()
    type(goal).objects.filter(pk=goal.pk).update(assessment_statement='=HYPERLINK("http://x")')
    client.force_login(world.qm)
    workbook = load_workbook(io.BytesIO(client.get(reverse("berichte:bericht-xlsx", args=[YEAR])).content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value]
    statement = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert statement.data_type == "s"


def test_sheet_names_are_short_valid_and_unique():
    sections = [{"key": "a", "title": "Ein sehr langer Abschnittstitel mit: Zeichen?"}] * 2
    names = sheet_names(sections)
    assert len(set(names)) == 2
    assert all(len(name) <= 31 and ":" not in name and "?" not in name for name in names)


def test_the_contents_name_the_page_each_section_starts_on(client, world, document):
    client.force_login(world.qm)
    reader = PdfReader(io.BytesIO(client.get(reverse("berichte:bericht-pdf", args=[YEAR])).content))
    pages = [page.extract_text() for page in reader.pages]
    contents = pages[1]
    for section in document["sections"][:3]:
        line = next(line for line in contents.splitlines() if section["title"] in line)
        page_number = int(line.rstrip(". ").split()[-1].strip("."))
        assert section["title"] in pages[page_number - 1], section["title"]


def test_chart_labels_keep_years_whole_and_shorten_months():
    from berichte.charts import line_chart

    years = {
        "key": "k",
        "columns": [{"key": "a", "label": "A", "numeric": True}],
        "rows": [{"key": str(y), "label": str(y), "cells": [y - 2000]} for y in range(2010, 2020)],
    }
    months = {**years, "rows": [{"key": str(m), "label": "Januar", "cells": [m]} for m in range(12)]}
    assert line_chart({"title": "t"}, years, "c").x_labels[0][1] == "2010"
    assert line_chart({"title": "t"}, months, "c").x_labels[0][1] == "Jan"
