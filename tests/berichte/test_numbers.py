"""The report's numbers equal what the tests count from the lists the programme year was made from: only approved
entries in their approved version, only the year's records."""

from collections import Counter

import pytest

from berichte import report
from handlungskonzepte.models import Massnahme
from treffpunkte.models import Treffpunkt

from .conftest import YEAR

QUARTERS = ("altstadt", "kuckuck")


def table(document, key):
    return next(t for s in document["sections"] for t in s["tables"] if t["key"] == key)


def values(document, table_key, row_key):
    """``{column key: cell}`` of one row."""
    found = table(document, table_key)
    row = next(r for r in found["rows"] if r["key"] == str(row_key))
    return dict(zip((c["key"] for c in found["columns"]), row["cells"], strict=True))


def per_quarter(counter):
    """``{quarter: n, …, "total": sum}`` from a Counter by quarter."""
    result = {slug: counter[slug] for slug in QUARTERS}
    result["total"] = sum(result.values())
    return result


@pytest.fixture
def document(world):
    return report.build(YEAR)


def test_meeting_points_count_the_approved_ones_in_their_approved_version(world, document):
    new = Counter(t[0] for t in world.treffpunkte if t[4] and t[2] and t[2].year == YEAR)
    closed = Counter(t[0] for t in world.treffpunkte if t[4] and t[3] and t[3].year == YEAR)
    open_at_end = Counter(
        t[0]
        for t in world.treffpunkte
        if t[4] and t[1] not in ("geplant", "geschlossen") and (t[2] is None or t[2].year <= YEAR)
    )
    assert values(document, "treffpunkte", "new") == per_quarter(new) == {"altstadt": 1, "kuckuck": 1, "total": 2}
    assert values(document, "treffpunkte", "closed") == per_quarter(closed)
    assert values(document, "treffpunkte", "existing") == per_quarter(open_at_end)
    # The one with a pending closure is still counted as active; the draft not at all.
    active = Counter(
        t[0]
        for t in world.treffpunkte
        if t[4] and t[1] == Treffpunkt.Status.ACTIVE and (t[2] is None or t[2].year <= YEAR)
    )
    assert (
        values(document, "treffpunkte-status", "aktiv")
        == per_quarter(active)
        == {
            "altstadt": 2,
            "kuckuck": 0,
            "total": 2,
        }
    )


def test_operators_count_once_in_the_total(world, document):
    open_points = [
        t
        for t in world.treffpunkte
        if t[4] and t[1] not in ("geplant", "geschlossen") and (t[2] is None or t[2].year <= YEAR)
    ]
    expected = per_quarter(Counter(slug for slug, _operator in {(t[0], t[6]) for t in open_points}))
    expected["total"] = len({t[6] for t in open_points})
    assert values(document, "traeger", "all") == expected
    assert expected["total"] < expected["altstadt"] + expected["kuckuck"]  # one operator in both quarters
    for kind in ("verein", "kirche"):
        by_quarter = {(t[0], t[6]) for t in open_points if t[5] == kind}
        expected = per_quarter(Counter(slug for slug, _operator in by_quarter))
        expected["total"] = len({operator for _slug, operator in by_quarter})
        assert values(document, "traeger", kind) == expected


def test_offers_by_category_and_target_group(world, document):
    counted = [o for o in world.angebote if o[3] and o[4]]
    assert values(document, "angebote", "all") == per_quarter(Counter(o[0] for o in counted))
    for category in ("Begegnung", "Bildung"):
        expected = per_quarter(Counter(o[0] for o in counted if o[1] == category))
        assert values(document, "angebote-kategorie", category) == expected
    # The draft sport offer, the one of 2018 and the pending change to “Sport” are not counted.
    assert "Sport" not in [r["key"] for r in table(document, "angebote-kategorie")["rows"]]
    for group in ("Familien", "Männer", "Kinder"):
        expected = per_quarter(Counter(o[0] for o in counted if group in o[2]))
        assert values(document, "angebote-zielgruppe", group) == expected


def test_attendance_per_quarter_and_month(world, document):
    counted = [t for t in world.teilnahmen if t[3]]
    people = Counter()
    for slug, _date, participants, _counts in counted:
        people[slug] += participants
    assert values(document, "teilnahme", "people") == per_quarter(people)
    assert values(document, "teilnahme", "records") == per_quarter(Counter(t[0] for t in counted))
    for month in (1, 6, 12):
        in_month = Counter()
        for slug, date, participants, _counts in counted:
            if date.month == month:
                in_month[slug] += participants
        assert values(document, "teilnahme-monat", month) == per_quarter(in_month)
    assert values(document, "teilnahme-monat", "total") == per_quarter(people)
    # Drafts' attendance exists in the data, and is left out.
    assert any(not t[3] and t[1].year == YEAR for t in world.teilnahmen)


def test_participation_formats_and_findings(world, document):
    counted = [f for f in world.formate if f[4]]
    assert values(document, "beteiligung", "total") == per_quarter(Counter(f[0] for f in counted))
    assert values(document, "beteiligung", "befragung") == per_quarter(
        Counter(f[0] for f in counted if f[1] == "befragung")
    )
    taking_part = Counter()
    for slug, _kind, _date, participants, _counts in counted:
        taking_part[slug] += participants
    assert values(document, "beteiligung", "people") == per_quarter(taking_part)
    findings = [b for b in world.befunde if b[2]]
    assert values(document, "befunde", "total") == per_quarter(Counter(b[0] for b in findings))
    assert values(document, "befunde", "staerke")["total"] == 0  # only drafts


