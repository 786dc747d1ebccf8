"""Finalised reports: stored as delivered, untouched by later edits, append-only; versions compared."""

import pytest
from django.urls import reverse

from berichte import compare, report, services
from berichte.models import FinalisedReportError, Jahresbericht
from hameln_quartiere.models import LogEntry
from tests import factories as f
from treffpunkte.models import Teilnahme

from .conftest import YEAR
from .test_numbers import values


def finalise(client, year=YEAR, quartier="", note="Für den Fördermittelgeber"):
    url = reverse("berichte:abschliessen", args=[year]) + (f"?quartier={quartier}" if quartier else "")
    return client.post(url, {"note": note})


def test_finalising_stores_the_report_with_who_and_when_and_logs_it(client, world):
    client.force_login(world.qm)
    response = finalise(client)

    version = Jahresbericht.objects.get()
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    assert (version.year, version.quartier, version.version, version.finalised_by) == (YEAR, None, 1, world.qm)
    assert version.note == "Für den Fördermittelgeber"
    assert version.document["sections"] == report.build(YEAR)["sections"]
    entry = LogEntry.objects.get(action="berichte.jahresbericht.finalised")
    assert entry.actor == world.qm and entry.data == {"year": YEAR, "version": 1}


def test_a_finalised_report_does_not_change_when_the_data_does(client, world):
    client.force_login(world.qm)
    finalise(client)
    version = Jahresbericht.objects.get()
    client.get(version.get_absolute_url())  # shows (and so clears) the message about the finalising
    page_before = main(client.get(version.get_absolute_url()))
    people_before = values(version.document, "teilnahme", "people")

    offer = next(o[-1] for o in world.angebote if o[3] and o[4])
    Teilnahme.objects.create(angebot=offer, date=f"{YEAR}-07-01", participants=500)
    offer.title = "Umbenannt"
    offer.save()

    version = Jahresbericht.objects.get()
    assert values(version.document, "teilnahme", "people") == people_before
    assert main(client.get(version.get_absolute_url())) == page_before
    live = client.get(reverse("berichte:bericht", args=[YEAR])).content.decode()
    assert values(report.build(YEAR), "teilnahme", "people")["total"] == people_before["total"] + 500
    assert f"{people_before['total'] + 500:,}".replace(",", ".") in live


