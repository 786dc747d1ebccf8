"""The changelists the load benchmark measures: a fixed number of queries however many rows there are, and the
shortcuts that make them cheaper (a plain checkbox, counts for the page's rows only, a year filter instead of the
date hierarchy) show what Django's own code would."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.options import ModelAdmin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hameln_quartiere.models import ReviewState
from handlungskonzepte import models as hk
from tests import factories as f
from tests.hameln_quartiere.test_admin import FACTORIES, REGISTERED
from treffpunkte import models as tp

# What computing each list costs; remembered, a list reads no rows (the last test here).
pytestmark = pytest.mark.usefixtures("computed_not_remembered")

SUBMITTED = f"?review_state__exact={ReviewState.SUBMITTED}"
RUNNING = f"?status__exact={hk.Massnahme.Status.RUNNING}"


def make_treffpunkt():
    treffpunkt = f.TreffpunktFactory(description="Ein langer Text, den die Liste nicht zeigt.")
    f.AngebotFactory(treffpunkt=treffpunkt)


def make_angebot():
    angebot = f.AngebotFactory()
    f.ScheduleFactory(angebot=angebot)
    f.ScheduleFactory(angebot=angebot, kind=tp.Schedule.Kind.SINGLE, weekday=None, date=datetime.date(2019, 5, 1))
    angebot.zielgruppen.add(f.ZielgruppeFactory())
    angebot.sprachen.add(f.SpracheFactory())


def make_massnahme(**fields):
    def make():
        f.MassnahmeFactory(
            owner=hk.Massnahme.Owner.TRAEGER,
            owner_traeger=f.TraegerFactory(),
            contact_person=f.UserFactory(),
            treffpunkt=f.TreffpunktFactory(),
            **fields,
        )

    return make


def make_teilnahme():
    f.TeilnahmeFactory(recorded_by=f.UserFactory())


# The queries of each page: session, user, the changelist's own (count, rows) and one per related filter.
PAGES = {
    # session, user, count, rows, quarters for the filter, plus the total count shown next to the filters
    "treffpunkte": (tp.Treffpunkt, "", make_treffpunkt, 6),
    # … plus the times of the rows and one query each for the quarter, category, target group, language filters
    "angebote": (tp.Angebot, "", make_angebot, 10),
    "review": (hk.Massnahme, SUBMITTED, make_massnahme(review_state=ReviewState.SUBMITTED), 6),
    "massnahmen": (hk.Massnahme, RUNNING, make_massnahme(status=hk.Massnahme.Status.RUNNING), 6),
    # … plus the first and last date for the year filter; no second count of every row
    "teilnahme": (tp.Teilnahme, "", make_teilnahme, 7),
}


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("name", PAGES)
def test_a_changelist_takes_the_same_queries_however_many_rows(admin_client, django_assert_num_queries, name):
    model, query, make, expected = PAGES[name]
    for _ in range(3):
        make()
    admin_client.get(changelist(model) + query)  # warm up caches that are filled once per process
    with django_assert_num_queries(expected):
        response = admin_client.get(changelist(model) + query)
    assert len(response.context["cl"].result_list) == 3
    for _ in range(12):
        make()

    with django_assert_num_queries(expected):
        response = admin_client.get(changelist(model) + query)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 15


def test_a_page_holds_50_rows():
    assert admin.site._registry[tp.Teilnahme].list_per_page == 50


def test_a_row_links_to_its_change_page_keeping_the_filters(admin_client):
    massnahme = f.MassnahmeFactory(status=hk.Massnahme.Status.RUNNING)

    response = admin_client.get(changelist(hk.Massnahme) + RUNNING)

    change = reverse("admin:handlungskonzepte_massnahme_change", args=[massnahme.pk])
    assert f'href="{change}?_changelist_filters=status__exact%3Dlaufend"' in response.text


def test_a_row_links_to_its_change_page_without_filters(admin_client):
    treffpunkt = f.TreffpunktFactory()

    response = admin_client.get(changelist(tp.Treffpunkt))

    assert f'href="{reverse("admin:treffpunkte_treffpunkt_change", args=[treffpunkt.pk])}"' in response.text


def test_the_checkbox_of_a_row_is_the_one_django_renders(admin_client):
    treffpunkt = f.TreffpunktFactory(name="Nachbarschaftstreff <Nord>")
    model_admin = admin.site._registry[tp.Treffpunkt]

    assert model_admin.action_checkbox(treffpunkt) == ModelAdmin.action_checkbox(model_admin, treffpunkt)


def test_an_action_on_the_list_gets_whole_rows(admin_client):
    treffpunkt = f.TreffpunktFactory(description="Offener Treff für alle.")

    response = admin_client.post(
        changelist(tp.Treffpunkt), {"action": "submit_selected", "_selected_action": [treffpunkt.pk]}
    )

    assert response.status_code == 302
    treffpunkt.refresh_from_db()
    assert treffpunkt.review_state == ReviewState.SUBMITTED
    assert treffpunkt.description == "Offener Treff für alle."


def test_meeting_points_show_and_sort_by_their_number_of_offers(admin_client):
    busy, quiet = f.TreffpunktFactory(name="Viel los"), f.TreffpunktFactory(name="Ruhig")
    f.AngebotFactory.create_batch(2, treffpunkt=busy)

    response = admin_client.get(changelist(tp.Treffpunkt) + "?o=6")  # the offers column, ascending

    rows = list(response.context["cl"].result_list)
    assert [(row.name, row.angebot_count) for row in rows] == [(quiet.name, 0), (busy.name, 2)]


def test_target_groups_count_their_offers_through_the_many_to_many_table(admin_client):
    seniors = f.ZielgruppeFactory(name="Senioren")
    for angebot in f.AngebotFactory.create_batch(3):
        angebot.zielgruppen.add(seniors)

    response = admin_client.get(changelist(tp.Zielgruppe))

    assert [(row.name, row.angebot_count) for row in response.context["cl"].result_list] == [("Senioren", 3)]


def test_attendance_lists_the_newest_first(admin_client):
    old = f.TeilnahmeFactory(date=datetime.date(2018, 3, 1))
    new = f.TeilnahmeFactory(date=datetime.date(2020, 3, 1))

    response = admin_client.get(changelist(tp.Teilnahme))

    assert list(response.context["cl"].result_list) == [new, old]


def test_attendance_filters_by_year(admin_client):
    f.TeilnahmeFactory(date=datetime.date(2018, 12, 31))
    in_2019 = f.TeilnahmeFactory(date=datetime.date(2019, 1, 1))
    f.TeilnahmeFactory(date=datetime.date(2021, 1, 1))

    response = admin_client.get(changelist(tp.Teilnahme) + "?year=2019")

    assert list(response.context["cl"].result_list) == [in_2019]
    years = [choice["display"] for choice in response.context["cl"].filter_specs[0].choices(response.context["cl"])]
    assert years[1:] == ["2021", "2020", "2019", "2018"]


def test_a_year_that_is_not_a_number_lists_nothing(admin_client):
    f.TeilnahmeFactory()

    response = admin_client.get(changelist(tp.Teilnahme) + "?year=zwanzig")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_no_changelist_reads_anything_row_by_row(admin_client, model):
    """Every changelist needs the same queries for one row and for three: a column or a ``__str__`` that reads a
    relation not joined in would cost a query per row."""
    FACTORIES[model]()
    admin_client.get(changelist(model))  # warm up caches that are filled once per process
    with CaptureQueriesContext(connection) as one:
        admin_client.get(changelist(model))
    FACTORIES[model]()
    FACTORIES[model]()

    with CaptureQueriesContext(connection) as three:
        response = admin_client.get(changelist(model))

    assert response.status_code == 200
    assert len(three) == len(one), "\n".join(query["sql"] for query in three.captured_queries)


@pytest.mark.parametrize(("query", "shown"), [("", 2), ("?p=2", 1), ("?all=", 3)])
def test_the_selection_note_counts_the_rows_of_the_page_without_reading_them(admin_client, settings, query, shown):
    for _ in range(3):
        f.TreffpunktFactory()
    model_admin = admin.site._registry[tp.Treffpunkt]
    settings.PORTAL_CACHE = True

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model_admin, "list_per_page", 2)
        response = admin_client.get(changelist(tp.Treffpunkt) + query)

    assert response.status_code == 200
    assert f"0 von {shown} ausgewählt" in response.text
    assert response.text.count('class="action-select"') == shown


def test_a_remembered_admin_list_reads_no_rows_and_shows_a_row_added_since(
    admin_client, django_assert_max_num_queries, settings
):
    settings.PORTAL_CACHE = True
    first = f.TreffpunktFactory(name="Erster Treff")
    url = changelist(tp.Treffpunkt)
    assert first.name in admin_client.get(url).text

    # Session, user, the count, the total count and the quarters of the filter: no rows.
    with django_assert_max_num_queries(5):
        admin_client.get(url)
    f.TreffpunktFactory(name="Zweiter Treff")
    page = admin_client.get(url).text

    assert "Erster Treff" in page and "Zweiter Treff" in page
