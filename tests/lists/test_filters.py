"""Every filter of every list keeps exactly the entries that match it; filters and sorting live in the URL."""

import datetime

import pytest
from django.utils import timezone

from hameln_quartiere.models import ReviewState
from handlungskonzepte.models import Befund, Beteiligungsformat, Massnahme
from quartiere.models import Jahresziel
from tests import factories as f
from tests.lists.conftest import KINDS, LISTS, client_for, list_url, make, rows_of
from treffpunkte.models import Traeger, Treffpunkt

D = datetime.date


def approved(kind, quartier, **values):
    return make(kind, quartier, review_state=ReviewState.APPROVED, approved_at=timezone.now(), **values)


def by_text(kind, field):
    def case(k, n):
        return {"q": "kuckucksnest"}, [make(kind, k, **{field: "Im Kuckucksnest"})], [make(kind, k)]

    return case


def by_quarter(kind):
    def case(k, n):
        return {"quartier": k.pk}, [make(kind, k)], [make(kind, n)]

    return case


def by_review_state(kind):
    def case(k, n):
        return {"review_state": "approved"}, [approved(kind, k)], [make(kind, k)]

    return case


def common(kind, text_field="title"):
    return [
        (kind, "q", by_text(kind, text_field)),
        (kind, "quartier", by_quarter(kind)),
        (kind, "review_state", by_review_state(kind)),
    ]


def treffpunkt_traeger(k, n):
    traeger = f.TraegerFactory()
    return {"traeger": traeger.pk}, [make("treffpunkt", k, traeger=traeger)], [make("treffpunkt", k)]


def treffpunkt_text_in_operator_name(k, n):
    traeger = f.TraegerFactory(name="Kuckucksnest e. V.")
    return {"q": "Kuckucksnest"}, [make("treffpunkt", k, traeger=traeger)], [make("treffpunkt", k)]


def angebot_m2m(field, factory, value):
    def case(k, n):
        wanted = make("angebot", k)
        getattr(wanted, field).add(factory(**value))
        other = make("angebot", k)
        getattr(other, field).add(factory(**{key: f"{v}-x" for key, v in value.items()}))
        related = getattr(wanted, field).get()
        return {field: related.pk}, [wanted], [other, make("angebot", k)]

    return case


def hk_with_format(k, kind):
    konzept = f.HandlungskonzeptFactory(quartier=k)
    return konzept, f.BeteiligungsformatFactory(handlungskonzept=konzept, kind=kind)


def befund_format_kind(k, n):
    konzept, survey = hk_with_format(k, Beteiligungsformat.Kind.SURVEY)
    walk = f.BeteiligungsformatFactory(handlungskonzept=konzept, kind=Beteiligungsformat.Kind.WALK)
    wanted = make("befund", k, handlungskonzept=konzept, beteiligungsformat=survey)
    return (
        {"format_kind": "befragung"},
        [wanted],
        [make("befund", k, handlungskonzept=konzept, beteiligungsformat=walk)],
    )


def befund_konzept(k, n):
    konzept = f.HandlungskonzeptFactory(quartier=k)
    return {"handlungskonzept": konzept.pk}, [make("befund", k, handlungskonzept=konzept)], [make("befund", k)]


def ziel_konzept(k, n):
    feld = f.HandlungsfeldFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=k))
    wanted = make("ziel", k, handlungsfeld=feld)
    return {"handlungskonzept": feld.handlungskonzept.pk}, [wanted], [make("ziel", k)]


def ziel_feld(k, n):
    feld = f.HandlungsfeldFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=k))
    sibling = f.HandlungsfeldFactory(handlungskonzept=feld.handlungskonzept)
    wanted = make("ziel", k, handlungsfeld=feld)
    return {"handlungsfeld": feld.pk}, [wanted], [make("ziel", k, handlungsfeld=sibling)]


def massnahme_owner_traeger(k, n):
    traeger = f.TraegerFactory()
    wanted = make("massnahme", k, owner=Massnahme.Owner.TRAEGER, owner_traeger=traeger)
    other = make("massnahme", k, owner=Massnahme.Owner.TRAEGER, owner_traeger=f.TraegerFactory())
    return {"owner_traeger": traeger.pk}, [wanted], [other, make("massnahme", k)]


def massnahmen_over_time(k):
    return {
        "2018": make("massnahme", k, start=D(2018, 1, 1), end=D(2018, 12, 31)),
        "2018-2020": make("massnahme", k, start=D(2018, 6, 1), end=D(2020, 3, 31)),
        "since 2019-07": make("massnahme", k, start=D(2019, 7, 1), end=None),
        "2021": make("massnahme", k, start=D(2021, 1, 1), end=D(2021, 6, 30)),
    }


