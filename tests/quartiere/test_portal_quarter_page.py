"""The portal page of a quarter: profile, indicators as a chart and a table, yearly goals, meeting points on a map
and as a list, measures' progress; scoped to the person's quarters, in a constant number of queries."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from hameln_quartiere.models import Ressort, Role
from quartiere.charts import format_value, line_chart, nice_step
from quartiere.models import Jahresziel
from quartiere.views import current_concept
from tests import factories as f
from treffpunkte.models import Treffpunkt

TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"


@pytest.fixture
def kuckuck(db):
    return f.QuartierFactory(
        name="Kuckuck",
        slug="kuckuck",
        description="Ein Soziale-Stadt-Gebiet im Osten der Stadt.",
        development_needs="Mehr Begegnungsorte für junge Familien.",
        is_soziale_stadt=True,
        boundary={"type": "Polygon", "coordinates": [[[9.37, 52.10], [9.38, 52.10], [9.38, 52.11], [9.37, 52.10]]]},
    )


@pytest.fixture
def nordstadt(db):
    return f.QuartierFactory(name="Nordstadt", slug="nordstadt")


@pytest.fixture
def qm(db):
    return f.UserFactory(username="qm", role=Role.QM_COORDINATOR)


@pytest.fixture
def gwa(kuckuck):
    return f.UserFactory(username="gwa", role=Role.GWA, quartiere=[kuckuck])


def page(client, user, quartier):
    client.force_login(user)
    return client.get(reverse("quartiere:quartier-detail", args=[quartier.slug]))


def map_data(response):
    match = re.search(r'<script id="map-points" type="application/json">(.*?)</script>', response.text, re.S)
    assert match, "the page has no map data"
    return json.loads(match.group(1))


# --- Who sees it ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.QM_COORDINATOR, Role.LEADERSHIP, Role.GWA, Role.FAMILY_SUPPORT])
def test_people_working_in_the_quarter_see_its_page(client, kuckuck, role):
    ressort = Ressort.STADTENTWICKLUNG if role == Role.LEADERSHIP else None
    options = {"ressort": ressort} if ressort else {}
    user = f.UserFactory(role=role, quartiere=[kuckuck], **options)

    assert page(client, user, kuckuck).status_code == 200


def test_a_social_worker_gets_a_404_for_a_quarter_outside_theirs(client, kuckuck, nordstadt, gwa):
    assert page(client, gwa, nordstadt).status_code == 404


def test_an_unknown_quarter_is_a_404(client, qm):
    client.force_login(qm)
    assert client.get(reverse("quartiere:quartier-detail", args=["gibt-es-nicht"])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, kuckuck):
    response = client.get(reverse("quartiere:quartier-detail", args=[kuckuck.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_person_without_a_role_is_refused(client, kuckuck):
    assert page(client, f.UserFactory(role=""), kuckuck).status_code == 403


# --- What it shows -----------------------------------------------------------------------------------------------


def test_shows_profile_and_development_needs(client, kuckuck, qm):
    text = page(client, qm, kuckuck).text

    assert "Ein Soziale-Stadt-Gebiet im Osten der Stadt." in text
    assert "Mehr Begegnungsorte für junge Familien." in text
    assert reverse("verzeichnis:quartier", args=[kuckuck.slug]) in text


def test_indicator_values_are_a_chart_with_a_table_as_its_text_equivalent(client, kuckuck, qm):
    for year, value in [(2017, 4100), (2018, 4180), (2019, "4250.50")]:
        f.KennzahlFactory(quartier=kuckuck, name="Einwohnerinnen und Einwohner", year=year, value=value)
    f.KennzahlFactory(quartier=kuckuck, name="Anteil unter 18", year=2019, value=23, unit="%")
    f.KennzahlFactory(quartier=f.QuartierFactory(), name="Anderswo", year=2019, value=1)

    response = page(client, qm, kuckuck)
    text = response.text

    svgs = re.findall(r"<svg[^>]*data-indicator-chart.*?</svg>", text, re.S)
    tables = re.findall(r"<table[^>]*data-indicator-table.*?</table>", text, re.S)
    assert len(svgs) == len(tables) == 2
    residents_chart, residents_table = svgs[1], tables[1]  # ordered by name: "Anteil …" first
    assert 'role="img"' in residents_chart
    assert "<polyline" in residents_chart
    for label in ("4.100", "4.180", "4.250,5", "2017", "2019"):
        assert label in residents_chart
        assert label in residents_table
    # Coordinates keep a decimal point: the German locale must not turn them into commas.
    assert re.search(r'cx="\d+\.\d"', residents_chart)
    assert "Anderswo" not in text


def test_the_chart_scales_from_zero_with_round_ticks():
    chart = line_chart("Einwohner", "Personen", [(2017, Decimal(4100)), (2019, Decimal(4250))])

    assert [label for _, label in chart.y_ticks] == ["0", "2.000", "4.000", "6.000"]
    assert [point.label for point in chart.points] == ["4.100", "4.250"]
    assert chart.points[0].x == "72.0"
    assert chart.points[-1].x == f"{chart.right_edge:.1f}"
    assert float(chart.points[1].y) < float(chart.points[0].y)  # higher value, higher on the page


def test_a_single_value_sits_in_the_middle():
    chart = line_chart("Treffpunkte", "", [(2019, Decimal(3))])

    assert len(chart.points) == 1
    assert float(chart.points[0].x) == pytest.approx((chart.left + chart.right_edge) / 2, abs=0.1)


@pytest.mark.parametrize(("value", "text"), [(Decimal("4250.00"), "4.250"), (Decimal("0.50"), "0,5"), (12, "12")])
def test_values_read_the_german_way(value, text):
    assert format_value(value) == text


@pytest.mark.parametrize(("span", "step"), [(100, 25), (4250, 2000), (3000, 1000), (7, 2), (0, 1)])
def test_ticks_take_round_steps(span, step):
    assert nice_step(span) == step


def test_yearly_goals_with_review_state_and_assessment(client, kuckuck, nordstadt, qm):
    f.JahreszielFactory(
        quartier=kuckuck,
        title="Bestehende Treffpunkte stärken",
        approved=True,
        assessment=Jahresziel.Assessment.PARTLY,
        assessment_statement="Zwei von drei Treffpunkten haben neue Angebote.",
    )
    f.JahreszielFactory(quartier=kuckuck, title="Neues Ziel im Entwurf")
    f.JahreszielFactory(quartier=nordstadt, title="Ziel der Nordstadt")

    text = page(client, qm, kuckuck).text

    goals = text[text.index("data-jahresziele") :]
    assert "Bestehende Treffpunkte stärken" in goals
    assert "Zwei von drei Treffpunkten haben neue Angebote." in goals
    assert str(Jahresziel.Assessment.PARTLY.label) in goals or "Teilweise" in goals
    assert "Neues Ziel im Entwurf" in goals
    assert "review-state-draft" in goals
    assert "review-state-approved" in goals
    assert "Ziel der Nordstadt" not in text


def test_map_data_holds_the_visible_meeting_points_with_coordinates(client, kuckuck, nordstadt, gwa):
    nest = f.TreffpunktFactory(
        quartier=kuckuck, name="Kuckucksnest", latitude="52.103100", longitude="9.375200", approved=True
    )
    f.TreffpunktFactory(quartier=kuckuck, name="Treff im Entwurf", latitude="52.1040", longitude="9.3760")
    f.TreffpunktFactory(quartier=kuckuck, name="Noch ohne Ort")
    f.TreffpunktFactory(
        quartier=kuckuck, name="Geschlossener Treff", latitude="52.1", longitude="9.37", status=Treffpunkt.Status.CLOSED
    )
    f.TreffpunktFactory(quartier=nordstadt, name="Nordtreff", latitude="52.12", longitude="9.36", approved=True)

    response = page(client, gwa, kuckuck)
    points = map_data(response)

    assert [point["name"] for point in points] == ["Kuckucksnest", "Treff im Entwurf"]
    assert points[0]["lat"] == pytest.approx(52.1031)
    assert points[0]["lng"] == pytest.approx(9.3752)
    assert points[0]["url"] == reverse("treffpunkte:treffpunkt-detail", args=[nest.pk])
    # The list is the map's equivalent without JavaScript: every visible meeting point, with or without a place.
    listed = response.text[response.text.index("data-treffpunkte") :]
    for name in ("Kuckucksnest", "Treff im Entwurf", "Noch ohne Ort", "Geschlossener Treff"):
        assert name in listed
    assert "Nordtreff" not in response.text
    assert 'id="map-boundary"' in response.text


def test_no_tile_server_is_named_unless_configured(client, kuckuck, qm, settings):
    settings.MAP_TILE_URL = ""
    f.TreffpunktFactory(quartier=kuckuck, latitude="52.1031", longitude="9.3752")

    text = page(client, qm, kuckuck).text

    assert "data-tile-url" not in text
    assert "tiles.example.invalid" not in text
    assert "js/quartier_map.js" in text
    assert "vendor/leaflet/leaflet.js" in text
    # Nothing from another host: every script and stylesheet is the app's own.
    assert not re.search(r'(src|href)="(https?:)?//', text)


def test_the_tile_server_is_passed_to_the_map_when_configured(client, kuckuck, qm, settings):
    settings.MAP_TILE_URL = TILE_URL
    settings.MAP_TILE_ATTRIBUTION = "© Stadt Hameln"
    f.TreffpunktFactory(quartier=kuckuck, latitude="52.1031", longitude="9.3752")

    text = page(client, qm, kuckuck).text

    assert f'data-tile-url="{TILE_URL}"' in text
    assert 'data-tile-attribution="© Stadt Hameln"' in text


def test_without_coordinates_there_is_no_map_only_the_list(client, kuckuck, qm):
    f.TreffpunktFactory(quartier=kuckuck, name="Noch ohne Ort")

    text = page(client, qm, kuckuck).text

    assert 'id="quartier-map"' not in text
    assert "leaflet.js" not in text
    assert "Noch ohne Ort" in text


def test_shows_the_progress_of_the_measures_of_the_current_concept(client, kuckuck, qm):
    old = f.HandlungskonzeptFactory(quartier=kuckuck, title="IHK alt", start_year=2010, end_year=2014)
    current = f.HandlungskonzeptFactory(quartier=kuckuck, title="IHK Kuckuck", start_year=2019, end_year=2099)
    f.MassnahmeFactory(handlungskonzept=current, title="Sprachcafé aufbauen", progress=40)
    f.MassnahmeFactory(handlungskonzept=current, title="Männertreff begleiten", progress=100)
    f.MassnahmeFactory(handlungskonzept=old, title="Alte Maßnahme", progress=70)

    text = page(client, qm, kuckuck).text

    measures = text[text.index("data-massnahmen") :]
    assert "Sprachcafé aufbauen" in measures
    assert re.search(r'<progress[^>]*max="100"[^>]*value="40"', measures)
    assert "40 %" in measures
    assert "100 %" in measures
    assert "Alte Maßnahme" not in text
    assert "IHK alt" in text  # linked as another concept of the quarter


def test_shows_the_concept_as_a_chain_with_its_rolled_up_progress(client, kuckuck, qm):
    concept = f.HandlungskonzeptFactory(quartier=kuckuck, start_year=2019, end_year=2099)
    ziel = f.ZielFactory(handlungsfeld=f.HandlungsfeldFactory(handlungskonzept=concept), title="Familien erreichen")
    ziel.befunde.add(f.BefundFactory(handlungskonzept=concept, title="Wenig Angebote für Familien"))
    massnahme = f.MassnahmeFactory(handlungskonzept=concept, title="Familiencafé aufbauen", progress=60)
    massnahme.ziele.add(ziel)
    massnahme.angebote.add(f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=kuckuck), title="Familiencafé"))

    response = page(client, qm, kuckuck)

    chain = response.text[response.text.index("data-chain") :]
    for title in ("Wenig Angebote für Familien", "Familien erreichen", "Familiencafé aufbauen", "Familiencafé"):
        assert title in chain
    assert response.context["rollup"].concept == 60
    rollup = response.text[response.text.index("data-rollup") :]
    assert re.search(r'<progress[^>]*value="60"', rollup)


def test_the_current_concept_is_the_one_in_force_else_the_newest_started():
    class Concept:
        def __init__(self, start_year, end_year):
            self.start_year, self.end_year = start_year, end_year

    newest, running, old = Concept(2030, 2033), Concept(2018, 2022), Concept(2010, 2014)
    assert current_concept([newest, running, old], 2020) is running
    assert current_concept([newest, old], 2020) is old
    assert current_concept([newest], 2020) is newest
    assert current_concept([], 2020) is None


def test_the_start_page_links_the_quarters_to_their_pages(client, kuckuck, gwa):
    client.force_login(gwa)

    text = client.get(reverse("portal")).text

    assert reverse("quartiere:quartier-detail", args=[kuckuck.slug]) in text
