"""A goal's indicators are edited on the goal's form, saved with it, and recorded directly without review."""

import pytest
from django.urls import reverse

from handlungskonzepte.models import Indikator, Ziel
from tests import factories as f
from tests.handlungskonzepte.conftest import client_for


def management(total, initial=0):
    return {
        "indikatoren-TOTAL_FORMS": str(total),
        "indikatoren-INITIAL_FORMS": str(initial),
        "indikatoren-MIN_NUM_FORMS": "0",
        "indikatoren-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def feld(konzept):
    return f.HandlungsfeldFactory(handlungskonzept=konzept, title="Bildung")


def test_a_new_goal_is_saved_with_its_indicators(people, feld):
    data = {
        "handlungsfeld": feld.pk,
        "title": "Mehr Kinder in Kitas",
        **management(2),
        "indikatoren-0-name": "Kita-Quote",
        "indikatoren-0-unit": "%",
        "indikatoren-0-baseline": "62.5",
        "indikatoren-0-baseline_year": "2018",
        "indikatoren-0-target": "80",
        "indikatoren-1-name": "",
    }

    response = client_for(people["qm"]).post(reverse("handlungskonzepte:ziel-create"), data)

    assert response.status_code == 302
    ziel = Ziel.objects.get(title="Mehr Kinder in Kitas")
    indikator = ziel.indikatoren.get()
    assert (indikator.name, indikator.unit, str(indikator.baseline), indikator.baseline_year) == (
        "Kita-Quote",
        "%",
        "62.50",
        2018,
    )
    assert str(indikator.target) == "80.00"


def test_invalid_indicator_rows_keep_the_input_and_save_nothing(people, feld):
    data = {
        "handlungsfeld": feld.pk,
        "title": "Mehr Kinder in Kitas",
        **management(2),
        "indikatoren-0-name": "Kita-Quote",
        "indikatoren-0-baseline": "viel",
        "indikatoren-1-name": "Kita-Quote",
    }

    response = client_for(people["qm"]).post(reverse("handlungskonzepte:ziel-create"), data)

    assert response.status_code == 200
    formset = response.context["formsets"][0]
    assert "baseline" in formset.forms[0].errors
    html = response.content.decode()
    assert 'value="viel"' in html
    assert 'value="Mehr Kinder in Kitas"' in html
    assert not Ziel.objects.exists()
    assert not Indikator.objects.exists()


def test_two_indicators_of_one_goal_need_different_names(people, feld):
    data = {
        "handlungsfeld": feld.pk,
        "title": "Ziel",
        **management(2),
        "indikatoren-0-name": "Quote",
        "indikatoren-1-name": "Quote",
    }

    response = client_for(people["qm"]).post(reverse("handlungskonzepte:ziel-create"), data)

    assert response.status_code == 200
    assert response.context["formsets"][0].non_form_errors()
    assert not Ziel.objects.exists()


def test_the_actual_value_of_an_approved_goal_is_recorded_directly(people, feld):
    ziel = f.ZielFactory(handlungsfeld=feld, title="Begegnung", approved=True)
    indikator = f.IndikatorFactory(ziel=ziel, name="Besuche", baseline=10, target=20)
    data = {
        "handlungsfeld": feld.pk,
        "title": "Begegnung",
        "loaded_version": ziel.version,
        **management(1, initial=1),
        "indikatoren-0-id": indikator.pk,
        "indikatoren-0-ziel": ziel.pk,
        "indikatoren-0-name": "Besuche",
        "indikatoren-0-baseline": "10",
        "indikatoren-0-target": "20",
        "indikatoren-0-actual": "17",
    }

    response = client_for(people["qm"]).post(reverse("handlungskonzepte:ziel-update", args=[ziel.pk]), data)

    assert response.status_code == 302
    indikator.refresh_from_db()
    assert str(indikator.actual) == "17.00"
    ziel.refresh_from_db()
    assert ziel.pending is None
    assert ziel.review_state == "approved"


def test_the_goal_form_shows_the_indicator_rows(people, feld):
    ziel = f.ZielFactory(handlungsfeld=feld)
    f.IndikatorFactory(ziel=ziel, name="Besuche")

    response = client_for(people["qm"]).get(reverse("handlungskonzepte:ziel-update", args=[ziel.pk]))

    assert response.status_code == 200
    assert 'name="indikatoren-0-name" value="Besuche"' in response.content.decode()
    assert 'name="indikatoren-1-name"' in response.content.decode()