def massnahme_year(k, n):
    m = massnahmen_over_time(k)
    return {"year": 2019}, [m["2018-2020"], m["since 2019-07"]], [m["2018"], m["2021"]]


def massnahme_running_from(k, n):
    m = massnahmen_over_time(k)
    return {"running_from": "2020-04-01"}, [m["since 2019-07"], m["2021"]], [m["2018"], m["2018-2020"]]


def massnahme_running_until(k, n):
    m = massnahmen_over_time(k)
    return {"running_until": "2018-12-31"}, [m["2018"], m["2018-2020"]], [m["since 2019-07"], m["2021"]]


def massnahme_between(k, n):
    m = massnahmen_over_time(k)
    params = {"running_from": "2019-01-01", "running_until": "2019-06-30"}
    return params, [m["2018-2020"]], [m["2018"], m["since 2019-07"], m["2021"]]


def massnahme_late(k, n):
    """Late: the period has ended and the measure is neither completed nor dropped."""
    status = Massnahme.Status
    wanted = [
        make("massnahme", k, start=D(2018, 1, 1), end=D(2018, 12, 31), status=status.RUNNING),
        make("massnahme", k, start=D(2018, 1, 1), end=D(2019, 6, 30), status=status.PLANNED),
    ]
    others = [
        make("massnahme", k, start=D(2018, 1, 1), end=D(2018, 12, 31), status=status.DONE),
        make("massnahme", k, start=D(2018, 1, 1), end=D(2018, 12, 31), status=status.DROPPED),
        make("massnahme", k, start=D(2018, 1, 1), end=None, status=status.RUNNING),
        make("massnahme", k, start=D(2018, 1, 1), end=D(2100, 1, 1), status=status.RUNNING),
    ]
    return {"late": "true"}, wanted, others


def konzept_year(k, n):
    wanted = [
        make("handlungskonzept", k, start_year=2017, end_year=2019),
        make("handlungskonzept", k, start_year=2019, end_year=2022),
    ]
    others = [
        make("handlungskonzept", k, start_year=2014, end_year=2018),
        make("handlungskonzept", k, start_year=2020, end_year=2023),
    ]
    return {"year": 2019}, wanted, others


def jahresziel_assessment(k, n):
    reached = make("jahresziel", k, assessment=Jahresziel.Assessment.REACHED, assessment_statement="Drei neue Gruppen.")
    return {"assessment": "reached"}, [reached], [make("jahresziel", k)]


def simple(kind, name, param, wanted_values, other_values):
    def case(k, n):
        return {name: param}, [make(kind, k, **wanted_values)], [make(kind, k, **other_values)]

    return (kind, name, case)


CASES = [
    *common("treffpunkt", "name"),
    simple(
        "treffpunkt", "status", "ruhend", {"status": Treffpunkt.Status.DORMANT}, {"status": Treffpunkt.Status.ACTIVE}
    ),
    ("treffpunkt", "traeger", treffpunkt_traeger),
    ("treffpunkt", "q", treffpunkt_text_in_operator_name),
    simple("treffpunkt", "in_praxisnetzwerk", "true", {"in_praxisnetzwerk": True}, {"in_praxisnetzwerk": False}),
    *common("angebot"),
    (
        "angebot",
        "kategorie",
        lambda k, n: (
            {"kategorie": f.KategorieFactory(name="Sprachcafé").pk},
            [make("angebot", k, kategorie=f.KategorieFactory(name="Sprachcafé"))],
            [make("angebot", k)],
        ),
    ),
    ("angebot", "zielgruppen", angebot_m2m("zielgruppen", f.ZielgruppeFactory, {"name": "Männer"})),
    ("angebot", "sprachen", angebot_m2m("sprachen", f.SpracheFactory, {"code": "tr", "name": "Türkisch"})),
    simple("angebot", "is_mobile", "true", {"is_mobile": True}, {"is_mobile": False}),
    simple("angebot", "free_of_charge", "false", {"free_of_charge": False}, {"free_of_charge": True}),
    *common("jahresziel"),
    simple("jahresziel", "year", 2019, {"year": 2019}, {"year": 2020}),
    ("jahresziel", "assessment", jahresziel_assessment),
    *common("handlungskonzept"),
    ("handlungskonzept", "year", konzept_year),
    *common("befund"),
    simple("befund", "kind", "staerke", {"kind": Befund.Kind.STRENGTH}, {"kind": Befund.Kind.RISK}),
    ("befund", "handlungskonzept", befund_konzept),
    ("befund", "format_kind", befund_format_kind),
    *common("ziel"),
    ("ziel", "handlungskonzept", ziel_konzept),
    ("ziel", "handlungsfeld", ziel_feld),
    *common("massnahme"),
    simple(
        "massnahme", "status", "laufend", {"status": Massnahme.Status.RUNNING}, {"status": Massnahme.Status.PLANNED}
    ),
    simple("massnahme", "owner", "qm", {"owner": Massnahme.Owner.QM}, {"owner": Massnahme.Owner.GWA}),
    ("massnahme", "owner_traeger", massnahme_owner_traeger),
    ("massnahme", "year", massnahme_year),
    ("massnahme", "running_from", massnahme_running_from),
    ("massnahme", "running_until", massnahme_running_until),
    ("massnahme", "running_from", massnahme_between),
    ("massnahme", "late", massnahme_late),
]


