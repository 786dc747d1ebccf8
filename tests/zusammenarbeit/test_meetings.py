"""Meetings: the form with its agenda, minutes under the review rule (final once approved), preparing the next
meeting from the last one, who sees which meeting, and the pages' query counts pinned."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hameln_quartiere.models import LogEntry, ReviewState, Role
from hameln_quartiere.rules import may
from hameln_quartiere.services import ReviewError, approve, submit_for_review
from tests import factories as f
from tests.zusammenarbeit.conftest import client_for
from zusammenarbeit.models import Aufgabe, Sitzung, Tagesordnungspunkt
from zusammenarbeit.services import prepare_next_meeting

DECIDED = Tagesordnungspunkt.Status.DECIDED
OPEN = Tagesordnungspunkt.Status.OPEN
DEFERRED = Tagesordnungspunkt.Status.DEFERRED
INFORMATION = Tagesordnungspunkt.Status.INFORMATION


def agenda_data(rows, *, initial=0, prefix="tagesordnungspunkte"):
    """The agenda formset as a browser sends it: ``rows`` are dicts of field values (with ``id`` for saved ones)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def meeting_data(quartier=None, **values):
    return {
        "kind": Sitzung.Kind.EXCHANGE,
        "title": "Austausch im Mai",
        "date": "2019-05-14",
        "start_time": "10:00",
        "end_time": "12:00",
        "place": "Stadtteiltreff Kuckucksnest",
        "quartier": quartier.pk if quartier else "",
        "guests": "Kirchengemeinde St. Exempel (Vorsitz)",
        **values,
    }


def decided(sitzung, title="Flyer für das Sommerfest", **values):
    return f.TagesordnungspunktFactory(sitzung=sitzung, title=title, status=DECIDED, decision="Wird gemacht.", **values)


# --- The form and its agenda -----------------------------------------------------------------------------------


def test_a_social_worker_records_a_meeting_with_its_agenda_minutes_and_a_decision(people, kuckuck):
    gwa = people["gwa"]
    rows = [
        {"position": "1", "title": "Rückblick", "status": INFORMATION, "minutes": "Gut besucht.", "decision": ""},
        {"position": "2", "title": "Sommerfest", "status": DECIDED, "minutes": "Besprochen.", "decision": "Am 6.7."},
        {"position": "3", "title": "", "status": OPEN, "minutes": "", "decision": ""},  # left empty
    ]
    data = {**meeting_data(kuckuck, teilnehmende=[gwa.pk, people["qm"].pk]), **agenda_data(rows)}

    response = client_for(gwa).post(reverse("zusammenarbeit:sitzung-create"), data)

    sitzung = Sitzung.objects.get()
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert response.url == sitzung.get_absolute_url()
    assert sitzung.review_state == ReviewState.DRAFT
    assert set(sitzung.teilnehmende.all()) == {gwa, people["qm"]}
    assert list(sitzung.tagesordnungspunkte.values_list("title", "status", "decision")) == [
        ("Rückblick", INFORMATION, ""),
        ("Sommerfest", DECIDED, "Am 6.7."),
    ]
    page = client_for(gwa).get(sitzung.get_absolute_url()).content.decode()
    assert "Gut besucht." in page
    assert "Am 6.7." in page


def test_a_decided_item_needs_the_decision_in_words(people, kuckuck):
    rows = [{"position": "1", "title": "Sommerfest", "status": DECIDED, "minutes": "", "decision": ""}]
    data = {**meeting_data(kuckuck), **agenda_data(rows)}

    response = client_for(people["gwa"]).post(reverse("zusammenarbeit:sitzung-create"), data)

    assert response.status_code == 200
    formset = response.context["formsets"][0]
    assert formset.forms[0].errors["decision"]
    assert not Sitzung.objects.exists()


