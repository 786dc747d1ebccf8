"""Practice examples: a content entry under the review rule, with the origin offer or measure it describes, its
transfers on its page, and the pages' query counts pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hameln_quartiere.models import LogEntry, ReviewState
from tests import factories as f
from tests.formdata import parts_management
from tests.zusammenarbeit.conftest import client_for
from zusammenarbeit.models import Praxisbeispiel, Transfer, TransferSchritt
from zusammenarbeit.praxis import PraxisbeispielForm

FEW = 3
MANY = 30


def practice_data(**values):
    data = {
        "title": "Wandernder Bewohnertreff",
        "context": "Ein Treff, der von Ort zu Ort zieht, für alle, die nicht zum Stadtteiltreff kommen.",
        "needs_people": "Zwei Ehrenamtliche",
        "needs_rooms": "Wechselnde Orte im Quartier",
        "needs_money": "200 € im Jahr für Material",
        "steps": "1. Orte finden 2. Termine festlegen",
        "lessons": "Feste Zeiten helfen.",
        **values,
    }
    return {**data, **parts_management(Praxisbeispiel)}


@pytest.fixture
def angebot(kuckuck):
    return f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=kuckuck), title="Bewohnertreff unterwegs")


@pytest.fixture
def praxis(kuckuck, angebot, people):
    return f.PraxisbeispielFactory(
        title="Wandernder Bewohnertreff", quartier=kuckuck, angebot=angebot, contact=people["gwa"]
    )


def test_a_social_worker_describes_an_offer_of_their_quarter_as_a_practice(people, kuckuck, angebot):
    client = client_for(people["gwa"])
    data = practice_data(quartier=kuckuck.pk, angebot=angebot.pk, contact=people["gwa"].pk)

    response = client.post(reverse("zusammenarbeit:praxisbeispiel-create"), data)

    praxis = Praxisbeispiel.objects.get()
    assert response.status_code == 302
    assert response.url == praxis.get_absolute_url()
    assert praxis.review_state == ReviewState.DRAFT
    assert (praxis.angebot, praxis.contact, praxis.needs_money) == (
        angebot,
        people["gwa"],
        "200 € im Jahr für Material",
    )
    assert LogEntry.objects.filter(action="zusammenarbeit.praxisbeispiel.created", object_id=str(praxis.pk)).exists()


def test_the_origin_must_lie_in_the_origin_quarter(people, kuckuck, suedstadt):
    other = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=suedstadt))
    massnahme = f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=suedstadt))
    client = client_for(people["qm"])

    url = reverse("zusammenarbeit:praxisbeispiel-create")

    offer = client.post(url, practice_data(quartier=kuckuck.pk, angebot=other.pk))
    measure = client.post(url, practice_data(quartier=kuckuck.pk, massnahme=massnahme.pk))

    assert offer.status_code == measure.status_code == 200
    assert offer.context["form"].has_error("angebot")
    assert measure.context["form"].has_error("massnahme")
    assert not Praxisbeispiel.objects.exists()


def test_the_origin_choices_are_what_the_person_sees_grouped_by_quarter(people, kuckuck, suedstadt, angebot):
    elsewhere = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=suedstadt), title="Sprachcafé Süd")
    massnahme = f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=kuckuck), title="Treff stärken")

    own = PraxisbeispielForm(user=people["gwa"])
    everything = PraxisbeispielForm(user=people["qm"])

    assert own.fields["angebot"].choices == [("", "---------"), ("Kuckuck", [(angebot.pk, angebot.title)])]
    assert own.fields["massnahme"].choices == [("", "---------"), ("Kuckuck", [(massnahme.pk, massnahme.title)])]
    assert dict(everything.fields["angebot"].choices[1:]) == {
        "Kuckuck": [(angebot.pk, angebot.title)],
        "Südstadt": [(elsewhere.pk, elsewhere.title)],
    }
    # Someone outside the quarter cannot post a choice they were not offered.
    data = practice_data(quartier=kuckuck.pk, angebot=elsewhere.pk)
    assert PraxisbeispielForm(data, user=people["gwa"]).has_error("angebot")


def test_a_practice_goes_through_the_review_rule(people, praxis):
    gwa, qm = client_for(people["gwa"]), client_for(people["qm"])
    submit = reverse("zusammenarbeit:praxisbeispiel-submit", args=[praxis.pk])
    review = reverse("zusammenarbeit:praxisbeispiel-review", args=[praxis.pk])

    assert gwa.post(submit, {"version": praxis.version}).status_code == 302
    praxis.refresh_from_db()
    assert praxis.review_state == ReviewState.SUBMITTED
    # Nobody of the submitter's Ressort decides; the coordinator (the other Ressort) does.
    assert gwa.post(review, {"decision": "approve", "version": praxis.version}).status_code == 403
    assert qm.post(review, {"decision": "approve", "version": praxis.version}).status_code == 302
    praxis.refresh_from_db()
    assert praxis.review_state == ReviewState.APPROVED
    assert praxis.approved_by == people["qm"]


def test_the_practice_page_shows_its_transfers_with_their_steps(people, praxis, suedstadt):
    adopted = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=suedstadt), title="Bewohnertreff Süd")
    transfer = f.TransferFactory(
        praxisbeispiel=praxis,
        quartier=suedstadt,
        driver=people["gwa_sued"],
        status=Transfer.Status.ADOPTED,
        learnt="Im Süden kommen mehr Familien.",
        angebot=adopted,
    )
    TransferSchritt.objects.create(transfer=transfer, status=Transfer.Status.IDEA, note="Idee aus dem Austausch")
    TransferSchritt.objects.create(transfer=transfer, status=Transfer.Status.ADOPTED, actor=people["gwa_sued"])

    response = client_for(people["qm"]).get(praxis.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    transfer_url = reverse("zusammenarbeit:transfer-detail", args=[transfer.pk])
    assert f'href="{transfer_url}"' in html
    assert 'data-transfer-status="uebernommen"' in html
    assert "Im Süden kommen mehr Familien." in html
    assert str(people["gwa_sued"]) in html
    assert f'data-adopted-angebot="{adopted.pk}"' in html
    assert "Idee aus dem Austausch" in html
    assert html.count("data-transfer-step=") == 2
    assert f'data-origin-angebot="{praxis.angebot_id}"' in html


def test_the_adopted_offer_is_named_but_not_linked_for_who_cannot_open_it(people, praxis, suedstadt):
    adopted = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=suedstadt), title="Bewohnertreff Süd")
    f.TransferFactory(praxisbeispiel=praxis, quartier=suedstadt, status=Transfer.Status.ADOPTED, angebot=adopted)

    html = client_for(people["gwa"]).get(praxis.get_absolute_url()).content.decode()

    assert "Bewohnertreff Süd" in html
    assert "data-adopted-angebot" not in html


@pytest.mark.parametrize(
    ("person", "status", "can_start"),
    [
        ("qm", 200, True),
        ("gwa", 200, True),
        ("familie", 200, False),
        ("leitung", 200, False),
        ("admin", 200, True),
        ("gwa_sued", 404, False),
        ("gwa_nord", 404, False),
    ],
)
def test_who_sees_a_practice_and_who_may_start_a_transfer(people, praxis, person, status, can_start):
    response = client_for(people[person]).get(praxis.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        assert ("transfer_form" in response.context) is can_start
        assert (reverse("zusammenarbeit:transfer-create", args=[praxis.pk]) in response.content.decode()) is can_start


def test_the_list_shows_the_practices_of_the_persons_quarters_and_links_the_matrix(people, praxis, suedstadt):
    f.PraxisbeispielFactory(title="Sprachcafé Süd", quartier=suedstadt)

    response = client_for(people["gwa"]).get(reverse("zusammenarbeit:praxisbeispiel-list"))

    assert response.status_code == 200
    assert [entry.title for entry, _cells in response.context["rows"]] == ["Wandernder Bewohnertreff"]
    assert f'href="{reverse("zusammenarbeit:transfer-matrix")}"' in response.content.decode()


def test_the_list_exports_the_origin_and_the_number_of_transfers(people, praxis, suedstadt, nordstadt):
    f.TransferFactory(praxisbeispiel=praxis, quartier=suedstadt)
    f.TransferFactory(praxisbeispiel=praxis, quartier=nordstadt)

    response = client_for(people["qm"]).get(reverse("zusammenarbeit:praxisbeispiel-list"), {"export": "csv"})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1].split(";")[:5] == [
        "Wandernder Bewohnertreff",
        "Kuckuck",
        "Bewohnertreff unterwegs",
        str(people["gwa"]),
        "2",
    ]


# --- Query counts --------------------------------------------------------------------------------------------


def measure(client, url):
    """The queries of one GET of ``url``, after a first GET that fills the caches (content types, templates)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def add_practices(count, quartier, targets, people):
    """``count`` practices in ``quartier`` from an offer, each with a transfer with two steps into every target."""
    practices = []
    for _ in range(count):
        angebot = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=quartier))
        praxis = f.PraxisbeispielFactory(quartier=quartier, angebot=angebot, contact=people["gwa"])
        for target in targets:
            add_transfer(praxis, target, people)
        practices.append(praxis)
    return practices


