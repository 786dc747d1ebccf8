"""`manage.py seed_demo` loads a believable, fictional programme year 2019 and is safe to run again."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.urls import reverse

from hameln_quartiere import demo_scale
from hameln_quartiere.demo import DEMO_PASSWORD
from hameln_quartiere.models import Foerderquelle, LogEntry, ReviewState, Role, Stelle, User
from handlungskonzepte.models import Befund, Handlungskonzept, Massnahme, Ziel
from quartiere.models import Jahresziel, Quartier
from tests.factories import JahreszielFactory, StelleFactory, TraegerFactory, TreffpunktFactory
from treffpunkte.models import Angebot, Schedule, Teilnahme, Traeger, Treffpunkt
from verzeichnis import public

APPS = ("hameln_quartiere", "quartiere", "treffpunkte", "handlungskonzepte")


@pytest.fixture
def seed(db, settings):
    settings.DEBUG = True

    def run(*args):
        out = StringIO()
        call_command("seed_demo", *args, stdout=out)
        return out.getvalue()

    return run


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models(include_auto_created=True)}


def test_seed_builds_the_four_quarters_with_kuckuck_as_soziale_stadt_area(seed):
    seed()

    assert set(Quartier.objects.values_list("name", flat=True)) == {"Kuckuck", "Altstadt", "Nordstadt", "Südstadt"}
    assert list(Quartier.objects.filter(is_soziale_stadt=True).values_list("name", flat=True)) == ["Kuckuck"]
    for quartier in Quartier.objects.all():
        assert "Entwicklungsbedarf" in quartier.development_needs
        assert quartier.kennzahlen.filter(year=2019).exists()


def test_seed_sets_the_approved_yearly_goals_2019_per_quarter(seed):
    seed()

    goals = Jahresziel.objects.filter(year=2019)
    assert {(goal.quartier.name, goal.title) for goal in goals} == {
        ("Kuckuck", "Bestehende Treffpunkte unterstützen"),
        ("Nordstadt", "Bestehende Treffpunkte unterstützen"),
        ("Altstadt", "Neue Treffpunkte und Trägerstrukturen aufbauen"),
        ("Südstadt", "Neue Treffpunkte und Trägerstrukturen aufbauen"),
    }
    assert {goal.review_state for goal in goals} == {"approved"}


def test_seed_creates_one_login_per_role_that_works_with_the_printed_password(seed):
    output = seed()

    assert DEMO_PASSWORD in output
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for username in ("qm", "gwa-kuckuck", "gwa-quartiere", "familienfoerderung", "leitung", "admin"):
        assert username in output
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.ressort == ""
    assert User.objects.get(username="qm").quartiere.count() == 4
    assert set(User.objects.get(username="gwa-quartiere").quartiere.values_list("name", flat=True)) == {
        "Altstadt",
        "Nordstadt",
        "Südstadt",
    }


def test_gwa_posts_add_up_to_one_and_a_half_fte_of_model_funding_in_2019(seed):
    seed()

    in_2019 = Q(start__lte=datetime.date(2019, 12, 31)) & (Q(end__isnull=True) | Q(end__gte=datetime.date(2019, 1, 1)))
    model_funded = Stelle.objects.filter(in_2019, funding__kind=Foerderquelle.Kind.MODEL_FUNDING)
    assert model_funded.aggregate(total=Sum("fte"))["total"] == Decimal("1.50")
    assert sorted(model_funded.values_list("holder__username", flat=True)) == ["gwa-kuckuck", "gwa-quartiere"]
    qm_post = Stelle.objects.get(holder__username="qm")
    assert (qm_post.fte, qm_post.funding.kind, qm_post.start, qm_post.end) == (
        Decimal("1.00"),
        Foerderquelle.Kind.STAFF_PLAN,
        datetime.date(2017, 3, 1),
        None,
    )


def test_kuckuck_has_a_mobile_wandering_residents_meeting_at_changing_places(seed):
    seed()

    meeting = Angebot.objects.get(title="Wandernder Bewohnertreff")
    assert meeting.quartier.name == "Kuckuck"
    assert meeting.is_mobile and meeting.treffpunkt is None
    dates = meeting.schedules.all()
    assert {schedule.kind for schedule in dates} == {Schedule.Kind.SINGLE}
    assert len({schedule.place or schedule.treffpunkt_id for schedule in dates}) > 3


def test_meeting_points_are_active_in_kuckuck_and_nordstadt_and_being_built_elsewhere(seed):
    seed()

    for name in ("Kuckuck", "Nordstadt"):
        assert Treffpunkt.objects.filter(quartier__name=name, status="aktiv", in_praxisnetzwerk=True).exists()
    for name in ("Altstadt", "Südstadt"):
        assert not Treffpunkt.objects.filter(quartier__name=name, status="aktiv").exists()
    assert Treffpunkt.objects.filter(traeger__isnull=True).count() == 1
    assert not Treffpunkt.objects.filter(is_demo=False).exists()
    assert not Traeger.objects.filter(is_demo=False).exists()


def test_seed_records_attendance_for_each_date_of_2019(seed):
    seed()

    sprachcafe = Angebot.objects.get(title="Sprachcafé")
    counts = sprachcafe.teilnahmen.filter(date__year=2019)
    # 52 Wednesdays in 2019, minus the cancelled 1 May and 25 December.
    assert counts.count() == 50
    assert not counts.filter(date__in=sprachcafe.cancellations.values("date")).exists()
    assert Teilnahme.objects.exclude(date__year=2019).count() == 0
    assert Teilnahme.objects.values("angebot").distinct().count() >= 10


def test_running_twice_changes_nothing(seed):
    seed()
    before = row_counts()

    output = seed()

    assert "already present" in output
    assert row_counts() == before


def test_seed_refuses_when_debug_is_off_unless_forced(seed, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()
    assert not Quartier.objects.exists()

    seed("--force")
    assert Quartier.objects.count() == 4


def test_seed_refuses_to_mix_demo_data_into_real_content(seed):
    TreffpunktFactory()

    with pytest.raises(CommandError, match="empty database"):
        seed()
    assert not Traeger.objects.filter(is_demo=True).exists()


@pytest.mark.parametrize("factory", [JahreszielFactory, StelleFactory, TraegerFactory])
def test_seed_refuses_a_database_with_yearly_goals_posts_or_operators(seed, factory):
    factory()
    before = row_counts()

    with pytest.raises(CommandError, match="empty database"):
        seed()
    assert row_counts() == before


def test_every_seeded_object_passes_full_clean(seed):
    seed()

    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        objects = model._default_manager.all()
        if model is Teilnahme:
            objects = objects[:50]
        for obj in objects:
            obj.full_clean()


# ``--scale N``: the demo grown N-fold with generated content, for load tests (hameln_quartiere/demo_scale.py).

SCALED_MODELS = {
    Traeger: "traeger",
    Treffpunkt: "treffpunkte",
    Angebot: "angebote",
    Teilnahme: "teilnahmen",
    Massnahme: "massnahmen",
    Ziel: "ziele",
    Befund: "befunde",
}


def model_counts():
    return {model: model.objects.count() for model in SCALED_MODELS}


@pytest.mark.parametrize("scale", [2, 3])
def test_scale_adds_content_in_proportion_to_the_demo(seed, scale):
    seed()
    demo_counts = model_counts()

    output = seed("--scale", str(scale))

    assert "Demo data loaded" in output
    for model, key in SCALED_MODELS.items():
        assert model.objects.count() == demo_counts[model] + scale * demo_scale.PER_UNIT[key], model.__name__
    # Ten years of history, and every quarter has its share.
    years = Teilnahme.objects.aggregate(first=Min("date"), last=Max("date"))
    assert (years["first"].year, years["last"].year) == (demo_scale.FIRST_YEAR, demo_scale.LAST_YEAR)
    assert Quartier.objects.count() == 4
    for quartier in Quartier.objects.all():
        assert quartier.treffpunkte.filter(slug__contains=demo_scale.SLUG_MARK).count() == scale


def test_scale_from_an_empty_database_and_twice_changes_nothing_the_second_time(seed):
    seed("--scale", "2")
    before = row_counts()

    output = seed("--scale", "2")

    assert "already present" in output
    assert row_counts() == before
    # The demo logins are there, with the printed password.
    for username in ("qm", "gwa-kuckuck", "gwa-quartiere", "admin"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None


def test_scaled_content_is_the_same_on_every_run(seed):
    def snapshot():
        return (
            list(Treffpunkt.objects.order_by("slug").values_list("slug", "status", "review_state", "traeger__name")),
            list(Massnahme.objects.order_by("pk").values_list("title", "status", "progress", "start", "end")),
            Teilnahme.objects.aggregate(total=Sum("participants"), rows=Count("pk")),
            Schedule.objects.count(),
        )

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        seed("--scale", "2")
        first = snapshot()
        raise Rollback
    assert not Treffpunkt.objects.exists()

    seed("--scale", "2")
    assert snapshot() == first


def test_scaled_entries_pass_full_clean_and_keep_the_review_rule(seed):
    seed("--scale", "2")

    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for obj in model._default_manager.order_by("-pk")[:40]:
            obj.full_clean()
    reviewed = [Treffpunkt, Angebot, Massnahme, Ziel, Befund, Handlungskonzept, Jahresziel]
    for model in reviewed:
        approved = model.objects.filter(review_state=ReviewState.APPROVED)
        assert approved.exists()
        # Approved by the other Ressort, never by the author.
        assert not approved.filter(approved_by__isnull=True).exists()
        assert not approved.filter(approved_by=F("created_by")).exists()
        assert not approved.filter(approved_by__ressort=F("submitted_ressort")).exists()
        assert not model.objects.filter(review_state=ReviewState.SUBMITTED, submitted_at__isnull=True).exists()
    # Ten years of history in the audit log, not all written "now".
    assert LogEntry.objects.filter(created_at__year=2012, action__endswith=".approved").exists()
    assert Massnahme.objects.filter(updated_at__year__lt=2020).exists()
    # Something waits for each side's review.
    for username in ("qm", "gwa-kuckuck"):
        user = User.objects.get(username=username)
        assert any(model.objects.awaiting_review_by(user).exists() for model in reviewed), username


def test_scaled_programme_renders_the_public_and_portal_pages(seed, client):
    seed("--scale", "2")
    treffpunkt = public.treffpunkte().filter(slug__contains=demo_scale.SLUG_MARK).first()
    angebot = public.angebote().filter(treffpunkt=treffpunkt).first() or public.angebote().first()

    for url in (
        "/de/",
        treffpunkt.public_url,
        angebot.public_url,
        "/de/angebote/?quartier=kuckuck&wochentag=1",
        "/api/hsds/services?per_page=50",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(User.objects.get(username="qm"))
    for url in (
        "/portal/",
        "/portal/pruefen/",
        "/portal/massnahmen/?status=laufend&year=2019",
        "/portal/teilnahme/?woche=2019-W40",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("treffpunkte:treffpunkt-list")).status_code == 200


def test_scale_must_be_a_sensible_number(seed):
    with pytest.raises(CommandError, match="--scale"):
        seed("--scale", "0")
    assert not Quartier.objects.exists()