@pytest.mark.parametrize(
    ("kind", "name", "case"), CASES, ids=[f"{kind}-{name}-{i}" for i, (kind, name, _) in enumerate(CASES)]
)
def test_each_filter_keeps_exactly_the_matching_entries(people, kuckuck, nordstadt, kind, name, case):
    params, wanted, others = case(kuckuck, nordstadt)
    assert others, "a filter test needs entries that do not match"

    response = client_for(people["qm"]).get(list_url(kind), params)

    assert not response.context["filter"].form.errors
    assert sorted(rows_of(response)) == sorted(entry.pk for entry in wanted)
    assert response.context["filter"].active_count == len(params)


@pytest.mark.parametrize("kind", KINDS)
def test_every_filter_of_every_list_has_a_test(kind):
    tested = {name for case_kind, name, _ in CASES if case_kind == kind}
    assert set(LISTS[kind][1].base_filters) - {"o"} == tested


@pytest.mark.parametrize("kind", KINDS)
def test_every_list_offers_the_filters_of_the_issue(kind):
    """Quarter, review state and free text everywhere; the rest where the entries have it."""
    names = set(LISTS[kind][1].base_filters)
    expected = {
        "treffpunkt": {"status", "traeger"},
        "angebot": {"kategorie", "zielgruppen", "sprachen"},
        "jahresziel": {"year"},
        "handlungskonzept": {"year"},
        "befund": {"kind"},
        "ziel": {"handlungsfeld"},
        "massnahme": {"status", "owner", "year", "running_from", "running_until"},
    }[kind]
    assert {"q", "quartier", "review_state", "o", *expected} <= names


def test_filters_combine(people, kuckuck, nordstadt):
    wanted = make("massnahme", kuckuck, status=Massnahme.Status.RUNNING, owner=Massnahme.Owner.QM)
    make("massnahme", kuckuck, status=Massnahme.Status.RUNNING, owner=Massnahme.Owner.GWA)
    make("massnahme", kuckuck, status=Massnahme.Status.PLANNED, owner=Massnahme.Owner.QM)
    make("massnahme", nordstadt, status=Massnahme.Status.RUNNING, owner=Massnahme.Owner.QM)

    params = {"quartier": kuckuck.pk, "status": "laufend", "owner": "qm"}
    response = client_for(people["qm"]).get(list_url("massnahme"), params)

    assert rows_of(response) == [wanted.pk]


def test_free_text_needs_every_word_somewhere(people, kuckuck):
    wanted = make("angebot", kuckuck, title="Sprachcafé", description="Dienstags im Kuckucksnest")
    make("angebot", kuckuck, title="Sprachcafé", description="Mittwochs")

    response = client_for(people["qm"]).get(list_url("angebot"), {"q": "sprachcafé kuckucksnest"})

    assert rows_of(response) == [wanted.pk]


def test_a_filter_value_that_cannot_be_read_is_shown_as_an_error_next_to_the_field(people, kuckuck):
    make("massnahme", kuckuck)

    response = client_for(people["qm"]).get(list_url("massnahme"), {"year": "zwanzig", "running_from": "gestern"})

    assert set(response.context["filter"].form.errors) == {"year", "running_from"}
    html = response.content.decode()
    assert 'id="id_year-error"' in html
    assert 'aria-describedby="id_year-error"' in html
    assert 'aria-invalid="true"' in html


def test_the_filter_form_has_a_heading_labels_for_every_field_and_keeps_the_sort_order(people, kuckuck):
    make("massnahme", kuckuck)

    response = client_for(people["qm"]).get(list_url("massnahme"), {"o": "-title", "status": "laufend"})

    html = response.content.decode()
    assert '<h2 id="filter-title"' in html
    assert 'aria-labelledby="filter-title"' in html
    assert "<details" in html
    form = response.context["filter"].form
    for field in form.visible_fields():
        assert f'for="{field.id_for_label}"' in html
    assert '<input type="hidden" name="o" value="-title"' in html


def test_operator_choices_are_all_operators_for_everyone(people, kuckuck):
    traeger = f.TraegerFactory()

    response = client_for(people["gwa"]).get(list_url("treffpunkt"))

    assert list(response.context["filter"].form.fields["traeger"].queryset) == [traeger]
    assert Traeger.objects.count() == 1
