"""A small programme to throw input at, logged-in people, and the checks every fuzzed answer must pass.

Hypothesis runs many examples inside one test, so one function-scoped ``world`` serves them all (hence the
``function_scoped_fixture`` health check is off): each example runs in a savepoint that is rolled back
(``isolated``), so no example sees what an earlier one saved, and a database error in one (PostgreSQL aborts
the transaction) cannot spoil the next.

Profiles: ``fuzz`` (the default: few examples, derandomized, so every run and CI try the same inputs) and
``fuzz-deep`` (``HYPOTHESIS_PROFILE=fuzz-deep``: many random examples, for a search before a release).
"""

import datetime
import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, models, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis.control import currently_in_test_context

from hameln_quartiere.models import Notification, Ressort, ReviewState, Role
from tests import factories as f
from tests.fuzz.strategies import PAYLOADS
from treffpunkte import models as tp
from zusammenarbeit import models as za

SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
# No shrinking by default: a request takes milliseconds, and shrinking a failure of a form with twenty fields
# takes minutes. The failing example is printed as found; ``fuzz-deep`` shrinks it.
FAST_PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
settings.register_profile(
    "fuzz",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    phases=FAST_PHASES,
    suppress_health_check=SUPPRESSED,
)
settings.register_profile("fuzz-deep", max_examples=500, deadline=None, suppress_health_check=SUPPRESSED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))


@contextmanager
def isolated():
    """One example: whatever it saves is rolled back at its end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def project_apps():
    """The apps in the project's own folders (the virtualenv's packages live below it too, one level deeper)."""
    base = Path(django_settings.BASE_DIR).resolve()
    return [config for config in apps.get_app_configs() if Path(config.path).resolve().parent == base]


def project_models():
    """The models of the project's own apps (not Django's or third parties'), with their many-to-many tables."""
    labels = {config.label for config in project_apps()}
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.app_label in labels]


def row_counts():
    """How many rows each of the project's tables holds (the audit log included), in one query."""
    tables = sorted({model._meta.db_table for model in project_models()})
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608 - model tables
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def stored_nul_bytes():
    """``table.column`` of every text column holding a NUL character. PostgreSQL refuses them outright (any
    attempt is a 500); SQLite stores them silently, so there they are looked for (with ``instr``: ``LIKE``
    ends its pattern at a NUL and would match every row)."""
    found = []
    with connection.cursor() as cursor:
        for model in project_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                    table, column = (
                        connection.ops.quote_name(model._meta.db_table),
                        connection.ops.quote_name(field.column),
                    )
                    cursor.execute(f"SELECT 1 FROM {table} WHERE instr({column}, char(0)) > 0 LIMIT 1")  # noqa: S608
                    if cursor.fetchone():
                        found.append(f"{model._meta.db_table}.{field.column}")
    return found


def assert_safe(response):
    """No server error, no payload shown as markup, no redirect to another site or to a script."""
    assert response.status_code < 500, response.status_code
    content_type = response.get("Content-Type", "")
    if "html" in content_type:
        content = response.content.decode(response.charset or "utf-8", errors="replace")
        for payload in PAYLOADS:
            assert payload not in content, f"unescaped {payload!r} in the page"
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"])
        assert location.scheme in ("", "http", "https"), response["Location"]
        assert location.netloc in ("", "testserver"), response["Location"]


def post_and_check(client, url, data, *, stores=True, **extra):
    """POST ``data``; an answer that is no redirect must have stored nothing, a redirect (a save) must lead
    to a page that shows what was saved safely, and nothing saved may hold a NUL byte."""
    before = row_counts()
    response = client.post(url, data, **extra)
    if currently_in_test_context():
        event(f"status {response.status_code}")  # --hypothesis-show-statistics: how many examples saved
    assert_safe(response)
    if response.status_code in (301, 302, 303) and stores:
        if connection.vendor == "sqlite":
            assert not stored_nul_bytes(), response["Location"]
        location = urlsplit(response["Location"])
        if not location.netloc:
            assert_safe(client.get(location.path, dict(_query(location.query))))
    elif stores:
        assert row_counts() == before, f"{response.status_code}: rows changed without a save"
    return response


def _query(query):
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


