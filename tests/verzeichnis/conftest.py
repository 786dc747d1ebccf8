import datetime

import pytest
from django.utils import timezone

from tests import factories as f
from treffpunkte.models import Schedule


@pytest.fixture
def kuckuck(db):
    return f.QuartierFactory(name="Kuckuck", slug="kuckuck", description="Ein Quartier im Westen Hamelns.")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def nest(kuckuck):
    """An approved, active meeting point with an operator, an address and coordinates."""
    return f.TreffpunktFactory(
        quartier=kuckuck,
        name="Stadtteiltreff Kuckucksnest",
        slug="kuckucksnest",
        street="Kuckucksweg 1",
        postal_code="31785",
        latitude="52.1031",
        longitude="9.3752",
        step_free=True,
        description="Ein offener Treff für alle im Quartier.",
        approved=True,
    )


@pytest.fixture
def sprachcafe(nest, today):
    """An approved offer that takes place every day of the week, so it is on every page's programme."""
    angebot = f.AngebotFactory(
        treffpunkt=nest, title="Sprachcafé", description="Deutsch üben bei Kaffee und Tee.", approved=True
    )
    for weekday in Schedule.Weekday.values:
        f.ScheduleFactory(angebot=angebot, weekday=weekday, start_time=datetime.time(10), end_time=datetime.time(12))
    return angebot
