"""Transfers of a practice into another quarter: started on the practice's page, moved along its steps, linked to
the offer or measure it became, shown in the matrix; every change kept as a step and an audit row."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hameln_quartiere.models import LogEntry
from hameln_quartiere.services import ReviewError, StaleEntry
from tests import factories as f
from tests.zusammenarbeit.conftest import client_for
from zusammenarbeit.models import Transfer
from zusammenarbeit.praxis import change_transfer, next_statuses, start_transfer, transfer_links

Status = Transfer.Status


@pytest.fixture
def origin_angebot(kuckuck):
    return f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=kuckuck), title="Wandernder Bewohnertreff")


@pytest.fixture
def praxis(kuckuck, origin_angebot, people):
    return f.PraxisbeispielFactory(
        title="Wandernder Bewohnertreff", quartier=kuckuck, angebot=origin_angebot, contact=people["gwa"], approved=True
    )


@pytest.fixture
def sued_angebot(suedstadt):
    return f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=suedstadt), title="Bewohnertreff Südstadt")


@pytest.fixture
def transfer(praxis, suedstadt, people):
    return start_transfer(praxis, actor=people["gwa"], quartier=suedstadt, driver=people["gwa_sued"])


def detail_url(transfer):
    return reverse("zusammenarbeit:transfer-detail", args=[transfer.pk])


def step_data(transfer, **values):
    """The transfer form as it loads for ``transfer``, with ``values`` changed."""
    data = {
        "status": transfer.status,
        "note": "",
        "learnt": transfer.learnt,
        "driver": transfer.driver_id,
        "angebot": transfer.angebot_id or "",
        "massnahme": transfer.massnahme_id or "",
        "version": transfer.version,
    }
    return {**data, **values}


def log_rows(transfer):
    return LogEntry.objects.filter(action__startswith="zusammenarbeit.transfer.", object_id=str(transfer.pk))


# --- The whole way: from Kuckuck to Südstadt -----------------------------------------------------------------


def test_a_transfer_from_kuckuck_to_suedstadt_links_both_entries(people, praxis, suedstadt, sued_angebot):
    gwa, gwa_sued, qm = client_for(people["gwa"]), client_for(people["gwa_sued"]), client_for(people["qm"])

    # Kuckuck's social worker starts it on the practice's page, to be driven in Südstadt.
    response = gwa.post(
        reverse("zusammenarbeit:transfer-create", args=[praxis.pk]),
        {
            "transfer-quartier": suedstadt.pk,
            "transfer-driver": people["gwa_sued"].pk,
            "transfer-note": "Aus dem Austausch",
        },
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(transfer)
    assert (transfer.quartier, transfer.status, transfer.driver) == (suedstadt, Status.IDEA, people["gwa_sued"])

    # Südstadt's social worker, who does not see Kuckuck's practices, carries it on and links the new offer.
    assert gwa_sued.get(praxis.get_absolute_url()).status_code == 404
    assert gwa_sued.post(detail_url(transfer), step_data(transfer, status=Status.PREPARING)).status_code == 302
    transfer.refresh_from_db()
    response = gwa_sued.post(
        detail_url(transfer),
        step_data(transfer, status=Status.ADOPTED, angebot=sued_angebot.pk, learnt="Im Süden kommen mehr Familien."),
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.angebot, transfer.version) == (Status.ADOPTED, sued_angebot, 3)

    # The adopted offer's page names its origin: the practice (for who may open it) and the transfer.
    html = qm.get(sued_angebot.get_absolute_url()).content.decode()
    assert f'data-adopted-from="{praxis.pk}"' in html
    assert f'href="{praxis.get_absolute_url()}"' in html
    assert f'href="{detail_url(transfer)}"' in html
    assert "(Kuckuck)" in html
    html = gwa_sued.get(sued_angebot.get_absolute_url()).content.decode()
    assert f'data-adopted-from="{praxis.pk}"' in html
    assert f'href="{praxis.get_absolute_url()}"' not in html
    assert f'href="{detail_url(transfer)}"' in html

    # The origin offer says it is described as a practice; the practice's page links the transfer.
    html = gwa.get(praxis.angebot.get_absolute_url()).content.decode()
    assert f'data-described-as="{praxis.pk}"' in html
    html = gwa.get(praxis.get_absolute_url()).content.decode()
    assert f'href="{detail_url(transfer)}"' in html
    assert f'data-adopted-angebot="{sued_angebot.pk}"' not in html  # Kuckuck's worker cannot open it: named only
    assert "Bewohnertreff Südstadt" in html

    # The matrix shows it: origin in Kuckuck, "adopted" in Südstadt.
    response = qm.get(reverse("zusammenarbeit:transfer-matrix"))
    row = next(row for row in response.context["rows"] if row["practice"].pk == praxis.pk)
    cells = {cell["quartier"].slug: cell for cell in row["cells"]}
    assert cells["kuckuck"]["origin"]
    assert cells["suedstadt"]["transfer"].pk == transfer.pk
    assert cells["nordstadt"]["transfer"] is None and not cells["nordstadt"]["origin"]
    assert f'href="{detail_url(transfer)}"' in response.content.decode()

    # Every step is kept, with an audit row each.
    assert list(transfer.schritte.values_list("status", flat=True)) == [Status.IDEA, Status.PREPARING, Status.ADOPTED]
    assert list(log_rows(transfer).order_by("created_at", "pk").values_list("action", flat=True)) == [
        "zusammenarbeit.transfer.created",
        "zusammenarbeit.transfer.changed",
        "zusammenarbeit.transfer.changed",
    ]


def test_an_adopted_measure_links_back_and_the_origin_measure_names_its_practice(people, kuckuck, suedstadt):
    origin = f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=kuckuck), title="Kommunikation")
    adopted = f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=suedstadt), title="Netzwerk Süd")
    praxis = f.PraxisbeispielFactory(quartier=kuckuck, massnahme=origin, title="Kommunikationsstrukturen")
    transfer = f.TransferFactory(praxisbeispiel=praxis, quartier=suedstadt, status=Status.ADOPTED, massnahme=adopted)

    adopted_page = client_for(people["gwa_sued"]).get(adopted.get_absolute_url()).content.decode()
    origin_page = client_for(people["gwa"]).get(origin.get_absolute_url()).content.decode()

    assert f'data-adopted-from="{praxis.pk}"' in adopted_page
    assert f'href="{detail_url(transfer)}"' in adopted_page
    assert f'data-described-as="{praxis.pk}"' in origin_page
    assert f'href="{praxis.get_absolute_url()}"' in origin_page


def test_transfer_links_read_one_query_however_many_practices(people, kuckuck, suedstadt, sued_angebot):
    for n in range(5):
        praxis = f.PraxisbeispielFactory(quartier=kuckuck, title=f"Praxis {n}")
        f.TransferFactory(praxisbeispiel=praxis, quartier=suedstadt, status=Status.ADOPTED, angebot=sued_angebot)
    user = people["gwa_sued"]
    user.quartier_ids  # noqa: B018 - read once per request anyway, by the page's own scoping

    with CaptureQueriesContext(connection) as queries:
        links = transfer_links(sued_angebot, user)

    assert len(queries) == 1
    assert [practice.title for practice in links["adopted"]] == [f"Praxis {n}" for n in range(5)]
    assert all(practice.can_view_transfer and not practice.can_view for practice in links["adopted"])
    assert links["described"] == []


# --- Dropping keeps the history ------------------------------------------------------------------------------


def test_dropping_a_transfer_keeps_its_history(people, transfer, sued_angebot):
    change_transfer(transfer, actor=people["gwa_sued"], version=1, status=Status.ADOPTED, angebot=sued_angebot)
    client = client_for(people["gwa_sued"])
    transfer.refresh_from_db()

    response = client.post(
        detail_url(transfer),
        step_data(transfer, status=Status.DROPPED, note="Kein Raum gefunden.", learnt="Erst den Raum klären."),
    )

    assert response.status_code == 302
    transfer = Transfer.objects.get(pk=transfer.pk)
    assert transfer.status == Status.DROPPED
    assert transfer.learnt == "Erst den Raum klären."
    assert transfer.angebot == sued_angebot  # what it became stays linked
    steps = list(transfer.schritte.order_by("at", "pk"))
    assert [step.status for step in steps] == [Status.IDEA, Status.ADOPTED, Status.DROPPED]
    assert steps[-1].note == "Kein Raum gefunden."
    assert steps[-1].actor == people["gwa_sued"]
    assert log_rows(transfer).count() == 3
    dropped = log_rows(transfer).latest("created_at", "pk")
    assert set(dropped.data["changes"]) == {"status", "learnt"}
    assert dropped.data["step"] == steps[-1].pk
    # The page still shows every step, and the matrix the dropped status.
    html = client.get(detail_url(transfer)).content.decode()
    assert html.count("data-transfer-step=") == 3
    assert "Kein Raum gefunden." in html
    matrix = client_for(people["qm"]).get(reverse("zusammenarbeit:transfer-matrix")).content.decode()
    assert f'data-transfer="{transfer.pk}"' in matrix


def test_dropping_needs_a_note_and_changes_nothing_without_one(people, transfer):
    client = client_for(people["gwa"])

    response = client.post(detail_url(transfer), step_data(transfer, status=Status.DROPPED))

    assert response.status_code == 400
    assert response.context["form"].has_error("note")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.version, transfer.schritte.count(), log_rows(transfer).count()) == (
        Status.IDEA,
        1,
        1,
        1,
    )


def test_there_is_no_way_to_delete_a_transfer_in_the_portal(people, transfer):
    client = client_for(people["qm"])

    assert client.delete(detail_url(transfer)).status_code == 405
    assert "loeschen" not in client.get(detail_url(transfer)).content.decode()


def test_a_dropped_transfer_can_be_taken_up_again_as_an_idea(people, transfer):
    change_transfer(transfer, actor=people["gwa"], version=1, status=Status.DROPPED, note="Zu früh")

    change_transfer(transfer, actor=people["gwa"], version=2, status=Status.IDEA, note="Neuer Anlauf")

    transfer.refresh_from_db()
    assert transfer.status == Status.IDEA
    assert transfer.schritte.count() == 3


# --- What does not fit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Status.IDEA, [Status.PREPARING, Status.ADOPTED, Status.ADAPTED, Status.DROPPED]),
        (Status.PREPARING, [Status.ADOPTED, Status.ADAPTED, Status.DROPPED]),
        (Status.ADOPTED, [Status.ADAPTED, Status.DROPPED]),
        (Status.ADAPTED, [Status.DROPPED]),
        (Status.DROPPED, [Status.IDEA]),
    ],
)
def test_a_transfer_moves_forward_or_is_dropped(status, allowed):
    assert next_statuses(status) == allowed


def test_a_transfer_does_not_go_back(people, transfer):
    change_transfer(transfer, actor=people["gwa"], version=1, status=Status.ADOPTED)

    with pytest.raises(ValidationError) as error:
        change_transfer(transfer, actor=people["gwa"], version=2, status=Status.IDEA)

    assert "status" in error.value.message_dict
    transfer.refresh_from_db()
    assert transfer.status == Status.ADOPTED


def test_the_adopted_offer_must_lie_in_the_target_quarter(people, transfer, origin_angebot):
    with pytest.raises(ValidationError) as error:
        change_transfer(transfer, actor=people["qm"], version=1, status=Status.ADOPTED, angebot=origin_angebot)

    assert "angebot" in error.value.message_dict
    transfer.refresh_from_db()
    assert (transfer.angebot, transfer.status, transfer.schritte.count()) == (None, Status.IDEA, 1)


def test_the_form_offers_only_offers_of_the_target_quarter(people, transfer, origin_angebot, sued_angebot):
    response = client_for(people["qm"]).post(
        detail_url(transfer), step_data(transfer, status=Status.ADOPTED, angebot=origin_angebot.pk)
    )

    assert response.status_code == 400
    assert response.context["form"].has_error("angebot")
    assert list(response.context["form"].fields["angebot"].queryset) == [sued_angebot]


def test_an_offer_is_linked_only_once_the_practice_is_adopted(people, transfer, sued_angebot):
    with pytest.raises(ValidationError) as error:
        change_transfer(transfer, actor=people["gwa_sued"], version=1, status=Status.PREPARING, angebot=sued_angebot)

    assert "angebot" in error.value.message_dict


def test_a_practice_is_not_transferred_into_its_own_quarter_nor_twice_into_one(people, praxis, kuckuck, transfer):
    with pytest.raises(ValidationError):
        start_transfer(praxis, actor=people["qm"], quartier=kuckuck, driver=people["qm"])
    with pytest.raises(ValidationError):
        start_transfer(praxis, actor=people["qm"], quartier=transfer.quartier, driver=people["qm"])
    assert Transfer.objects.count() == 1


def test_the_start_form_offers_only_quarters_the_practice_has_not_gone_to(people, praxis, transfer, nordstadt):
    response = client_for(people["gwa"]).get(praxis.get_absolute_url())

    form = response.context["transfer_form"]
    assert [label for value, label in form.fields["quartier"].choices if value] == ["Nordstadt"]
    # Posting a quarter it went to already is refused next to the field.
    response = client_for(people["gwa"]).post(
        reverse("zusammenarbeit:transfer-create", args=[praxis.pk]),
        {"transfer-quartier": transfer.quartier_id, "transfer-driver": people["gwa"].pk},
    )
    assert response.status_code == 400
    assert response.context["transfer_form"].has_error("quartier")


@pytest.mark.parametrize("person", ["familie", "gwa_nord", "admin"])
def test_a_transfer_is_driven_by_the_coordinator_or_a_social_worker_of_its_quarters(people, praxis, suedstadt, person):
    with pytest.raises(ValidationError) as error:
        start_transfer(praxis, actor=people["qm"], quartier=suedstadt, driver=people[person])

    assert "driver" in error.value.message_dict
    assert not Transfer.objects.exists()


def test_the_driver_choices_are_who_may_drive_it(people, transfer):
    response = client_for(people["qm"]).get(detail_url(transfer))

    drivers = set(response.context["form"].fields["driver"].queryset)
    assert drivers == {people["qm"], people["gwa"], people["gwa_sued"]}


# --- Stale edits ---------------------------------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_the_input_stays(people, transfer):
    first, second = client_for(people["gwa"]), client_for(people["gwa_sued"])
    loaded = step_data(transfer)

    assert first.post(detail_url(transfer), {**loaded, "status": Status.PREPARING}).status_code == 302
    response = second.post(detail_url(transfer), {**loaded, "learnt": "Meine Erkenntnis"})

    assert response.status_code == 409
    form = response.context["form"]
    assert form.non_field_errors()
    assert form["learnt"].value() == "Meine Erkenntnis"
    assert form["version"].value() == 2
    transfer.refresh_from_db()
    assert (transfer.learnt, transfer.version, transfer.schritte.count()) == ("", 2, 2)
    # Saving again, having seen the other change, keeps theirs.
    assert (
        second.post(
            detail_url(transfer), {**loaded, "learnt": "Meine Erkenntnis", "status": Status.PREPARING, "version": 2}
        ).status_code
        == 302
    )
    transfer.refresh_from_db()
    assert (transfer.learnt, transfer.version) == ("Meine Erkenntnis", 3)


def test_a_form_without_a_readable_version_is_treated_as_stale(people, transfer):
    response = client_for(people["gwa"]).post(detail_url(transfer), step_data(transfer, version="abc", learnt="X"))

    assert response.status_code == 409
    assert response.context["form"]["version"].value() == 1
    transfer.refresh_from_db()
    assert (transfer.learnt, transfer.version) == ("", 1)


def test_the_service_refuses_a_stale_version(people, transfer):
    change_transfer(transfer, actor=people["gwa"], version=1, learnt="Erstens")

    with pytest.raises(StaleEntry):
        change_transfer(transfer, actor=people["qm"], version=1, learnt="Zweitens")

    transfer.refresh_from_db()
    assert transfer.learnt == "Erstens"


def test_nothing_changed_records_no_step(people, transfer):
    assert change_transfer(transfer, actor=people["gwa"], version=1, status=Status.IDEA, learnt="") is None
    assert transfer.schritte.count() == 1


# --- Who may -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "view", "change"),
    [
        ("qm", 200, 302),
        ("gwa", 200, 302),  # covers the origin quarter
        ("gwa_sued", 200, 302),  # covers the target quarter
        ("gwa_nord", 404, 404),  # neither
        ("familie", 200, 403),  # reads in Kuckuck
        ("leitung", 200, 403),
        ("admin", 200, 302),
    ],
)
def test_who_sees_and_who_changes_a_transfer(people, transfer, person, view, change):
    client = client_for(people[person])

    response = client.get(detail_url(transfer))
    assert response.status_code == view
    if view == 200:
        assert ("form" in response.context) is (change == 302)
    assert client.post(detail_url(transfer), step_data(transfer, learnt=f"von {person}")).status_code == change


@pytest.mark.parametrize(("person", "status"), [("gwa_nord", 404), ("familie", 403), ("leitung", 403)])
def test_who_may_not_start_a_transfer(people, praxis, nordstadt, person, status):
    response = client_for(people[person]).post(
        reverse("zusammenarbeit:transfer-create", args=[praxis.pk]),
        {"transfer-quartier": nordstadt.pk, "transfer-driver": people["qm"].pk},
    )

    assert response.status_code == status
    assert not Transfer.objects.exists()


def test_the_services_check_the_person_too(people, praxis, transfer):
    altstadt = f.QuartierFactory(name="Altstadt", slug="altstadt")
    with pytest.raises(ReviewError):
        start_transfer(praxis, actor=people["gwa_nord"], quartier=altstadt, driver=people["gwa_nord"])
    with pytest.raises(ReviewError):
        change_transfer(transfer, actor=people["gwa_nord"], version=1, learnt="Fremd")
    with pytest.raises(ReviewError):
        change_transfer(transfer, actor=people["familie"], version=1, learnt="Fremd")


def test_anonymous_people_are_sent_to_the_login(client, transfer):
    response = client.get(detail_url(transfer))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- The matrix ----------------------------------------------------------------------------------------------


def test_the_matrix_shows_what_the_person_may_see(people, praxis, transfer, nordstadt, kuckuck):
    to_nord = f.TransferFactory(praxisbeispiel=praxis, quartier=nordstadt, status=Status.PREPARING)
    f.PraxisbeispielFactory(quartier=nordstadt, title="Sprachcafé Nord")

    def shown(person):
        response = client_for(people[person]).get(reverse("zusammenarbeit:transfer-matrix"))
        assert response.status_code == 200
        return {
            row["practice"].title: {
                cell["quartier"].slug: cell["transfer"] for cell in row["cells"] if cell["transfer"]
            }
            for row in response.context["rows"]
        }

    assert shown("qm") == {
        "Wandernder Bewohnertreff": {"nordstadt": to_nord, "suedstadt": transfer},
        "Sprachcafé Nord": {},
    }
    assert shown("gwa") == {"Wandernder Bewohnertreff": {"nordstadt": to_nord, "suedstadt": transfer}}
    # Südstadt's worker sees the practice that came to their quarter, but not where else it went.
    assert shown("gwa_sued") == {"Wandernder Bewohnertreff": {"suedstadt": transfer}}
    assert shown("gwa_nord") == {"Wandernder Bewohnertreff": {"nordstadt": to_nord}, "Sprachcafé Nord": {}}


def test_the_matrix_is_a_table_with_headers_and_a_list(people, transfer):
    html = client_for(people["qm"]).get(reverse("zusammenarbeit:transfer-matrix")).content.decode()

    assert "<caption>" in html
    assert html.count('<th scope="col">') == 1 + 3  # the practice column and one per quarter
    assert '<th scope="row">' in html
    assert "data-transfer-list" in html


# The matrix: session, user, quarters covered, the quarters (columns), the practices, their transfers, unread
# notifications.
PINNED_MATRIX = 7


def test_the_matrix_needs_the_same_queries_for_few_and_many_practices(people, kuckuck, suedstadt, nordstadt):
    client = client_for(people["gwa"])
    url = reverse("zusammenarbeit:transfer-matrix")

    def add(count):
        for _ in range(count):
            praxis = f.PraxisbeispielFactory(quartier=kuckuck)
            f.TransferFactory(praxisbeispiel=praxis, quartier=suedstadt, status=Status.ADOPTED)
            f.TransferFactory(praxisbeispiel=praxis, quartier=nordstadt)
            incoming = f.PraxisbeispielFactory(quartier=suedstadt)
            f.TransferFactory(praxisbeispiel=incoming, quartier=kuckuck)

    add(3)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.context["rows"]) == 60
    assert len(many) == len(few) == PINNED_MATRIX, "\n".join(q["sql"] for q in many.captured_queries)


def test_taken_up_again_as_an_idea_a_transfer_no_longer_names_what_it_was_adopted_as(people, transfer, sued_angebot):
    change_transfer(transfer, actor=people["gwa_sued"], version=1, status=Status.ADOPTED, angebot=sued_angebot)
    change_transfer(transfer, actor=people["gwa_sued"], version=2, status=Status.DROPPED, note="Kein Raum.")
    assert Transfer.objects.get(pk=transfer.pk).angebot == sued_angebot  # dropped: kept as history

    change_transfer(transfer, actor=people["gwa_sued"], version=3, status=Status.IDEA, note="Neuer Anlauf")

    transfer = Transfer.objects.get(pk=transfer.pk)
    assert transfer.angebot is None
    assert set(log_rows(transfer).latest("created_at", "pk").data["changes"]) == {"status", "angebot"}