def test_measures_by_status_at_the_end_of_the_year_and_their_progress(world, document):
    counted = [m for m in world.massnahmen if m[1] is not None]
    for status in Massnahme.Status.values:
        expected = per_quarter(Counter(m[0] for m in counted if m[1] == status))
        assert values(document, "massnahmen", status) == expected, status
    assert values(document, "massnahmen", "total") == per_quarter(Counter(m[0] for m in counted))
    averages = {}
    for slug in QUARTERS:
        progress = [m[2] for m in counted if m[0] == slug and m[2] is not None]
        averages[slug] = round(sum(progress) / len(progress), 1)
    everything = [m[2] for m in counted if m[2] is not None]
    averages["total"] = round(sum(everything) / len(everything), 1)
    assert values(document, "massnahmen-fortschritt", "progress") == pytest.approx(averages)
    assert values(document, "massnahmen-fortschritt", "completed") == {"altstadt": 1, "kuckuck": 0, "total": 1}
    unknown = next(m[-1] for m in counted if m[2] is None)
    listed = next(r for r in table(document, "massnahmen-liste")["rows"] if r["key"] == str(unknown.pk))
    assert listed["cells"][-1] is None  # its progress today (70 %) is not the year's
    # The key figure counts the measures running at the end of the year, not all of them.
    assert values(document, "ueberblick", "massnahmen.laufend") == values(document, "massnahmen", "laufend")


def test_yearly_goals_by_assessment(world, document):
    counted = [g for g in world.jahresziele if g[2]]
    assert values(document, "jahresziele", "all") == per_quarter(Counter(g[0] for g in counted))
    for assessment in ("reached", "partly", "not_reached", "open"):
        expected = per_quarter(Counter(g[0] for g in counted if g[1] == assessment))
        assert values(document, "jahresziele", assessment) == expected
    assert len(table(document, "jahresziele-liste")["rows"]) == len(counted)


def test_transfers_with_their_status_at_the_end_of_the_year(world, document):
    counted = [t for t in world.transfers if t[2] is not None]
    assert values(document, "transfers", "into") == per_quarter(Counter(t[1] for t in counted))
    assert values(document, "transfers", "from") == per_quarter(Counter(t[0] for t in counted))
    for status in ("uebernommen", "verworfen", "angepasst"):
        expected = per_quarter(Counter(t[1] for t in counted if t[2] == status))
        assert values(document, "transfers", status) == expected


def test_meetings_and_decisions(world, document):
    counted = [s for s in world.sitzungen if s[3]]
    held = Counter(s[0] or "programm" for s in counted)
    decisions = Counter()
    for slug, _kind, n, _counts in counted:
        decisions[slug or "programm"] += n
    expected_held = {slug: held[slug] for slug in (*QUARTERS, "programm")}
    expected_held["total"] = sum(expected_held.values())
    expected_decisions = {slug: decisions[slug] for slug in (*QUARTERS, "programm")}
    expected_decisions["total"] = sum(expected_decisions.values())
    assert values(document, "sitzungen", "total") == expected_held
    assert values(document, "beschluesse", "total") == expected_decisions


def test_staff_positions_in_full_time_equivalents(world, document):
    by_ressort = Counter()
    for ressort, fte, counts in world.stellen:
        if counts:
            by_ressort[ressort] += float(fte)
    assert values(document, "stellen", "stadtentwicklung")["total"] == by_ressort["stadtentwicklung"] == 1
    assert values(document, "stellen", "familie_soziales")["total"] == by_ressort["familie_soziales"] == 1.5
    assert values(document, "stellen", "total")["total"] == 2.5


def test_indicators_over_the_years(document):
    indicator = next(t for t in table_list(document, "kennzahlen") if t["title"].startswith("Einwohner"))
    rows = {r["key"]: r["cells"] for r in indicator["rows"]}
    assert rows == {"2018": [5100, None], "2019": [5240, 4505]}


def table_list(document, section_key):
    return next(s for s in document["sections"] if s["key"] == section_key)["tables"]


def test_the_overview_repeats_the_key_figures(document):
    assert values(document, "ueberblick", "teilnahme.people") == values(document, "teilnahme", "people")
    assert values(document, "ueberblick", "sitzungen.total")["total"] == values(document, "sitzungen", "total")["total"]


def test_a_quarter_report_covers_that_quarter_only(world, document):
    kuckuck = report.build(YEAR, world.quartiere["kuckuck"])
    assert [c["key"] for c in table(kuckuck, "teilnahme")["columns"]] == ["kuckuck"]
    assert values(kuckuck, "teilnahme", "people")["kuckuck"] == values(document, "teilnahme", "people")["kuckuck"]
    # Meetings of the whole programme belong to the programme's report.
    assert values(kuckuck, "sitzungen", "total") == {"kuckuck": values(document, "sitzungen", "total")["kuckuck"]}