def main(response):
    """The page's main content (the layout around it carries per-request tokens)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_a_new_version_is_compared_with_the_earlier_one(client, world):
    client.force_login(world.qm)
    finalise(client)
    offer = next(o[-1] for o in world.angebote if o[3] and o[4] and o[0] == "kuckuck")
    Teilnahme.objects.create(angebot=offer, date=f"{YEAR}-07-01", participants=500)
    finalise(client, note="Nachmeldung der Teilnahme im Juli")
    first, second = Jahresbericht.objects.order_by("version")
    assert second.version == 2

    changes = compare.version_changes(first.document, second.document)
    attendance = next(c for c in changes if c.title == values_title(second.document, "teilnahme"))
    people = next(r for r in attendance.rows if r.key == "people")
    kuckuck = [c["key"] for c in attendance.columns].index("kuckuck")
    assert people.cells[kuckuck].delta == 500
    july = next(c for c in changes if c.title == values_title(second.document, "teilnahme-monat"))
    assert [r.key for r in july.rows] == ["7", "total"]

    page = client.get(reverse("berichte:fassung-vergleich", args=[second.pk])).content.decode()
    assert 'data-difference="500"' in page
    assert "+500" in page


def values_title(document, key):
    return next(t["title"] for s in document["sections"] for t in s["tables"] if t["key"] == key)


def test_comparing_a_version_with_the_current_data(client, world):
    client.force_login(world.qm)
    finalise(client)
    version = Jahresbericht.objects.get()
    url = reverse("berichte:fassung-vergleich", args=[version.pk])
    assert "data-no-changes" in client.get(url).content.decode()

    # The draft goal of Kuckuck is approved now: one more goal counts.
    goal = world.quartiere["kuckuck"].jahresziele.get(year=YEAR, approved_at__isnull=True)
    goal.review_state, goal.approved_at = "approved", goal.created_at
    goal.save()
    page = client.get(url, {"mit": "aktuell"}).content.decode()
    assert 'data-state="added"' in page and goal.title in page


def test_a_version_of_another_report_cannot_be_compared(client, world):
    client.force_login(world.qm)
    finalise(client)
    finalise(client, year=2018)
    v2019, v2018 = Jahresbericht.objects.get(year=YEAR), Jahresbericht.objects.get(year=2018)
    response = client.get(reverse("berichte:fassung-vergleich", args=[v2019.pk]), {"mit": v2018.pk})
    assert response.status_code == 404


def test_finalised_reports_are_append_only(world):
    version = services.finalise(YEAR, None, by=world.qm)
    version.note = "geändert"
    with pytest.raises(FinalisedReportError):
        version.save()
    with pytest.raises(FinalisedReportError):
        version.delete()
    with pytest.raises(FinalisedReportError):
        Jahresbericht.objects.filter(pk=version.pk).update(note="geändert")
    with pytest.raises(FinalisedReportError):
        Jahresbericht.objects.all().delete()
    assert Jahresbericht.objects.get().note == ""


def test_versions_count_per_scope(world):
    services.finalise(YEAR, None, by=world.qm)
    services.finalise(YEAR, world.quartiere["kuckuck"], by=world.qm)
    third = services.finalise(YEAR, None, by=world.qm)
    assert third.version == 2
    assert Jahresbericht.objects.of_scope(YEAR, world.quartiere["kuckuck"]).get().version == 1


def test_the_year_comparison_marks_the_differences_per_quarter(client, world):
    client.force_login(world.qm)
    page = client.get(reverse("berichte:vorjahr", args=[YEAR])).content.decode()
    current, previous = report.build(YEAR), report.build(YEAR - 1)
    tables = compare.year_comparison(previous, current)
    goals = next(t for t in tables if t.title == values_title(current, "jahresziele"))
    row = next(r for r in goals.rows if r.label == goals.rows[0].label)  # all yearly goals
    kuckuck = [c["key"] for c in goals.columns].index("kuckuck")
    # Kuckuck: one approved goal in 2018, one (approved) in 2019; Altstadt: none in 2018, two in 2019.
    assert (row.cells[kuckuck].old, row.cells[kuckuck].new, row.cells[kuckuck].delta) == (1, 1, 0)
    altstadt = [c["key"] for c in goals.columns].index("altstadt")
    assert (row.cells[altstadt].old, row.cells[altstadt].new, row.cells[altstadt].delta) == (0, 2, 2)
    assert 'data-difference="2"' in page


def test_a_version_compared_with_now_in_another_language_shows_no_changes(client, world):
    client.force_login(world.qm)
    finalise(client)  # in German, the default
    version = Jahresbericht.objects.get()
    assert version.document["language"] == "de"
    page = client.get(
        reverse("berichte:fassung-vergleich", args=[version.pk]), {"mit": "aktuell"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "data-no-changes" in page.content.decode()


def test_the_year_comparison_keeps_rows_of_last_year_only(world):
    # The sport offer of Kuckuck ran in 2018 only: its category has no row in 2019's report.
    current, previous = report.build(YEAR), report.build(YEAR - 1)
    assert "Sport" not in [r["key"] for r in values_table(current, "angebote-kategorie")["rows"]]
    tables = compare.year_comparison(previous, current)
    categories = next(t for t in tables if t.title == values_title(current, "angebote-kategorie"))
    sport = next(r for r in categories.rows if r.label == "Sport")
    kuckuck = [c["key"] for c in categories.columns].index("kuckuck")
    assert (sport.cells[kuckuck].old, sport.cells[kuckuck].new, sport.cells[kuckuck].delta) == (1, 0, -1)


def values_table(document, key):
    return next(t for s in document["sections"] for t in s["tables"] if t["key"] == key)


def test_versions_compare_an_indicator_with_the_same_indicator(world):
    first = services.finalise(YEAR, None, by=world.qm)
    # A new indicator whose name sorts first must not be compared with the one that was first before.
    f.KennzahlFactory(quartier=world.quartiere["kuckuck"], name="Arbeitslose", year=YEAR, value=7)
    second = services.finalise(YEAR, None, by=world.qm)
    changes = compare.version_changes(first.document, second.document)
    changed_indicators = [c for c in changes if c.section == values_title_section(second.document, "kennzahlen")]
    assert [(c.title, [r.state for r in c.rows]) for c in changed_indicators] == [("Arbeitslose (Personen)", ["added"])]


def values_title_section(document, key):
    return next(s["title"] for s in document["sections"] if s["key"] == key)


def test_a_year_still_to_come_is_not_finalised(client, world):
    client.force_login(world.qm)
    assert finalise(client, year=2099).status_code == 404
    assert not Jahresbericht.objects.exists()
