"""Building a report asks the database a fixed number of times, however busy the year was."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from berichte import report, services
from tests import factories as f
from treffpunkte.models import Teilnahme
from zusammenarbeit.models import Tagesordnungspunkt, TransferSchritt

from .conftest import YEAR

# Quarters; meeting points; offers; target groups; attendance by month and by category; formats; findings;
# measures; yearly goals; transfers; meetings; decisions; positions and their quarters; indicators.
BUILD_QUERIES = 16


def queries(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def busy_year(world, scale):
    """More of everything the report counts, and attendance on up to every day of the year for the new offers:
    5,000 records from a scale of 14 on."""
    rng = random.Random(scale)  # noqa: S311 - test data
    quartiere = list(world.quartiere.values())
    offers = []
    for number in range(scale):
        quartier = quartiere[number % 2]
        angebot = f.AngebotFactory(
            treffpunkt=f.TreffpunktFactory(quartier=quartier, approved=True, opened_on=datetime.date(YEAR, 2, 1)),
            quartier=quartier,
            approved=True,
        )
        angebot.zielgruppen.set([f.ZielgruppeFactory(name=f"Gruppe {number}")])
        offers.append(angebot)
        f.ScheduleFactory(angebot=angebot)
        concept = f.HandlungskonzeptFactory(quartier=quartier, approved=True)
        fmt = f.BeteiligungsformatFactory(handlungskonzept=concept, date=datetime.date(YEAR, 3, 1))
        f.BefundFactory(handlungskonzept=concept, beteiligungsformat=fmt, approved=True)
        f.SachstandFactory(massnahme=f.MassnahmeFactory(handlungskonzept=concept, approved=True))
        f.JahreszielFactory(quartier=quartier, year=YEAR, approved=True)
        transfer = f.TransferFactory(
            praxisbeispiel=f.PraxisbeispielFactory(quartier=quartier, approved=True),
            quartier=quartiere[(number + 1) % 2],
            driver=world.gwa,
        )
        TransferSchritt.objects.create(
            transfer=transfer, status="idee", at=datetime.datetime(YEAR, 4, 1, tzinfo=datetime.UTC)
        )
        sitzung = f.SitzungFactory(
            quartier=quartier, date=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=number), approved=True
        )
        f.TagesordnungspunktFactory(sitzung=sitzung, status=Tagesordnungspunkt.Status.DECIDED, decision="Ja.")
        f.StelleFactory(funding=f.FoerderquelleFactory(name=f"Quelle {number}")).quartiere.set(quartiere)
        f.KennzahlFactory(quartier=quartier, name=f"Kennzahl {number}", year=YEAR)
    per_offer = min(365, -(-5000 // scale))
    Teilnahme.objects.bulk_create(
        Teilnahme(
            angebot=angebot,
            date=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=day),
            participants=rng.randint(1, 30),
            period=Teilnahme.Period.OCCURRENCE,
        )
        for angebot in offers
        for day in range(per_offer)
    )


def test_building_a_report_takes_the_same_queries_however_busy_the_year(world):
    assert queries(lambda: report.build(YEAR)) == BUILD_QUERIES
    assert queries(lambda: report.build(YEAR, world.quartiere["kuckuck"])) == BUILD_QUERIES - 1
    busy_year(world, scale=14)
    assert Teilnahme.objects.count() >= 5000
    assert queries(lambda: report.build(YEAR)) == BUILD_QUERIES
    assert queries(lambda: report.build(YEAR, world.quartiere["kuckuck"])) == BUILD_QUERIES - 1


# A page reads the session, the person and their unread notices; a file only the first two. Then what the page
# adds to the report: the finalised versions of the scope and, for the switch between scopes, the quarters. The
# comparison builds two reports; a version reads itself and its siblings.
PAGE, FILE = 3, 2
PAGES = {
    "bericht": PAGE + BUILD_QUERIES + 2,
    "bericht-pdf": FILE + BUILD_QUERIES,
    "bericht-xlsx": FILE + BUILD_QUERIES,
    "vorjahr": PAGE + 2 * BUILD_QUERIES,
    "fassung": PAGE + 2,
    "fassung-pdf": FILE + 1,
    "fassung-xlsx": FILE + 1,
    "fassung-vergleich": PAGE + 2 + BUILD_QUERIES,
    "index": PAGE + 2,
}


@pytest.mark.parametrize("name", PAGES)
def test_the_report_pages_query_counts_are_pinned_and_constant(client, world, name):
    client.force_login(world.qm)
    version = services.finalise(YEAR, None, by=world.qm)
    args = [] if name == "index" else [version.pk] if name.startswith("fassung") else [YEAR]
    url = reverse(f"berichte:{name}", args=args)
    first = queries(lambda: client.get(url))
    assert first == PAGES[name]
    busy_year(world, scale=6)
    services.finalise(YEAR, None, by=world.qm)
    assert queries(lambda: client.get(url)) == first