def test_staff_taking_part_must_be_able_to_see_the_meeting(people, kuckuck):
    data = {**meeting_data(kuckuck, teilnehmende=[people["gwa_nord"].pk]), **agenda_data([])}

    response = client_for(people["qm"]).post(reverse("zusammenarbeit:sitzung-create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["teilnehmende"]
    assert not Sitzung.objects.exists()


def test_guests_are_asked_for_by_organisation_or_role_never_by_residents_names(people):
    response = client_for(people["qm"]).get(reverse("zusammenarbeit:sitzung-create"))

    field = response.context["form"].fields["guests"]
    assert "never residents' names" in str(field.help_text)
    assert set(response.context["form"].fields["teilnehmende"].queryset) == {
        person for key, person in people.items() if key != "admin"
    }


# --- Minutes under the review rule -------------------------------------------------------------------------------


@pytest.fixture
def submitted_minutes(people, kuckuck):
    """Minutes written and submitted by the Kuckuck social worker (Familie und Soziales)."""
    sitzung = f.SitzungFactory(quartier=kuckuck, created_by=people["gwa"])
    decided(sitzung)
    client = client_for(people["gwa"])
    response = client.post(reverse("zusammenarbeit:sitzung-submit", args=[sitzung.pk]), {"version": sitzung.version})
    assert response.status_code == 302
    sitzung.refresh_from_db()
    assert sitzung.review_state == ReviewState.SUBMITTED
    return sitzung


def approve_as(user, sitzung):
    return client_for(user).post(
        reverse("zusammenarbeit:sitzung-review", args=[sitzung.pk]), {"decision": "approve", "version": sitzung.version}
    )


def test_minutes_cannot_be_approved_by_the_authors_own_ressort(people, kuckuck, submitted_minutes):
    colleague = f.UserFactory(role=Role.GWA, quartiere=[kuckuck])  # same Ressort, not an author

    for person in (people["gwa"], colleague):
        assert not may(person, "review", submitted_minutes)
        assert approve_as(person, submitted_minutes).status_code == 403

    submitted_minutes.refresh_from_db()
    assert submitted_minutes.review_state == ReviewState.SUBMITTED
    assert submitted_minutes.approved_at is None


def test_minutes_are_approved_by_the_other_ressort(people, submitted_minutes):
    response = approve_as(people["qm"], submitted_minutes)

    assert response.status_code == 302
    submitted_minutes.refresh_from_db()
    assert submitted_minutes.review_state == ReviewState.APPROVED
    assert submitted_minutes.approved_by == people["qm"]


def test_a_programme_meeting_is_reviewed_by_any_social_worker_when_the_coordinator_wrote_it(people):
    sitzung = f.SitzungFactory(quartier=None, kind=Sitzung.Kind.STEERING, created_by=people["qm"])
    client_for(people["qm"]).post(reverse("zusammenarbeit:sitzung-submit", args=[sitzung.pk]), {"version": 1})
    sitzung.refresh_from_db()

    assert approve_as(people["gwa_nord"], sitzung).status_code == 302
    sitzung.refresh_from_db()
    assert sitzung.review_state == ReviewState.APPROVED


def test_approved_minutes_are_final_their_agenda_is_no_longer_changed_through_the_portal(people, kuckuck):
    sitzung = f.SitzungFactory(quartier=kuckuck, approved=True)
    punkt = decided(sitzung, title="Sommerfest")
    client = client_for(people["gwa"])

    page = client.get(reverse("zusammenarbeit:sitzung-update", args=[sitzung.pk]))
    assert "data-agenda-locked" in page.content.decode()
    assert page.context["formsets"][0].forms == []
    rows = [{"id": str(punkt.pk), "position": "1", "title": "Geändert", "status": OPEN, "minutes": "", "decision": ""}]
    data = {
        **meeting_data(kuckuck, title="Neuer Titel", loaded_version=sitzung.version),
        **agenda_data(rows, initial=1),
    }
    response = client.post(reverse("zusammenarbeit:sitzung-update", args=[sitzung.pk]), data)

    assert response.status_code == 302
    punkt.refresh_from_db()
    assert (punkt.title, punkt.status) == ("Sommerfest", DECIDED)
    sitzung.refresh_from_db()
    assert sitzung.pending["title"] == "Neuer Titel"  # the meeting's own fields: a proposal, as for every entry
    assert "data-agenda-locked" in client.get(sitzung.get_absolute_url()).content.decode()


def test_an_item_with_tasks_cannot_be_removed_from_the_agenda(people, kuckuck):
    sitzung = f.SitzungFactory(quartier=kuckuck)
    punkt = decided(sitzung)
    f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"])
    row = {"id": str(punkt.pk), "position": "1", "title": punkt.title, "status": DECIDED, "minutes": ""}
    row.update(decision="Wird gemacht.", DELETE="on")
    data = {**meeting_data(kuckuck, loaded_version=sitzung.version), **agenda_data([row], initial=1)}

    response = client_for(people["gwa"]).post(reverse("zusammenarbeit:sitzung-update", args=[sitzung.pk]), data)

    assert response.status_code == 200
    assert response.context["formsets"][0].non_form_errors()
    assert Tagesordnungspunkt.objects.filter(pk=punkt.pk).exists()


# --- Preparing the next meeting ----------------------------------------------------------------------------------


@pytest.fixture
def last_meeting(people, kuckuck):
    """An exchange meeting in Kuckuck with a decided item (one task open, one done), an open and a deferred
    item, and an item for information."""
    earlier = f.SitzungFactory(quartier=kuckuck, date=datetime.date(2019, 3, 12))
    still_open = f.AufgabeFactory(
        tagesordnungspunkt=decided(earlier, title="Aus dem März"), assignee=people["qm"], title="Raum klären"
    )
    sitzung = f.SitzungFactory(quartier=kuckuck, date=datetime.date(2019, 5, 14), place="Kuckucksnest")
    sitzung.teilnehmende.set([people["gwa"], people["qm"]])
    fest = decided(sitzung, title="Sommerfest", position=1)
    f.AufgabeFactory(tagesordnungspunkt=fest, assignee=people["gwa"], title="Flyer drucken")
    f.AufgabeFactory(tagesordnungspunkt=fest, assignee=people["gwa"], title="Zelt leihen", status="erledigt")
    f.TagesordnungspunktFactory(sitzung=sitzung, title="Sprachcafé", status=OPEN, position=2)
    f.TagesordnungspunktFactory(sitzung=sitzung, title="Spielplatz", status=DEFERRED, position=3)
    f.TagesordnungspunktFactory(sitzung=sitzung, title="Berichte", status=INFORMATION, position=4)
    sitzung.earlier_task = still_open
    return sitzung


def prepare(user, sitzung, date="2019-06-11"):
    return client_for(user).post(reverse("zusammenarbeit:sitzung-prepare", args=[sitzung.pk]), {"naechste-date": date})


def test_open_tasks_and_undecided_items_carry_into_the_next_meetings_agenda(people, last_meeting):
    response = prepare(people["gwa"], last_meeting)

    new = Sitzung.objects.get(date=datetime.date(2019, 6, 11))
    assert response.status_code == 302
    assert response.url == reverse("zusammenarbeit:sitzung-update", args=[new.pk])
    assert (new.kind, new.quartier, new.previous, new.place) == (
        last_meeting.kind,
        last_meeting.quartier,
        last_meeting,
        "Kuckucksnest",
    )
    assert new.review_state == ReviewState.DRAFT
    assert set(new.teilnehmende.all()) == {people["gwa"], people["qm"]}
    first, *carried = new.tagesordnungspunkte.all()
    assert first.position == 1
    assert first.title in ("Open tasks from the last meeting", "Offene Aufgaben aus der letzten Sitzung")
    assert "Flyer drucken" in first.minutes
    assert "Raum klären" in first.minutes  # still open from the meeting before
    assert "Zelt leihen" not in first.minutes  # done
    assert [(punkt.position, punkt.title, punkt.status) for punkt in carried] == [
        (2, "Sprachcafé", OPEN),
        (3, "Spielplatz", OPEN),
    ]
    assert [punkt.carried_from.title for punkt in carried] == ["Sprachcafé", "Spielplatz"]
    assert LogEntry.objects.filter(action="zusammenarbeit.sitzung.created", object_id=str(new.pk)).count() == 1


def test_the_next_meeting_follows_up_on_the_latest_meeting_of_its_kind_before_it(people, kuckuck, last_meeting):
    other_kind = f.SitzungFactory(quartier=kuckuck, kind=Sitzung.Kind.STEERING, date=datetime.date(2019, 6, 1))
    elsewhere = f.SitzungFactory(quartier=f.QuartierFactory(slug="altstadt"), date=datetime.date(2019, 6, 2))
    older = Sitzung.objects.get(date=datetime.date(2019, 3, 12))

    new = prepare_next_meeting(older, actor=people["gwa"], date=datetime.date(2019, 7, 9))

    assert new.previous == last_meeting
    assert other_kind != new.previous != elsewhere
    assert [punkt.carried_from for punkt in new.tagesordnungspunkte.exclude(carried_from=None)] == list(
        last_meeting.tagesordnungspunkte.filter(status__in=[OPEN, DEFERRED])
    )


def test_preparing_twice_for_the_same_date_prepares_one_meeting(people, last_meeting):
    assert prepare(people["gwa"], last_meeting).status_code == 302
    again = prepare(people["gwa"], last_meeting)

    assert again.status_code == 400
    assert again.context["form"].errors["date"]
    assert Sitzung.objects.filter(date=datetime.date(2019, 6, 11)).count() == 1


def test_the_next_meeting_takes_place_after_this_one(people, last_meeting):
    response = prepare(people["gwa"], last_meeting, date="2019-05-01")

    assert response.status_code == 400
    assert response.context["form"].errors["date"]
    assert Sitzung.objects.count() == 2


def test_without_open_tasks_or_undecided_items_the_next_agenda_starts_empty(people, kuckuck):
    sitzung = f.SitzungFactory(quartier=kuckuck)
    decided(sitzung)

    new = prepare_next_meeting(sitzung, actor=people["qm"], date=sitzung.date + datetime.timedelta(days=28))

    assert not new.tagesordnungspunkte.exists()


def test_readers_cannot_prepare_a_meeting(people, last_meeting):
    assert prepare(people["familie"], last_meeting).status_code == 403
    assert client_for(people["familie"]).get(last_meeting.get_absolute_url()).context.get("next_form") is None


# --- Who sees which meeting --------------------------------------------------------------------------------------


def meeting_urls(sitzung):
    return [
        reverse(f"zusammenarbeit:sitzung-{page}", args=[sitzung.pk])
        for page in ("detail", "update", "history", "submit", "review", "prepare")
    ]


def test_a_social_worker_of_another_quarter_gets_a_404_for_a_quarter_meeting(people, kuckuck):
    sitzung = f.SitzungFactory(quartier=kuckuck, title="Austausch Kuckuck")
    client = client_for(people["gwa_nord"])

    for url in meeting_urls(sitzung):
        assert client.get(url).status_code == 404, url
    assert "Austausch Kuckuck" not in client.get(reverse("zusammenarbeit:sitzung-list")).content.decode()


def test_everyone_sees_the_meetings_of_the_whole_programme(people):
    sitzung = f.SitzungFactory(quartier=None, kind=Sitzung.Kind.STEERING, title="Steuerungsrunde Frühjahr")

    for role in ("gwa_nord", "gwa", "familie", "leitung", "qm"):
        client = client_for(people[role])
        page = client.get(sitzung.get_absolute_url())
        assert page.status_code == 200, role
        assert dict(page.context["fields"])[Sitzung._meta.get_field("quartier").verbose_name] in (
            "Whole programme (all quarters)",
            "Gesamtes Programm (alle Quartiere)",
        )
        assert "Steuerungsrunde Frühjahr" in client.get(reverse("zusammenarbeit:sitzung-list")).content.decode()
    assert may(people["gwa_nord"], "change", sitzung)
    assert not may(people["familie"], "change", sitzung)


def test_the_meeting_list_filters_by_kind_and_quarter(people, kuckuck, nordstadt):
    f.SitzungFactory(quartier=kuckuck, title="Austausch Kuckuck")
    f.SitzungFactory(quartier=nordstadt, title="Austausch Nordstadt")
    f.SitzungFactory(quartier=None, kind=Sitzung.Kind.STEERING, title="Steuerungsrunde")
    client = client_for(people["qm"])

    steering = client.get(reverse("zusammenarbeit:sitzung-list"), {"kind": Sitzung.Kind.STEERING})
    nord = client.get(reverse("zusammenarbeit:sitzung-list"), {"quartier": nordstadt.pk})

    assert [sitzung.title for sitzung in steering.context["object_list"]] == ["Steuerungsrunde"]
    # A quarter's meetings are its own and those of the whole programme.
    assert {sitzung.title for sitzung in nord.context["object_list"]} == {"Austausch Nordstadt", "Steuerungsrunde"}


# --- Constant queries --------------------------------------------------------------------------------------------


def count_queries(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def fill_meetings(count, quartier):
    for _ in range(count):
        sitzung = f.SitzungFactory(quartier=quartier)
        decided(sitzung)


def fill_meeting(sitzung, count, people):
    """``count`` agenda items, each decided with a task, plus attachments and participants."""
    for _ in range(count):
        punkt = decided(sitzung, title="Punkt")
        f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"])
        f.TagesordnungspunktFactory(sitzung=sitzung, carried_from=punkt)
        sitzung.anlagen.create(file=f"sitzungen/{sitzung.pk}/x/protokoll.pdf", size=10, uploaded_by=people["qm"])
        sitzung.teilnehmende.add(f.UserFactory(role=Role.GWA))


# Session, user and their quarters (not for the coordinator, who covers all); the count, the page of meetings;
# the unread count in the header; the quarter filter's choices.
LIST_QUERIES = 7
# Session, user and their quarters; the meeting (with quarter, authors and the meeting it follows up on); its
# participants; the agenda items (with their origin), their tasks (with assignee and links), the attachments, the
# meetings following; the unread count in the header; the task form's choices: decided items (read twice by the
# select), staff who may see the meeting, measures, meeting points, quarters; the comments.
DETAIL_QUERIES = 17


@pytest.mark.usefixtures("computed_not_remembered")
@pytest.mark.parametrize("role", ["gwa", "qm"])
def test_the_meeting_list_needs_the_same_queries_for_3_and_30_meetings(people, kuckuck, role):
    client = client_for(people[role])
    url = reverse("zusammenarbeit:sitzung-list")
    fill_meetings(3, kuckuck)
    few = count_queries(client, url)
    fill_meetings(27, kuckuck)
    many = count_queries(client, url)

    assert len(few) == len(many) == LIST_QUERIES - (role == "qm"), "\n".join(many)


def test_the_meeting_page_needs_the_same_queries_for_3_and_30_items_tasks_and_attachments(people, kuckuck):
    sitzung = f.SitzungFactory(quartier=kuckuck, previous=f.SitzungFactory(quartier=kuckuck))
    client = client_for(people["gwa"])
    fill_meeting(sitzung, 3, people)
    few = count_queries(client, sitzung.get_absolute_url())
    fill_meeting(sitzung, 27, people)
    many = count_queries(client, sitzung.get_absolute_url())

    assert len(few) == len(many) == DETAIL_QUERIES, "\n".join(many)
    assert Aufgabe.objects.filter(tagesordnungspunkt__sitzung=sitzung).count() == 30


# --- The minutes are written in the agenda items: who writes them is an author, and their edits are versions ---


def minutes_payload(sitzung, punkt, minutes, version):
    data = meeting_data(sitzung.quartier)
    data["teilnehmende"] = []
    data["loaded_version"] = str(version)
    row = {"id": str(punkt.pk), "position": "1", "title": punkt.title, "status": "offen", "minutes": minutes}
    data.update(agenda_data([{**row, "decision": ""}], initial=1))
    return data


@pytest.fixture
def meeting_with_an_item(people, kuckuck):
    rows = [{"position": "1", "title": "Rückblick", "status": "offen", "minutes": "", "decision": ""}]
    response = client_for(people["qm"]).post(
        reverse("zusammenarbeit:sitzung-create"), {**meeting_data(kuckuck), **agenda_data(rows)}
    )
    assert response.status_code == 302
    sitzung = Sitzung.objects.get()
    return sitzung, sitzung.tagesordnungspunkte.get()


def test_who_wrote_only_the_minutes_does_not_approve_them(people, meeting_with_an_item):
    sitzung, punkt = meeting_with_an_item
    url = reverse("zusammenarbeit:sitzung-update", args=[sitzung.pk])
    response = client_for(people["gwa"]).post(url, minutes_payload(sitzung, punkt, "Von der GWA", sitzung.version))
    assert response.status_code == 302

    sitzung = submit_for_review(Sitzung.objects.get(pk=sitzung.pk), actor=people["qm"])

    assert not may(people["gwa"], "review", Sitzung.objects.get(pk=sitzung.pk))
    with pytest.raises(ReviewError):
        approve(Sitzung.objects.get(pk=sitzung.pk), actor=people["gwa"])


def test_a_stale_save_of_the_minutes_is_refused_and_names_the_change(people, meeting_with_an_item):
    sitzung, punkt = meeting_with_an_item
    url = reverse("zusammenarbeit:sitzung-update", args=[sitzung.pk])
    loaded = sitzung.version
    first = client_for(people["gwa"]).post(url, minutes_payload(sitzung, punkt, "Erste Fassung", loaded))
    second = client_for(people["qm"]).post(url, minutes_payload(sitzung, punkt, "Zweite Fassung", loaded))

    assert first.status_code == 302
    assert second.status_code == 409
    punkt.refresh_from_db()
    assert punkt.minutes == "Erste Fassung"


def test_two_clicks_at_the_same_moment_prepare_one_next_meeting(people, kuckuck, monkeypatch):
    from zusammenarbeit import services

    sitzung = f.SitzungFactory(quartier=kuckuck, created_by=people["qm"])
    next_date = sitzung.date + datetime.timedelta(weeks=4)
    looked_up = services.last_meeting_before

    def the_other_click_wins(*args):
        # The other request passed the same check and saved first.
        f.SitzungFactory(quartier=kuckuck, kind=sitzung.kind, date=next_date)
        return looked_up(*args)

    monkeypatch.setattr(services, "last_meeting_before", the_other_click_wins)
    # The database refuses the second meeting; the person is told so, as after a click that came later.
    with pytest.raises(ReviewError, match="bereits"):
        prepare_next_meeting(sitzung, actor=people["qm"], date=next_date)
