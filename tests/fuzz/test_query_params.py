"""Hostile GET parameters on every filter, search and parameter a page reads: an error next to the field, the
default, or a 4xx, never a 500, and nothing sent shown back as markup."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hameln_quartiere.exports import FORMATS
from tests.fuzz.conftest import assert_safe, isolated
from tests.fuzz.pages import list_pages
from tests.fuzz.strategies import hostile_text, hostile_value, query
from verzeichnis.filters import AngebotSuche

LIST_PAGES = list_pages()


def filter_names(filterset_class):
    return [*filterset_class.base_filters, "page"]


def sort_keys(filterset_class):
    keys = [column.key for column in filterset_class.columns]
    return st.sampled_from([*keys, *(f"-{key}" for key in keys)])


@pytest.mark.parametrize("url_name", sorted(LIST_PAGES))
@given(data=st.data())
@example(data=None)
def test_portal_list_filters(world, url_name, data):
    """Every portal list with filters, for the coordinator (all quarters) and a social worker (one quarter),
    with a valid sort key or an export now and then so that the filtered rows are really read."""
    filterset_class = LIST_PAGES[url_name]
    if data is None:  # the regression examples: what once was a 500 on one of the lists
        params_list = [
            {"q": "\x00"},
            {"o": "\x00"},
            {"quartier": str(2**63)},
            {"year": "1e999999"},
            {"page": str(2**63)},
            {"q": "a\x00b", "export": "csv"},
        ]
        client = world["clients"]["gwa"]
    else:
        params = data.draw(query(filter_names(filterset_class)), label="params")
        if data.draw(st.booleans()):
            params["o"] = data.draw(sort_keys(filterset_class))
        if data.draw(st.integers(0, 5)) == 0:
            params["export"] = data.draw(st.sampled_from(list(FORMATS)))
        params_list = [params]
        client = world["clients"][data.draw(st.sampled_from(["qm", "gwa"]))]
    for params in params_list:
        with isolated():
            assert_safe(client.get(reverse(url_name), params))


@given(params=query([*AngebotSuche.base_filters, "page"]), language=st.sampled_from(["de", "ar", "uk"]))
@example(params={"quartier": "\x00", "sprache": "\x00"}, language="de")
@example(params={"zielgruppe": str(2**63), "kategorie": "-1"}, language="de")
@example(params={"wochentag": ["1", "\x00"], "tageszeit": "abend"}, language="ar")
def test_public_offer_search(world, params, language):
    with isolated():
        assert_safe(Client().get(reverse("verzeichnis:suche").replace("/de/", f"/{language}/", 1), params))


@given(params=query(["kind", "quartier", "page"]), who=st.sampled_from(["qm", "gwa", "admin"]))
@example(params={"quartier": "\x00", "kind": "\x00"}, who="qm")
def test_review_queue_filters(world, params, who):
    with isolated():
        assert_safe(world["clients"][who].get(reverse("review-queue"), params))


@pytest.mark.parametrize("url_name", ["quartiere:jahresvergleich", "stellen"])
@given(jahr=st.one_of(hostile_value, st.lists(hostile_value, min_size=2, max_size=3)))
@example(jahr=str(2**63))
@example(jahr="\x00")
def test_year_parameter(world, url_name, jahr):
    with isolated():
        assert_safe(world["clients"]["qm"].get(reverse(url_name), {"jahr": jahr}))


@given(
    woche=st.one_of(hostile_value, st.sampled_from(["2019-W01", "2019-W53", "2020-W53", "1999-W52", "2101-W01"])),
    page=st.one_of(st.none(), hostile_value),
)
@example(woche="9999-W99", page=None)
@example(woche="\x00", page=str(2**63))
def test_week_parameter_of_the_attendance_grid(world, woche, page):
    params = {"woche": woche} if page is None else {"woche": woche, "page": page}
    with isolated():
        assert_safe(world["clients"]["gwa"].get(reverse("treffpunkte:attendance-grid"), params))


@pytest.mark.parametrize(
    ("url_name", "slug"), [("verzeichnis:programm-treffpunkt", "treff"), ("verzeichnis:programm-quartier", "kuckuck")]
)
@given(woche=st.one_of(hostile_value, st.sampled_from(["2019-W01", "2020-W53", "2101-W01"])))
@example(woche="9999-W99")
@example(woche="\x00")
def test_week_parameter_of_the_weekly_programmes(world, url_name, slug, woche):
    with isolated():
        assert_safe(Client().get(reverse(url_name, args=[slug]), {"woche": woche}))


@settings(max_examples=5)
@given(woche=st.sampled_from(["\x00", "9999-W99", "2019-W60", "<script>alert(1)</script>"]))
def test_week_parameter_of_the_programme_pdfs(world, woche):
    """The PDF is rendered by WeasyPrint, slowly: a few hostile weeks only."""
    with isolated():
        assert_safe(Client().get(reverse("verzeichnis:programm-treffpunkt-pdf", args=["treff"]), {"woche": woche}))


@given(q=st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3)))
@example(q="\x00")
@example(q="a\x00b")
@example(q="%_\\")
def test_portal_search(world, q):
    with isolated():
        assert_safe(world["clients"]["gwa"].get(reverse("search"), {"q": q}))


@given(punkt=hostile_value)
@example(punkt="²")
@example(punkt=str(2**63))
def test_agenda_item_parameter_of_a_meeting(world, punkt):
    sitzung = world["punkt"].sitzung
    with isolated():
        assert_safe(world["clients"]["gwa"].get(sitzung.get_absolute_url(), {"punkt": punkt}))


@pytest.mark.parametrize("url_name", ["hsds:services", "hsds:organizations", "hsds:service-at-locations"])
@given(params=query(["page", "per_page"]))
@example(params={"page": str(2**63), "per_page": "500"})
def test_hsds_list_parameters(world, url_name, params):
    with isolated():
        response = Client().get(reverse(url_name), params)
    assert_safe(response)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("url_name", ["hsds:service", "hsds:organization", "hsds:service-at-location"])
@given(entry_id=hostile_value.filter(lambda value: value and "/" not in value and value not in (".", "..")))
@example(entry_id="\x00")
@example(entry_id=str(2**63))
def test_hsds_entry_ids(world, url_name, entry_id):
    with isolated():
        response = Client().get(reverse(url_name, args=["x"]).removesuffix("x") + quote(entry_id, safe=""))
    assert_safe(response)
    assert response.status_code in (200, 404)


@given(next_=st.one_of(hostile_value, st.sampled_from(["//evil.invalid/", "https://evil.invalid/", "/\\evil.invalid"])))
@example(next_="javascript:alert(1)")
@example(next_="\x00")
def test_language_switch_next(world, next_):
    with isolated():
        response = Client().get(reverse("sprache", args=["en"]), {"next": next_})
    assert_safe(response)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "url_name",
    [
        "treffpunkte:treffpunkt-detail",
        "treffpunkte:angebot-detail",
        "handlungskonzepte:massnahme-detail",
        "zusammenarbeit:transfer-detail",
        "treffpunkte:traeger-detail",
        "verzeichnis:angebot",
    ],
)
@pytest.mark.parametrize("pk", [0, 2**31, 2**63, 10**30])
def test_out_of_range_ids_in_the_path(world, url_name, pk):
    """``<int:pk>`` takes any digits: a number past the database's integers is a 404, as any unknown one."""
    client = Client() if url_name.startswith("verzeichnis") else world["clients"]["qm"]
    response = client.get(reverse(url_name, args=[pk]))
    assert_safe(response)
    assert response.status_code == 404


def admin_changelists():
    from django.contrib import admin

    opts = [model._meta for model in admin.site._registry]
    return sorted(f"admin:{meta.app_label}_{meta.model_name}_changelist" for meta in opts)


@pytest.mark.parametrize("url_name", admin_changelists())
def test_admin_changelist_parameters(world, url_name):
    """The admin's search, sorting, paging and filters (the city admins' peer of the portal lists): hostile
    values are an error page of the admin's own (``?e=1``), never a 500."""
    client = world["clients"]["admin"]
    url = reverse(url_name)
    for params in ({"q": "\x00"}, {"q": "a" * 10_001}, {"o": "\x00"}, {"p": str(2**63)}, {"id__exact": str(2**63)}):
        with isolated():
            assert_safe(client.get(url, params))
