"""The staff positions page: per Ressort and funding source the FTE, holders and quarters covered of a year, so that
the 2019 picture of the project description reads at a glance; for every staff role, in a constant number of
queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hameln_quartiere.models import Foerderquelle, Ressort, Role
from tests import factories as f

URL = reverse("stellen")


@pytest.fixture
def quartiere(db):
    return {
        slug: f.QuartierFactory(name=name, slug=slug)
        for slug, name in [
            ("kuckuck", "Kuckuck"),
            ("altstadt", "Altstadt"),
            ("nordstadt", "Nordstadt"),
            ("suedstadt", "Südstadt"),
        ]
    }


@pytest.fixture
def people(quartiere):
    return {
        "qm": f.UserFactory(username="qm", first_name="Quirin", last_name="Muster", role=Role.QM_COORDINATOR),
        "gwa-kuckuck": f.UserFactory(
            username="gwa-kuckuck", first_name="Gerda", last_name="Kuckuck", quartiere=[quartiere["kuckuck"]]
        ),
        "gwa-quartiere": f.UserFactory(
            username="gwa-quartiere",
            first_name="Gustav",
            last_name="Quartier",
            quartiere=[quartiere[slug] for slug in ("altstadt", "nordstadt", "suedstadt")],
        ),
        "familie": f.UserFactory(username="familie", role=Role.FAMILY_SUPPORT),
        "leitung": f.UserFactory(username="leitung", role=Role.LEADERSHIP, ressort=Ressort.FAMILIE_SOZIALES),
        "admin": f.UserFactory(username="stadtadmin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "norole": f.UserFactory(username="ohne-rolle", role=""),
    }


@pytest.fixture
def picture_2019(quartiere, people):
    """The 2019 picture: the QM coordinator on the permanent staff plan since March 2017; 1.5 FTE of GWA from
    model funding for two social workers, one covering one quarter, the other three."""
    stellenplan = f.FoerderquelleFactory(name="Stellenplan der Stadt Hameln", kind=Foerderquelle.Kind.STAFF_PLAN)
    modell = f.FoerderquelleFactory(name="Modellvorhaben Hameln k.a.n.(n')s.", kind=Foerderquelle.Kind.MODEL_FUNDING)
    qm = f.StelleFactory(
        title="Projektkoordination Quartiersentwicklung (QM)",
        ressort=Ressort.STADTENTWICKLUNG,
        holder=people["qm"],
        fte="1.00",
        funding=stellenplan,
        start=datetime.date(2017, 3, 1),
    )
    qm.quartiere.set(quartiere.values())
    kuckuck = f.StelleFactory(
        title="Gemeinwesenarbeit Kuckuck",
        holder=people["gwa-kuckuck"],
        fte="0.75",
        funding=modell,
        start=datetime.date(2019, 1, 1),
        end=datetime.date(2019, 12, 31),
    )
    kuckuck.quartiere.set([quartiere["kuckuck"]])
    drei = f.StelleFactory(
        title="Gemeinwesenarbeit Altstadt, Nordstadt, Südstadt",
        holder=people["gwa-quartiere"],
        fte="0.75",
        funding=modell,
        start=datetime.date(2019, 1, 1),
        end=datetime.date(2019, 12, 31),
    )
    drei.quartiere.set([quartiere[slug] for slug in ("altstadt", "nordstadt", "suedstadt")])
    return {"stellenplan": stellenplan, "modell": modell, "qm": qm, "kuckuck": kuckuck, "drei": drei}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def page(user, **params):
    return client_for(user).get(URL, params)


def cells(html, pattern):
    row = re.search(pattern, html, re.S)
    assert row, pattern
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)
    ]


def test_the_2019_picture_reads_at_a_glance(picture_2019, people):
    response = page(people["leitung"], jahr=2019)

    assert response.status_code == 200
    context = response.context
    stadtentwicklung, familie = context["ressorts"]
    assert stadtentwicklung.ressort == Ressort.STADTENTWICKLUNG
    assert stadtentwicklung.fte == Decimal("1.00")
    assert [group.funding for group in stadtentwicklung.by_funding] == [picture_2019["stellenplan"]]
    assert familie.ressort == Ressort.FAMILIE_SOZIALES
    (gwa,) = familie.by_funding
    assert gwa.funding == picture_2019["modell"]
    assert gwa.fte == Decimal("1.50")
    assert gwa.holders == 2
    assert len(gwa.quartiere) == 4
    assert [len(stelle.quartiere.all()) for stelle in gwa.stellen] == [3, 1]  # by title: "… Altstadt …" first
    assert {group.funding.name: group.fte for group in context["fundings"]} == {
        "Modellvorhaben Hameln k.a.n.(n')s.": Decimal("1.50"),
        "Stellenplan der Stadt Hameln": Decimal("1.00"),
    }
    assert context["total"].fte == Decimal("2.50")

    html = response.content.decode()
    # The matrix: columns by funding source name (model funding, staff plan), then the sum; German decimals.
    assert cells(html, r'<tr data-ressort="stadtentwicklung">(.*?)</tr>')[1:] == ["–", "1,00", "1,00"]
    assert cells(html, r'<tr data-ressort="familie_soziales">(.*?)</tr>')[1:] == ["1,50", "–", "1,50"]
    assert cells(html, r"<tr data-total>(.*?)</tr>")[1:] == ["1,50", "1,00", "2,50"]
    for holder in ("Quirin Muster", "Gerda Kuckuck", "Gustav Quartier"):
        assert holder in html
    assert "0,75" in html


@pytest.mark.parametrize(
    ("year", "titles"),
    [
        (2016, []),
        (2017, ["Projektkoordination Quartiersentwicklung (QM)"]),
        (2018, ["Projektkoordination Quartiersentwicklung (QM)"]),
        (
            2019,
            [
                "Projektkoordination Quartiersentwicklung (QM)",
                "Gemeinwesenarbeit Altstadt, Nordstadt, Südstadt",
                "Gemeinwesenarbeit Kuckuck",
            ],
        ),
        (2020, ["Projektkoordination Quartiersentwicklung (QM)"]),
    ],
)
def test_the_year_shows_the_positions_running_in_it(picture_2019, people, year, titles):
    response = page(people["qm"], jahr=year)

    assert [stelle.title for stelle in response.context["total"].stellen] == sorted(
        titles, key=lambda title: ("Gemeinwesen" in title, title)
    )
    assert response.context["year"] == year


def test_a_position_running_for_part_of_the_year_counts_in_it(quartiere, people):
    f.StelleFactory(title="Bis Januar", start=datetime.date(2018, 6, 1), end=datetime.date(2019, 1, 1))
    f.StelleFactory(title="Ab Dezember", start=datetime.date(2019, 12, 31))
    f.StelleFactory(title="Vorbei", start=datetime.date(2018, 1, 1), end=datetime.date(2018, 12, 31))
    f.StelleFactory(title="Später", start=datetime.date(2020, 1, 1))

    response = page(people["qm"], jahr=2019)

    assert sorted(stelle.title for stelle in response.context["total"].stellen) == ["Ab Dezember", "Bis Januar"]


def test_the_current_year_is_the_default_and_the_years_with_positions_are_offered(picture_2019, people):
    response = page(people["qm"])

    this_year = timezone.localdate().year
    assert response.context["year"] == this_year
    options = {int(year) for year in re.findall(r'<option value="(\d+)"', response.content.decode())}
    assert set(range(2017, this_year + 1)) <= options


@pytest.mark.parametrize("wrong", ["neunzehn", "3000"])
def test_a_wrong_year_shows_the_current_year_and_says_why(picture_2019, people, wrong):
    response = page(people["qm"], jahr=wrong)

    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert response.context["form"].errors["jahr"]


def test_a_year_without_positions_says_so(people):
    response = page(people["qm"], jahr=2019)

    assert response.status_code == 200
    assert response.context["total"].stellen == []
    assert "data-stellen-overview" not in response.content.decode()


def test_a_vacant_position_counts_without_a_holder(quartiere, people):
    f.StelleFactory(title="Unbesetzt", holder=None, fte="0.5")

    response = page(people["qm"], jahr=2019)

    (familie,) = response.context["ressorts"]
    assert familie.fte == Decimal("0.50")
    assert familie.holders == 0


@pytest.mark.parametrize("person", ["qm", "gwa-kuckuck", "gwa-quartiere", "familie", "leitung", "admin"])
def test_every_staff_role_reads_the_positions(picture_2019, people, person):
    response = page(people[person], jahr=2019)

    assert response.status_code == 200
    # Positions belong to the whole programme: a social worker sees all of them, not only their quarters'.
    assert len(response.context["total"].stellen) == 3


def test_the_page_is_for_staff_only(client, people):
    assert page(people["norole"]).status_code == 403
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_tables_have_headers_for_rows_and_columns(picture_2019, people):
    html = page(people["qm"], jahr=2019).content.decode()

    assert html.count("<caption") == 3  # the overview and one table per Ressort
    assert '<th scope="col"' in html
    assert '<th scope="row"' in html


def add_positions(count, quartiere):
    fundings = [f.FoerderquelleFactory(name=f"Förderung {n}", kind=Foerderquelle.Kind.THIRD_PARTY) for n in range(3)]
    for n in range(count):
        stelle = f.StelleFactory(
            title=f"Stelle {n}",
            ressort=[Ressort.STADTENTWICKLUNG, Ressort.FAMILIE_SOZIALES][n % 2],
            holder=f.UserFactory(),
            funding=fundings[n % 3],
            start=datetime.date(2018, 1, 1),
        )
        stelle.quartiere.set(list(quartiere.values())[: n % 4 + 1])


def measure(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_page_needs_the_same_queries_for_few_and_many_positions(
    picture_2019, quartiere, people, django_assert_max_num_queries
):
    client = client_for(people["gwa-kuckuck"])
    url = f"{URL}?jahr=2019"
    few = measure(client, url)

    add_positions(30, quartiere)
    many = measure(client, url)

    assert len(many) == len(few), "\n".join(["--- few:", *few, "--- many:", *many])
    # 6: session, user, the span of years, the positions with holder and funding source, their quarters, the
    # unread count.
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert len(response.context["total"].stellen) == 33