def add_transfer(praxis, target, people):
    adopted = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=target))
    transfer = f.TransferFactory(
        praxisbeispiel=praxis, quartier=target, driver=people["gwa_sued"], status="uebernommen", angebot=adopted
    )
    TransferSchritt.objects.create(transfer=transfer, status="idee", actor=people["gwa"])
    TransferSchritt.objects.create(transfer=transfer, status="uebernommen", actor=people["gwa_sued"])
    return transfer


# The list: session, user, quarters, the filter's quarter choices, unread notifications, the count, the rows and
# the transfers counted per row. The practice's page: session, user, quarters, the entry with its links, comments,
# unread notifications, the transfers, their steps, and the start form's quarters and drivers.
PINNED_LIST = 8
PINNED_DETAIL = 10


@pytest.mark.usefixtures("computed_not_remembered")
def test_the_practice_list_needs_the_same_queries_for_few_and_many(people, kuckuck, suedstadt, nordstadt):
    client = client_for(people["gwa"])
    url = reverse("zusammenarbeit:praxisbeispiel-list")
    add_practices(FEW, kuckuck, [suedstadt], people)
    few = measure(client, url)
    add_practices(MANY - FEW, kuckuck, [suedstadt, nordstadt], people)
    many = measure(client, url)

    assert len(many) == len(few) == PINNED_LIST, "\n".join(["--- few:", *few, "--- many:", *many])


def test_the_practice_page_needs_the_same_queries_for_few_and_many_transfers(people, kuckuck, db):
    client = client_for(people["gwa"])
    praxis = add_practices(1, kuckuck, [], people)[0]
    targets = [f.QuartierFactory() for _ in range(MANY)]
    for target in targets[:FEW]:
        add_transfer(praxis, target, people)
    few = measure(client, praxis.get_absolute_url())
    for target in targets[FEW:]:
        add_transfer(praxis, target, people)
    many = measure(client, praxis.get_absolute_url())

    assert len(many) == len(few) == PINNED_DETAIL, "\n".join(["--- few:", *few, "--- many:", *many])
