"""The Django admin: every registered model's pages render, search and autocomplete work, inlines save whole
or not at all, and changelists do not grow their query count with the data."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from berichte.models import Jahresbericht
from berichte.services import finalise
from hameln_quartiere.models import Comment, Foerderquelle, LogEntry, Notification, ReviewState, Stelle, User
from hameln_quartiere.services import log
from handlungskonzepte import models as hk
from quartiere.models import Jahresziel, Kennzahl, Quartier
from tests import factories as f
from treffpunkte import models as tp
from zusammenarbeit import models as za

# One factory per registered model; a model registered without an entry here fails the tests below.
FACTORIES = {
    LogEntry: lambda: log(f.QuartierFactory(), "created", actor=None),
    Comment: f.CommentFactory,
    Notification: f.NotificationFactory,
    Group: f.GroupFactory,
    User: f.UserFactory,
    Foerderquelle: f.FoerderquelleFactory,
    Stelle: f.StelleFactory,
    Quartier: f.QuartierFactory,
    Kennzahl: f.KennzahlFactory,
    Jahresziel: f.JahreszielFactory,
    tp.Kategorie: f.KategorieFactory,
    tp.Zielgruppe: f.ZielgruppeFactory,
    tp.Sprache: f.SpracheFactory,
    tp.Traeger: f.TraegerFactory,
    tp.Kontaktperson: f.KontaktpersonFactory,
    tp.Treffpunkt: f.TreffpunktFactory,
    tp.Angebot: f.AngebotFactory,
    tp.Schedule: f.ScheduleFactory,
    tp.Cancellation: lambda: tp.Cancellation.objects.create(
        angebot=f.AngebotFactory(), date=datetime.date(2019, 12, 24)
    ),
    tp.Teilnahme: f.TeilnahmeFactory,
    hk.Handlungskonzept: f.HandlungskonzeptFactory,
    hk.Beteiligungsformat: f.BeteiligungsformatFactory,
    hk.Befund: f.BefundFactory,
    hk.Handlungsfeld: f.HandlungsfeldFactory,
    hk.Ziel: f.ZielFactory,
    hk.Indikator: f.IndikatorFactory,
    hk.Massnahme: f.MassnahmeFactory,
    hk.Sachstand: f.SachstandFactory,
    za.Sitzung: f.SitzungFactory,
    za.Tagesordnungspunkt: f.TagesordnungspunktFactory,
    za.Aufgabe: f.AufgabeFactory,
    za.Anlage: lambda: za.Anlage.objects.create(
        sitzung=f.SitzungFactory(), file="sitzungen/1/ab/protokoll.pdf", size=9
    ),
    za.Praxisbeispiel: f.PraxisbeispielFactory,
    za.Transfer: f.TransferFactory,
    za.KalenderZugang: lambda: za.KalenderZugang.objects.create(user=f.UserFactory()),
    Jahresbericht: lambda: finalise(2019, None, by=f.UserFactory(role="qm")),
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def management_form(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_every_registered_model_has_a_factory():
    missing = [model._meta.label for model in REGISTERED if model not in FACTORIES]
    assert not missing, f"Add a factory for these admin models to FACTORIES in {__name__}: {missing}"


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
def test_admin_pages_of_every_model_render(admin_client, model):
    if model not in FACTORIES:
        pytest.fail(f"{model._meta.label} is registered in the admin but has no factory in FACTORIES")
    obj = FACTORIES[model]()

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    if admin.site._registry[model].search_fields:
        # A typo in search_fields only fails when someone searches.
        assert admin_client.get(admin_url(model, "changelist"), {"q": "x"}).status_code == 200
    add = admin_client.get(admin_url(model, "add"))
    # The audit log is append-only: it has no add page, for anyone.
    assert add.status_code == (200 if admin.site._registry[model].has_add_permission(add.wsgi_request) else 403)
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_admin_index_lists_the_apps(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert reverse("admin:treffpunkte_treffpunkt_changelist") in response.text


def test_admin_search_finds_a_meeting_point_by_name(admin_client):
    hit = f.TreffpunktFactory(name="Stadtteiltreff Kuckuck")
    miss = f.TreffpunktFactory(name="Nachbarschaftshaus Nordstadt")

    response = admin_client.get(admin_url(tp.Treffpunkt, "changelist"), {"q": "kuckuck"})

    assert response.status_code == 200
    results = list(response.context["cl"].result_list)
    assert hit in results
    assert miss not in results


def autocomplete(client, model, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return {result["text"] for result in response.json()["results"]}


def test_autocomplete_offers_meeting_points_for_an_offer(admin_client):
    f.TreffpunktFactory(name="Bürgertreff Südstadt")
    f.TreffpunktFactory(name="Familienzentrum Altstadt")

    assert autocomplete(admin_client, tp.Angebot, "treffpunkt", "südstadt") == {"Bürgertreff Südstadt"}


def test_autocomplete_offers_quarters_for_a_meeting_point(admin_client):
    f.QuartierFactory(name="Kuckuck", slug="kuckuck")
    f.QuartierFactory(name="Nordstadt", slug="nordstadt")

    assert autocomplete(admin_client, tp.Treffpunkt, "quartier", "kuck") == {"Kuckuck"}


def test_autocomplete_offers_staff_as_contact_person_of_a_measure(admin_client):
    f.UserFactory(first_name="Aylin", last_name="Demir")
    f.UserFactory(first_name="Jan", last_name="Meyer")

    assert autocomplete(admin_client, hk.Massnahme, "contact_person", "demir") == {"Aylin Demir"}


def angebot_post_data(treffpunkt, kategorie, *, start_time="15:00", end_time="17:00"):
    return {
        "title": "Sprachcafé",
        "description": "Deutsch üben bei Kaffee und Kuchen.",
        "quartier": treffpunkt.quartier_id,
        "treffpunkt": treffpunkt.pk,
        "kategorie": kategorie.pk,
        "free_of_charge": "on",
        "cost_note": "",
        "contact": "",
        # Not a form field: the review state changes only through the review services.
        "review_state": ReviewState.APPROVED,
        **management_form("schedules", 1),
        "schedules-0-kind": tp.Schedule.Kind.WEEKLY,
        "schedules-0-weekday": tp.Schedule.Weekday.TUESDAY,
        "schedules-0-interval": "1",
        "schedules-0-week_of_month": "",
        "schedules-0-date": "",
        "schedules-0-start_time": start_time,
        "schedules-0-end_time": end_time,
        "schedules-0-valid_from": "2019-01-01",
        "schedules-0-valid_until": "",
        "schedules-0-treffpunkt": "",
        "schedules-0-place": "",
        **management_form("cancellations", 0),
        **management_form("teilnahmen", 1),
        "teilnahmen-0-period": tp.Teilnahme.Period.OCCURRENCE,
        "teilnahmen-0-date": "2019-03-05",
        "teilnahmen-0-participants": "14",
        "teilnahmen-0-note": "",
    }


def test_adding_an_offer_with_times_and_attendance_saves_all_of_it(admin_client, superuser):
    treffpunkt = f.TreffpunktFactory()
    kategorie = f.KategorieFactory()

    response = admin_client.post(admin_url(tp.Angebot, "add"), angebot_post_data(treffpunkt, kategorie))

    assert response.status_code == 302, response.context["errors"] if response.context else response
    angebot = tp.Angebot.objects.get()
    assert angebot.treffpunkt == treffpunkt
    assert angebot.created_by == superuser
    assert angebot.review_state == ReviewState.DRAFT
    schedule = angebot.schedules.get()
    assert (schedule.kind, schedule.weekday) == (tp.Schedule.Kind.WEEKLY, tp.Schedule.Weekday.TUESDAY)
    assert (schedule.start_time, schedule.end_time) == (datetime.time(15), datetime.time(17))
    teilnahme = angebot.teilnahmen.get()
    assert (teilnahme.date, teilnahme.participants) == (datetime.date(2019, 3, 5), 14)
    assert teilnahme.recorded_by == superuser


def test_adding_an_offer_whose_time_ends_before_it_starts_saves_nothing(admin_client):
    treffpunkt = f.TreffpunktFactory()
    kategorie = f.KategorieFactory()
    data = angebot_post_data(treffpunkt, kategorie, start_time="17:00", end_time="15:00")

    response = admin_client.post(admin_url(tp.Angebot, "add"), data)

    assert response.status_code == 200
    formsets = {inline.formset.prefix: inline.formset for inline in response.context["inline_admin_formsets"]}
    assert "end_time" in formsets["schedules"].forms[0].errors
    assert not tp.Angebot.objects.exists()
    assert not tp.Schedule.objects.exists()
    assert not tp.Teilnahme.objects.exists()


def test_offers_are_listed_at_their_meeting_point_but_edited_on_their_own_page(admin_client):
    # Offers are content entries under the review rule; an inline would write them past the review services.
    angebot = f.AngebotFactory(title="Männertreff")

    response = admin_client.get(admin_url(tp.Treffpunkt, "change", angebot.treffpunkt_id))

    formset = next(inline for inline in response.context["inline_admin_formsets"] if inline.opts.model is tp.Angebot)
    assert not formset.has_add_permission
    assert not formset.has_change_permission
    assert admin_url(tp.Angebot, "change", angebot.pk) in response.text


def test_progress_update_added_to_a_measure_records_its_author(admin_client, superuser):
    massnahme = f.MassnahmeFactory()
    data = {
        "handlungskonzept": massnahme.handlungskonzept_id,
        "title": massnahme.title,
        "owner": massnahme.owner,
        "start": "2019-01-01",
        "end": "2019-12-31",
        "status": hk.Massnahme.Status.RUNNING,
        "progress": "40",
        "loaded_version": massnahme.version,
        **management_form("sachstaende", 1),
        "sachstaende-0-date": "2019-06-30",
        "sachstaende-0-progress": "40",
        "sachstaende-0-text": "Die ersten Treffen haben stattgefunden.",
    }

    response = admin_client.post(admin_url(hk.Massnahme, "change", massnahme.pk), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert massnahme.sachstaende.get().author == superuser


def make_treffpunkt():
    treffpunkt = f.TreffpunktFactory()
    f.AngebotFactory(treffpunkt=treffpunkt)


def make_angebot():
    angebot = f.AngebotFactory()
    f.ScheduleFactory(angebot=angebot)
    angebot.zielgruppen.add(f.ZielgruppeFactory())


def make_massnahme():
    f.MassnahmeFactory(
        owner=hk.Massnahme.Owner.TRAEGER,
        owner_traeger=f.TraegerFactory(),
        contact_person=f.UserFactory(),
        treffpunkt=f.TreffpunktFactory(),
    )


def changelist_queries(client, model):
    with CaptureQueriesContext(connection) as context:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return [query["sql"] for query in context.captured_queries]


@pytest.mark.usefixtures("computed_not_remembered")
@pytest.mark.parametrize(
    ("model", "make"),
    [(tp.Treffpunkt, make_treffpunkt), (tp.Angebot, make_angebot), (hk.Massnahme, make_massnahme)],
    ids=["treffpunkt", "angebot", "massnahme"],
)
def test_changelist_query_count_does_not_grow_with_the_rows(admin_client, model, make):
    for _ in range(3):
        make()
    changelist_queries(admin_client, model)  # warm up caches that are filled once per process
    with_3 = changelist_queries(admin_client, model)
    for _ in range(27):
        make()

    with_30 = changelist_queries(admin_client, model)

    assert model.objects.count() == 30
    assert len(with_30) == len(with_3), "\n".join(with_30)


def test_a_bad_progress_update_keeps_the_measure_as_it_was(admin_client):
    massnahme = f.MassnahmeFactory(title="Männertreff aufbauen", progress=10)
    data = {
        "handlungskonzept": massnahme.handlungskonzept_id,
        "title": "Neuer Titel",
        "owner": massnahme.owner,
        "start": "2019-01-01",
        "end": "2019-12-31",
        "status": hk.Massnahme.Status.RUNNING,
        "progress": "40",
        "loaded_version": massnahme.version,
        **management_form("sachstaende", 1),
        "sachstaende-0-date": "2019-06-30",
        "sachstaende-0-progress": "150",
        "sachstaende-0-text": "Zu viel Fortschritt.",
    }

    response = admin_client.post(admin_url(hk.Massnahme, "change", massnahme.pk), data)

    assert response.status_code == 200
    assert "kleiner oder gleich 100" in response.text
    massnahme.refresh_from_db()
    assert (massnahme.title, massnahme.progress) == ("Männertreff aufbauen", 10)
    assert not massnahme.sachstaende.exists()
