"""Progress updates (Sachstand): recorded without review by those who may edit the measure, at any review state;
the measure's progress follows the latest update, and nothing of its review changes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hameln_quartiere.models import LogEntry, ReviewState
from hameln_quartiere.rules import may
from hameln_quartiere.services import ReviewError
from handlungskonzepte.models import Massnahme, Sachstand
from handlungskonzepte.services import record_progress
from tests import factories as f
from tests.handlungskonzepte.conftest import client_for

TODAY = timezone.localdate()


@pytest.fixture
def massnahme(konzept):
    return f.MassnahmeFactory(handlungskonzept=konzept, title="Sprachcafé aufbauen", progress=10)


def progress_url(massnahme):
    return reverse("handlungskonzepte:massnahme-progress", args=[massnahme.pk])


def test_an_update_sets_the_measures_progress_and_is_logged(people, massnahme):
    sachstand = record_progress(massnahme, actor=people["gwa"], date=TODAY, text="Erste Treffen", progress=40)

    massnahme.refresh_from_db()
    assert massnahme.progress == 40
    assert sachstand.author == people["gwa"]
    entry = LogEntry.objects.get(action="handlungskonzepte.massnahme.progress")
    assert entry.object_id == str(massnahme.pk)
    assert entry.actor == people["gwa"]
    assert entry.data["changes"] == {"progress": ["10", "40"]}
    assert entry.data["sachstand"] == sachstand.pk


def test_an_older_update_entered_later_does_not_turn_the_progress_back(people, massnahme):
    record_progress(massnahme, actor=people["qm"], date=TODAY, text="Aktuell", progress=60)
    record_progress(
        massnahme, actor=people["qm"], date=TODAY - datetime.timedelta(days=30), text="Nachgetragen", progress=20
    )

    massnahme.refresh_from_db()
    assert massnahme.progress == 60
    assert massnahme.sachstaende.count() == 2


def test_an_update_changes_neither_version_nor_proposal_nor_review_state(people, konzept):
    massnahme = f.MassnahmeFactory(
        handlungskonzept=konzept, approved=True, review_state=ReviewState.SUBMITTED, pending={"title": "Neu"}
    )
    before = Massnahme.objects.get(pk=massnahme.pk)

    record_progress(massnahme, actor=people["qm"], date=TODAY, text="Weiter so", progress=55)

    after = Massnahme.objects.get(pk=massnahme.pk)
    assert after.progress == 55
    assert after.version == before.version
    assert after.pending == {"title": "Neu"}
    assert after.review_state == ReviewState.SUBMITTED
    assert after.approved_at == before.approved_at
    assert after.title == before.title


@pytest.mark.parametrize(
    ("person", "allowed"),
    [("qm", True), ("gwa", True), ("admin", True), ("gwa_other", False), ("familie", False), ("leitung", False)],
)
def test_who_may_record_progress(people, massnahme, person, allowed):
    assert may(people[person], "record_progress", massnahme) is allowed
    if not allowed:
        with pytest.raises(ReviewError):
            record_progress(massnahme, actor=people[person], date=TODAY, text="x", progress=50)
        assert not Sachstand.objects.exists()


def test_an_update_in_the_future_is_refused_and_nothing_is_written(people, massnahme):
    with pytest.raises(ValidationError):
        record_progress(massnahme, actor=people["qm"], date=TODAY + datetime.timedelta(days=1), text="x", progress=5)
    massnahme.refresh_from_db()
    assert massnahme.progress == 10
    assert not Sachstand.objects.exists()
    assert not LogEntry.objects.filter(action="handlungskonzepte.massnahme.progress").exists()


@pytest.mark.parametrize(
    ("person", "state", "status"),
    [
        ("qm", ReviewState.DRAFT, 302),
        ("qm", ReviewState.SUBMITTED, 302),
        ("qm", ReviewState.APPROVED, 302),
        ("gwa", ReviewState.SUBMITTED, 302),
        ("gwa", ReviewState.RETURNED, 302),
        ("admin", ReviewState.DRAFT, 302),
        ("gwa_other", ReviewState.DRAFT, 404),
        ("familie", ReviewState.DRAFT, 403),
        ("leitung", ReviewState.DRAFT, 403),
    ],
)
def test_progress_updates_over_http_by_role_and_review_state(people, konzept, person, state, status):
    massnahme = f.MassnahmeFactory(handlungskonzept=konzept, review_state=state)
    data = {"date": TODAY.isoformat(), "progress": "35", "text": "Gut besucht"}

    response = client_for(people[person]).post(progress_url(massnahme), data)

    assert response.status_code == status
    massnahme.refresh_from_db()
    if status == 302:
        assert response["Location"] == f"{massnahme.get_absolute_url()}#progress"
        assert massnahme.progress == 35
        assert massnahme.sachstaende.get().text == "Gut besucht"
    else:
        assert massnahme.progress == 0
        assert not massnahme.sachstaende.exists()


def test_anonymous_people_are_sent_to_the_login(client, massnahme):
    response = client.post(progress_url(massnahme), {"date": TODAY.isoformat(), "progress": "35", "text": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_progress_address_takes_no_get(people, massnahme):
    assert client_for(people["qm"]).get(progress_url(massnahme)).status_code == 405


def test_invalid_input_shows_the_measure_again_with_errors_and_keeps_the_input(people, massnahme):
    data = {"date": (TODAY + datetime.timedelta(days=3)).isoformat(), "progress": "120", "text": "Mein Bericht"}

    response = client_for(people["gwa"]).post(progress_url(massnahme), data)

    assert response.status_code == 400
    form = response.context["sachstand_form"]
    assert set(form.errors) == {"date", "progress"}
    assert "Mein Bericht" in response.content.decode()
    assert not Sachstand.objects.exists()


@pytest.mark.parametrize(("person", "shown"), [("qm", True), ("gwa", True), ("familie", False), ("leitung", False)])
def test_the_update_form_is_offered_only_to_those_who_may_record(people, massnahme, person, shown):
    response = client_for(people[person]).get(massnahme.get_absolute_url())
    assert (progress_url(massnahme) in response.content.decode()) is shown


def test_the_timeline_lists_updates_newest_first_with_author(people, massnahme):
    record_progress(
        massnahme, actor=people["gwa"], date=TODAY - datetime.timedelta(days=9), text="Erste Runde", progress=5
    )
    record_progress(massnahme, actor=people["qm"], date=TODAY, text="Halbzeit", progress=50)

    response = client_for(people["familie"]).get(massnahme.get_absolute_url())

    html = response.content.decode()
    assert html.index("Halbzeit") < html.index("Erste Runde")
    assert str(people["qm"]) in html
    assert [s.text for s in response.context["sachstaende"]] == ["Halbzeit", "Erste Runde"]
