"""The portal's start page per role: my review queue, my tasks, my submissions, stale entries, my quarters' numbers,
in a constant number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hameln_quartiere.dashboard import attendance_trend, month_start, previous_month_start
from hameln_quartiere.models import ReviewState
from handlungskonzepte.models import Handlungskonzept, Massnahme
from tests import factories as f
from tests.portal.conftest import ENTRY_FACTORIES, make_entry
from treffpunkte.models import Angebot, Treffpunkt

KINDS = list(ENTRY_FACTORIES)


def start_page(user):
    client = Client()
    client.force_login(user)
    with translation.override("en"):
        response = client.get(reverse("portal"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def set_times(entry, **times):
    """Set ``updated_at`` or ``submitted_at`` as if it happened then (``updated_at`` is otherwise automatic)."""
    type(entry).objects.filter(pk=entry.pk).update(**times)


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def titles(rows):
    return [row.title for row in rows]


def block(response, name):
    content = response.content.decode()
    start = content.index(f'data-block="{name}"')
    return content[start : content.index("</section>", start)]


# --- My review queue --------------------------------------------------------------------------------------------


def test_the_queue_shows_the_count_and_the_five_oldest_submissions_in_my_quarters(people, kuckuck, nordstadt):
    entries = [make_entry(kind, kuckuck, ReviewState.SUBMITTED, author=people["qm"]) for kind in KINDS]
    for age, entry in enumerate(entries):
        set_times(entry, submitted_at=days_ago(10 - age))
    make_entry("angebot", nordstadt, ReviewState.SUBMITTED, author=people["qm"])
    make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa"])  # own Ressort: not for GWA

    response = start_page(people["gwa"])

    assert response.context["blocks"].queue.count == len(KINDS)
    assert titles(response.context["blocks"].queue.rows) == [
        getattr(entry, "title", None) or entry.name for entry in entries[:5]
    ]
    queue = block(response, "queue")
    assert re.search(rf"data-queue-count>\s*{len(KINDS)}\s*<", queue)
    oldest = entries[0]
    assert reverse(f"{oldest._meta.app_label}:{oldest._meta.model_name}-review", args=[oldest.pk]) in queue
    assert reverse("review-queue") in queue


def test_readers_have_no_review_queue_tasks_or_submissions(people, kuckuck):
    make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=people["qm"])

    for role in ("familie", "leitung"):
        response = start_page(people[role])

        assert response.context["blocks"].read_only is True
        assert response.context["blocks"].queue.rows == []
        assert response.context["blocks"].tasks.rows == []
        assert 'data-block="queue"' not in response.content.decode()
        assert 'data-block="tasks"' not in response.content.decode()
        assert "You read and comment on the entries of your quarters" in response.content.decode()


# --- My open tasks and my submissions ---------------------------------------------------------------------------


def test_my_tasks_are_my_drafts_and_entries_returned_to_me_longest_waiting_first(people, kuckuck):
    gwa = people["gwa"]
    returned = make_entry("massnahme", kuckuck, ReviewState.RETURNED, author=gwa)
    draft = make_entry("angebot", kuckuck, ReviewState.DRAFT, author=gwa)
    set_times(returned, updated_at=days_ago(3))
    set_times(draft, updated_at=days_ago(5))
    make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=gwa)  # waits for the reviewer, not for me
    make_entry("angebot", kuckuck, ReviewState.DRAFT, author=people["qm"])  # someone else's draft

    response = start_page(gwa)

    assert response.context["blocks"].tasks.count == 2
    assert titles(response.context["blocks"].tasks.rows) == [draft.title, returned.title]
    tasks = block(response, "tasks")
    assert draft.get_absolute_url() in tasks
    assert "Returned for revision" in tasks


def test_my_submissions_show_the_latest_five_with_their_state(people, kuckuck):
    gwa = people["gwa"]
    entries = [make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=gwa) for _ in range(6)]
    for age, entry in enumerate(entries):
        set_times(entry, submitted_at=days_ago(age))
    make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=people["qm"])

    response = start_page(gwa)

    assert titles(response.context["blocks"].submissions) == [entry.title for entry in entries[:5]]
    submissions = block(response, "submissions")
    assert "Submitted" in submissions
    assert reverse("my-submissions") in submissions


# --- Stale entries ----------------------------------------------------------------------------------------------


def test_stale_entries_are_those_i_may_change_not_updated_for_the_threshold(people, kuckuck, nordstadt, settings):
    settings.STALE_AFTER_DAYS = 30
    old_point = f.TreffpunktFactory(quartier=kuckuck, name="Alter Treffpunkt")
    older_measure = make_entry("massnahme", kuckuck)
    concept = f.HandlungskonzeptFactory(quartier=kuckuck)  # the coordinator's: GWA may not change it
    under_review = make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=people["qm"])
    elsewhere = f.TreffpunktFactory(quartier=nordstadt)
    fresh = f.TreffpunktFactory(quartier=kuckuck)
    set_times(old_point, updated_at=days_ago(31))
    set_times(older_measure, updated_at=days_ago(40))
    for entry in (concept, under_review, elsewhere):
        set_times(entry, updated_at=days_ago(100))
    set_times(fresh, updated_at=days_ago(29))

    response = start_page(people["gwa"])

    assert response.context["blocks"].stale.count == 2
    assert titles(response.context["blocks"].stale.rows) == [older_measure.title, old_point.name]
    stale = block(response, "stale")
    assert "more than 30 days" in stale
    assert reverse("treffpunkte:treffpunkt-update", args=[old_point.pk]) in stale


def test_finished_entries_are_not_stale(people, kuckuck):
    closed = f.TreffpunktFactory(quartier=kuckuck, status=Treffpunkt.Status.CLOSED)
    completed = make_entry("massnahme", kuckuck)
    Massnahme.objects.filter(pk=completed.pk).update(status=Massnahme.Status.DONE)
    running = make_entry("massnahme", kuckuck)
    for entry in (closed, completed, running):
        set_times(entry, updated_at=days_ago(200))

    response = start_page(people["qm"])

    assert titles(response.context["blocks"].stale.rows) == [running.title]


def test_readers_see_stale_entries_of_their_quarters_without_a_call_to_edit(people, kuckuck, nordstadt):
    concept = f.HandlungskonzeptFactory(quartier=kuckuck)
    elsewhere = f.HandlungskonzeptFactory(quartier=nordstadt)
    for entry in (concept, elsewhere):
        set_times(entry, updated_at=days_ago(200))

    response = start_page(people["familie"])

    assert titles(response.context["blocks"].stale.rows) == [concept.title]
    stale = block(response, "stale")
    assert "Entries in your quarters that nobody has updated for more than 90 days" in stale
    assert concept.get_absolute_url() in stale
    assert "/bearbeiten/" not in stale
    assert "Update" not in stale


# --- The numbers of my quarters ---------------------------------------------------------------------------------


def test_the_numbers_count_meeting_points_offers_attendance_and_measures_per_quarter(people, kuckuck, nordstadt):
    today = timezone.localdate()
    this_month, last_month = month_start(today), previous_month_start(month_start(today))
    active_point = f.TreffpunktFactory(quartier=kuckuck, status=Treffpunkt.Status.ACTIVE)
    f.TreffpunktFactory(quartier=kuckuck, status=Treffpunkt.Status.PLANNED)
    f.TreffpunktFactory(quartier=nordstadt, status=Treffpunkt.Status.ACTIVE)
    approved = f.AngebotFactory(treffpunkt=active_point, approved=True)
    draft = f.AngebotFactory(treffpunkt=active_point)
    f.TeilnahmeFactory(angebot=approved, date=this_month, participants=12)
    f.TeilnahmeFactory(angebot=draft, date=this_month, participants=3)
    f.TeilnahmeFactory(angebot=approved, date=last_month, participants=20)
    f.TeilnahmeFactory(angebot=approved, date=last_month - datetime.timedelta(days=1), participants=99)
    concept = f.HandlungskonzeptFactory(quartier=kuckuck)
    f.MassnahmeFactory(handlungskonzept=concept, status=Massnahme.Status.RUNNING)
    f.MassnahmeFactory(handlungskonzept=concept, status=Massnahme.Status.RUNNING)
    f.MassnahmeFactory(handlungskonzept=concept, status=Massnahme.Status.DONE)

    response = start_page(people["gwa"])

    numbers = response.context["blocks"].numbers
    (row,) = numbers["rows"]
    statuses = Treffpunkt.Status.values
    assert row["name"] == "Kuckuck"
    assert row["treffpunkte"][statuses.index("aktiv")] == 1
    assert row["treffpunkte"][statuses.index("geplant")] == 1
    assert row["treffpunkte_total"] == 2
    assert row["angebote_active"] == 1
    assert (row["this_month"], row["last_month"]) == (15, 20)
    assert row["trend"] == "5 fewer than last month"
    measure_statuses = Massnahme.Status.values
    assert row["massnahmen"][measure_statuses.index("laufend")] == 2
    assert row["massnahmen"][measure_statuses.index("abgeschlossen")] == 1
    assert row["massnahmen_total"] == 3
    content = block(response, "numbers")
    assert "5 fewer than last month" in content
    assert f"Participants in {this_month:%B %Y} so far" in content


def test_the_coordinator_sees_every_quarter_and_a_total(people, kuckuck, nordstadt):
    f.TreffpunktFactory(quartier=kuckuck)
    f.TreffpunktFactory(quartier=nordstadt)

    response = start_page(people["qm"])

    rows = response.context["blocks"].numbers["rows"]
    assert [row["name"] for row in rows] == ["Kuckuck", "Nordstadt", "All my quarters"]
    assert [row["treffpunkte_total"] for row in rows] == [1, 1, 2]
    assert rows[-1]["quartier"] is None


def test_each_quarter_row_links_to_the_quarter_page(people, kuckuck):
    content = block(start_page(people["gwa"]), "numbers")

    assert content.count(f'href="{reverse("quartiere:quartier-detail", args=[kuckuck.slug])}"') == 3


def test_a_social_worker_without_quarters_is_told_there_are_no_numbers(db):
    response = start_page(f.UserFactory(role="gwa"))

    assert response.context["blocks"].numbers["rows"] == []
    assert "No quarters assigned yet, so there are no numbers to show." in block(response, "numbers")


@pytest.mark.parametrize(
    ("this_month", "last_month", "words"),
    [
        (12, 7, "5 more than last month"),
        (7, 12, "5 fewer than last month"),
        (4, 4, "the same as last month"),
        (0, 0, "no attendance recorded"),
    ],
)
def test_the_attendance_trend_is_said_in_words(this_month, last_month, words):
    with translation.override("en"):
        assert attendance_trend(this_month, last_month) == words


# --- Constant queries -------------------------------------------------------------------------------------------


def fill(count, quartier, people):
    """``count`` entries of each kind for each block of the page, plus attendance and measures."""
    today = timezone.localdate()
    for kind in KINDS * count:
        make_entry(kind, quartier, ReviewState.SUBMITTED, author=people["qm"])  # GWA's queue
        make_entry(kind, quartier, ReviewState.SUBMITTED, author=people["gwa"])  # QM's queue, GWA's submissions
        make_entry(kind, quartier, ReviewState.RETURNED, author=people["gwa"])  # GWA's tasks
        stale = make_entry(kind, quartier, ReviewState.DRAFT, author=people["qm"])  # QM's tasks
        set_times(stale, updated_at=days_ago(365))
    for _ in range(count):
        angebot = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=quartier), approved=True)
        f.TeilnahmeFactory(angebot=angebot, date=month_start(today))
        f.TeilnahmeFactory(angebot=angebot, date=previous_month_start(month_start(today)))
        make_entry("massnahme", quartier)


def measure(user):
    client = Client()
    client.force_login(user)
    assert client.get(reverse("portal")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal"))
    assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


# Session, user; the quarters (their ids are taken from the same list); the review queue's count and its five
# oldest (a UNION ALL over the content models each); my tasks' count and oldest five; my latest submissions;
# the stale entries' count and oldest ten; four grouped counts for the numbers (meeting points, offers,
# attendance, measures); the count of my open tasks from meetings (and, when there are any, the first of them:
# see test_the_meeting_tasks_block_needs_the_same_queries_for_3_and_30_tasks); the unread count in the header.
EDITOR_QUERIES = 16
# Readers have no queue, drafts or submissions; tasks from meetings they may have.
READER_QUERIES = 11


@pytest.mark.usefixtures("computed_not_remembered")
@pytest.mark.parametrize(
    ("role", "expected"),
    [("gwa", EDITOR_QUERIES), ("qm", EDITOR_QUERIES), ("familie", READER_QUERIES), ("leitung", READER_QUERIES)],
)
def test_the_start_page_needs_the_same_queries_for_3_and_30_entries_of_each_kind(
    people, kuckuck, nordstadt, role, expected, django_assert_max_num_queries
):
    fill(3, kuckuck, people)
    few_response, few = measure(people[role])

    fill(30, kuckuck, people)
    fill(3, nordstadt, people)
    many_response, many = measure(people[role])

    assert len(many) == len(few), "\n".join(["--- few:", *few, "--- many:", *many])
    assert len(many) == expected, "\n".join(many)
    assert many_response.context["blocks"].stale.count > few_response.context["blocks"].stale.count > 0
    if role in ("gwa", "qm"):
        assert many_response.context["blocks"].queue.count > few_response.context["blocks"].queue.count > 0
        assert many_response.context["blocks"].tasks.count > few_response.context["blocks"].tasks.count > 0
        assert len(many_response.context["blocks"].queue.rows) == 5


def test_no_handlungskonzept_is_editable_by_gwa_so_none_is_stale_for_them(people, kuckuck):
    concept = make_entry("handlungskonzept", kuckuck)
    set_times(concept, updated_at=days_ago(365))

    assert Handlungskonzept.objects.filter(pk=concept.pk).exists()
    assert start_page(people["gwa"]).context["blocks"].stale.count == 0
    assert start_page(people["qm"]).context["blocks"].stale.count == 1


def test_an_angebot_in_the_queue_links_to_its_review_page(people, kuckuck):
    angebot = make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa"])

    (row,) = start_page(people["qm"]).context["blocks"].queue.rows

    assert row.model is Angebot
    assert row.review_url == reverse("treffpunkte:angebot-review", args=[angebot.pk])
    assert row.quartier == "Kuckuck"


# --- My tasks from meetings -------------------------------------------------------------------------------------


def decided_item(quartier):
    sitzung = f.SitzungFactory(quartier=quartier)
    return f.TagesordnungspunktFactory(sitzung=sitzung, status="beschlossen", decision="So wird es gemacht.")


def test_my_open_tasks_from_meetings_come_earliest_due_first_and_overdue_ones_say_so_in_words(people, kuckuck):
    gwa = people["gwa"]
    today = timezone.localdate()
    punkt = decided_item(kuckuck)
    overdue = f.AufgabeFactory(
        assignee=gwa, tagesordnungspunkt=punkt, title="Flyer drucken", due=today - datetime.timedelta(days=2)
    )
    later = f.AufgabeFactory(
        assignee=gwa, tagesordnungspunkt=punkt, title="Raum buchen", due=today + datetime.timedelta(days=7)
    )
    f.AufgabeFactory(assignee=gwa, tagesordnungspunkt=punkt, title="Schon erledigt", status="erledigt")
    f.AufgabeFactory(assignee=people["qm"], tagesordnungspunkt=punkt, title="Nicht meine")

    response = start_page(gwa)

    tasks = response.context["blocks"].open_tasks
    assert (tasks.count, tasks.overdue) == (2, 1)
    assert [aufgabe.title for aufgabe in tasks.rows] == ["Flyer drucken", "Raum buchen"]
    content = block(response, "aufgaben")
    assert "One of them is overdue." in content
    overdue_row, later_row = content.split("data-aufgabe=")[1:]
    assert "Overdue" in overdue_row
    assert "Overdue" not in later_row
    assert f"{punkt.sitzung.get_absolute_url()}#aufgabe-{overdue.pk}" in overdue_row
    assert reverse("zusammenarbeit:aufgabe-done", args=[later.pk]) in later_row
    assert "Schon erledigt" not in content
    assert "Nicht meine" not in content
    assert reverse("zusammenarbeit:aufgabe-list") in content


def test_readers_see_the_tasks_given_to_them_too(people, kuckuck):
    f.AufgabeFactory(assignee=people["familie"], tagesordnungspunkt=decided_item(kuckuck), title="Elternbrief")

    response = start_page(people["familie"])

    assert response.context["blocks"].read_only is True
    assert "Elternbrief" in block(response, "aufgaben")


def test_without_open_tasks_the_block_says_so(people):
    assert "No open tasks from meetings." in block(start_page(people["gwa"]), "aufgaben")


@pytest.mark.usefixtures("computed_not_remembered")
@pytest.mark.parametrize(("role", "expected"), [("gwa", EDITOR_QUERIES + 1), ("familie", READER_QUERIES + 1)])
def test_the_meeting_tasks_block_needs_the_same_queries_for_3_and_30_tasks(people, kuckuck, role, expected):
    person = people[role]
    today = timezone.localdate()

    def give(count):
        for day in range(count):
            f.AufgabeFactory(
                assignee=person, tagesordnungspunkt=decided_item(kuckuck), due=today + datetime.timedelta(days=day - 2)
            )

    fill(3, kuckuck, people)
    give(3)
    _few_response, few = measure(person)
    give(30)
    many_response, many = measure(person)

    assert len(many) == len(few) == expected, "\n".join(many)
    assert many_response.context["blocks"].open_tasks.count == 33
    assert len(many_response.context["blocks"].open_tasks.rows) == 10