class World(dict):
    """The fixture's objects by name; shown short in a failing example's report."""

    def __repr__(self):
        return "world"


@pytest.fixture
def world(db):
    """A small programme: two quarters, one of every kind of entry (approved where that matters), a meeting
    with a decision, a transfer, a submitted finding awaiting review; the coordinator, a social worker for
    Kuckuck and a city admin."""
    kuckuck = f.QuartierFactory(name="Kuckuck", slug="kuckuck")
    nordstadt = f.QuartierFactory(name="Nordstadt", slug="nordstadt")
    qm = f.UserFactory(username="qm", role=Role.QM_COORDINATOR)
    gwa = f.UserFactory(username="gwa", role=Role.GWA, quartiere=[kuckuck])
    admin = f.UserFactory(username="stadtadmin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    f.KategorieFactory()
    f.ZielgruppeFactory()
    f.SpracheFactory()
    traeger = f.TraegerFactory()
    f.KontaktpersonFactory(traeger=traeger)
    treffpunkt = f.TreffpunktFactory(approved=True, quartier=kuckuck, traeger=traeger, slug="treff", step_free=True)
    angebot = f.AngebotFactory(approved=True, treffpunkt=treffpunkt, free_of_charge=True)
    f.ScheduleFactory(angebot=angebot, valid_from=datetime.date(2019, 1, 1))
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    f.TeilnahmeFactory(angebot=angebot, date=monday + datetime.timedelta(days=1), participants=7)
    f.ZielgruppeFactory(name="Kinder")
    angebot.zielgruppen.set(tp.Zielgruppe.objects.all())
    angebot.sprachen.set(tp.Sprache.objects.all())
    jahresziel = f.JahreszielFactory(approved=True, quartier=kuckuck)
    konzept = f.HandlungskonzeptFactory(approved=True, quartier=kuckuck, start_year=2019, end_year=2025)
    format_ = f.BeteiligungsformatFactory(handlungskonzept=konzept)
    befund = f.BefundFactory(approved=True, handlungskonzept=konzept, beteiligungsformat=format_)
    submitted = f.BefundFactory(
        handlungskonzept=konzept,
        review_state=ReviewState.SUBMITTED,
        submitted_by=gwa,
        submitted_ressort=Ressort.FAMILIE_SOZIALES,
        submitted_at=timezone.now(),
        created_by=gwa,
    )
    feld = f.HandlungsfeldFactory(handlungskonzept=konzept)
    ziel = f.ZielFactory(approved=True, handlungsfeld=feld)
    ziel.befunde.add(befund)
    f.IndikatorFactory(ziel=ziel)
    massnahme = f.MassnahmeFactory(approved=True, handlungskonzept=konzept, treffpunkt=treffpunkt)
    massnahme.ziele.add(ziel)
    f.SachstandFactory(massnahme=massnahme)
    sitzung = f.SitzungFactory(quartier=kuckuck, date=datetime.date(2019, 5, 14))
    sitzung.teilnehmende.add(gwa)
    punkt = f.TagesordnungspunktFactory(sitzung=sitzung, status=za.Tagesordnungspunkt.Status.DECIDED, decision="Ja")
    aufgabe = f.AufgabeFactory(assignee=gwa, tagesordnungspunkt=punkt)
    praxis = f.PraxisbeispielFactory(approved=True, quartier=kuckuck)
    transfer = f.TransferFactory(praxisbeispiel=praxis, quartier=nordstadt, driver=qm)
    notification = f.NotificationFactory(recipient=gwa, kind=Notification.Kind.SUBMITTED)
    entries = {
        type(entry): entry
        for entry in (treffpunkt, angebot, jahresziel, konzept, befund, ziel, massnahme, sitzung, praxis)
    }
    return World(
        {
            "quartiere": (kuckuck, nordstadt),
            "people": {"qm": qm, "gwa": gwa, "admin": admin},
            "clients": {name: client_for(user) for name, user in {"qm": qm, "gwa": gwa, "admin": admin}.items()},
            "entries": entries,
            "submitted": submitted,
            "traeger": traeger,
            "punkt": punkt,
            "aufgabe": aufgabe,
            "transfer": transfer,
            "notification": notification,
        }
    )


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Attachments a fuzzed upload happens to save land in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
