"""Query counts of the queue, decision, history and inbox pages are pinned and do not grow with the number of
entries.

Each test measures a page with a few rows, adds many more, and checks that the count stays the same; then it pins
the count with ``django_assert_max_num_queries`` so that an added query shows up here. Every request of a logged-in
person starts with the same two: the session and the user.
"""

import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hameln_quartiere.models import Comment, LogEntry, Notification, ReviewState
from hameln_quartiere.services import log
from tests import factories as f
from tests.review.conftest import ENTRY_FACTORIES, make_entry
from treffpunkte.models import Angebot

# What computing each page costs, not what the cache answers (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("computed_not_remembered")

FEW = 3
MANY = 30
KINDS = list(ENTRY_FACTORIES)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def measure(client, url):
    """The queries of one GET of ``url``, after a first GET that fills the caches (content types, templates)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def assert_same_count(few, many):
    assert len(many) == len(few), "\n".join(["--- few:", *few, "--- many:", *many])


def submitted_entries(count, quartier, author):
    """``count`` submitted entries of every kind in turn."""
    return [
        make_entry(kind, quartier, ReviewState.SUBMITTED, author=author)
        for kind in itertools.islice(itertools.cycle(KINDS), count)
    ]


def test_the_review_queue_needs_the_same_queries_for_few_and_many_entries(
    people, kuckuck, nordstadt, django_assert_max_num_queries
):
    client = client_for(people["qm"])
    url = reverse("review-queue")
    submitted_entries(FEW, kuckuck, people["gwa"])
    few = measure(client, url)

    submitted_entries(MANY // 2, kuckuck, people["gwa"])
    submitted_entries(MANY // 2, nordstadt, people["gwa_other"])
    many = measure(client, url)

    assert_same_count(few, many)
    # 14: session, user; one count of all kinds (a UNION); one SELECT per content model (9: Angebot, Befund,
    # Handlungskonzept, Jahresziel, Maßnahme, Praxisbeispiel, Sitzung, Treffpunkt, Ziel, each with its quarter and
    # submitter joined and limited to the page); the unread count for the header; the quarters of the filter form.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.context["total"] == FEW + MANY


def test_a_social_workers_review_queue_needs_the_same_queries_for_few_and_many_entries(
    people, kuckuck, nordstadt, django_assert_max_num_queries
):
    client = client_for(people["gwa"])
    url = reverse("review-queue")
    submitted_entries(FEW, kuckuck, people["qm"])
    few = measure(client, url)

    submitted_entries(MANY, kuckuck, people["qm"])
    submitted_entries(MANY, nordstadt, people["qm"])
    many = measure(client, url)

    assert_same_count(few, many)
    # 15: the 14 of the coordinator's queue plus the ids of the social worker's quarters.
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.context["total"] == FEW + MANY


@pytest.mark.parametrize(("page", "viewer"), [("review-queue", "qm"), ("my-submissions", "gwa")])
def test_the_cross_entry_pages_fetch_only_one_page_of_entries(people, kuckuck, page, viewer):
    """Both pages show 50 entries a page; they should not read every submitted entry to show the first page."""
    client = client_for(people[viewer])
    submitted_entries(60, kuckuck, people["gwa"])

    queries = measure(client, reverse(page))

    entry_selects = [sql for sql in queries if '"review_state"' in sql and '"submitted_at"' in sql]
    assert len(entry_selects) == len(KINDS)
    unbounded = [sql.split(" FROM ")[1].split()[0] for sql in entry_selects if " LIMIT " not in sql]
    assert unbounded == [], "every submitted entry is read for one page"


def test_the_filtered_review_queue_needs_the_same_queries_for_few_and_many_entries(
    people, kuckuck, nordstadt, django_assert_max_num_queries
):
    client = client_for(people["qm"])
    url = f"{reverse('review-queue')}?kind=treffpunkte.angebot&quartier={kuckuck.pk}"
    submitted_entries(FEW * len(KINDS), kuckuck, people["gwa"])
    few = measure(client, url)

    submitted_entries(MANY, kuckuck, people["gwa"])
    submitted_entries(MANY, nordstadt, people["gwa_other"])
    many = measure(client, url)

    assert_same_count(few, many)
    # 7: session, user, the chosen quarter (filter form), the count and the page of offers only, the unread
    # count, the filter's quarters.
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert {type(entry) for entry in response.context["entries"]} == {Angebot}
    assert response.context["total"] == FEW + MANY // len(KINDS) + 1


def angebot_with_pending_change(quartier, author, count):
    """An approved offer with ``count`` target groups and languages, and a proposed change to both."""
    zielgruppen = [f.ZielgruppeFactory(name=f"Zielgruppe {n}") for n in range(count * 2)]
    sprachen = [f.SpracheFactory(code=f"s{n}", name=f"Sprache {n}") for n in range(count * 2)]
    entry = make_entry("angebot", quartier, ReviewState.SUBMITTED, author=author, live=True)
    entry.zielgruppen.set(zielgruppen[:count])
    entry.sprachen.set(sprachen[:count])
    entry.pending = {
        "title": f"{entry.title} (neu)",
        "zielgruppen": sorted(z.pk for z in zielgruppen[count:]),
        "sprachen": sorted(s.pk for s in sprachen[count:]),
        "kategorie": f.KategorieFactory(name="Beratung").pk,
    }
    entry.save()
    return entry


def test_the_review_decision_page_needs_the_same_queries_for_few_and_many_related_values(
    people, kuckuck, django_assert_max_num_queries
):
    client = client_for(people["qm"])
    small = angebot_with_pending_change(kuckuck, people["gwa"], FEW)
    few = measure(client, reverse("treffpunkte:angebot-review", args=[small.pk]))

    large = angebot_with_pending_change(kuckuck, people["gwa"], MANY)
    submitted_entries(MANY, kuckuck, people["gwa"])
    url = reverse("treffpunkte:angebot-review", args=[large.pk])
    many = measure(client, url)

    assert_same_count(few, many)
    # 12: session, user; the offer with quarter, meeting point, category and people joined; its target groups and
    # languages (prefetch); proposal_diff reloads the offer and then reads its quarter, meeting point and category
    # one query each (the reloaded copy has nothing joined), and the proposed target groups and languages; the
    # unread count.
    with django_assert_max_num_queries(12):
        response = client.get(url)
    changed = {row.name for row in response.context["diff"] if row.changed}
    assert changed == {"title", "zielgruppen", "sprachen", "kategorie"}


def add_log_rows(entry, count, actor):
    for n in range(count):
        log(entry, "changed", actor=actor, data={"changes": {"title": [f"Titel {n}", f"Titel {n + 1}"]}, "version": n})


def test_the_history_page_needs_the_same_queries_for_few_and_many_steps(people, kuckuck, django_assert_max_num_queries):
    client = client_for(people["qm"])
    entry = make_entry("angebot", kuckuck, author=people["gwa"])
    add_log_rows(entry, FEW, people["gwa"])
    url = reverse("treffpunkte:angebot-history", args=[entry.pk])
    few = measure(client, url)

    add_log_rows(entry, MANY // 2, people["gwa"])
    add_log_rows(entry, MANY // 2, people["qm"])
    many = measure(client, url)

    assert_same_count(few, many)
    # 7: session, user, the offer (joined), its target groups and languages (prefetch), all log rows with their
    # actors joined, the unread count.
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert len(response.context["steps"]) == FEW + MANY
    assert LogEntry.objects.count() == FEW + MANY


def add_notifications(recipient, count, actors):
    for n in range(count):
        f.NotificationFactory(
            recipient=recipient,
            actor=actors[n % len(actors)],
            object_repr=f"Angebot {n}",
            text="Bitte ansehen." if n % 2 else "",
            read_at=timezone.now() if n % 3 == 0 else None,
        )


def test_the_inbox_needs_the_same_queries_for_few_and_many_notifications(
    people, kuckuck, django_assert_max_num_queries
):
    client = client_for(people["qm"])
    actors = [people["gwa"], people["familie"], people["leitung"]]
    add_notifications(people["qm"], FEW, actors)
    url = reverse("inbox")
    few = measure(client, url)

    add_notifications(people["qm"], MANY, actors)
    add_notifications(people["gwa"], MANY, [people["qm"]])
    many = measure(client, url)

    assert_same_count(few, many)
    # 5: session, user, the paginator's count, the unread count, one page of notifications with actors joined.
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert len(response.context["notifications"]) == FEW + MANY
    assert Notification.objects.filter(recipient=people["qm"]).count() == FEW + MANY


def add_comments(entry, count, authors):
    for n in range(count):
        f.CommentFactory(entry=entry, author=authors[n % len(authors)], text=f"Kommentar {n}")


def test_the_entry_page_needs_the_same_queries_for_few_and_many_comments(
    people, kuckuck, django_assert_max_num_queries
):
    client = client_for(people["qm"])
    authors = [people["gwa"], people["familie"], people["leitung"], people["qm"]]
    entry = make_entry("angebot", kuckuck, author=people["gwa"])
    add_comments(entry, FEW, authors)
    url = reverse("treffpunkte:angebot-detail", args=[entry.pk])
    few = measure(client, url)

    add_comments(entry, MANY, authors)
    many = measure(client, url)

    assert_same_count(few, many)
    # 13: session, user, the offer (joined), its target groups and languages (prefetch), the unread count, the
    # comments with their authors joined; and the offer page's own parts: its schedule, cancellations,
    # attendance summary, recent counts, the measures it carries out and the practice examples it comes from.
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert len(response.context["comments"]) == FEW + MANY
    assert Comment.objects.count() == FEW + MANY


def test_the_entry_page_with_a_pending_change_needs_the_same_queries_for_few_and_many_related_values(
    people, kuckuck, django_assert_max_num_queries
):
    client = client_for(people["qm"])
    small = angebot_with_pending_change(kuckuck, people["gwa"], FEW)
    few = measure(client, reverse("treffpunkte:angebot-detail", args=[small.pk]))

    large = angebot_with_pending_change(kuckuck, people["gwa"], MANY)
    add_comments(large, MANY, [people["gwa"], people["familie"]])
    url = reverse("treffpunkte:angebot-detail", args=[large.pk])
    many = measure(client, url)

    assert_same_count(few, many)
    # 17: the 13 of the plain entry page plus what the proposed change reads (its related values).
    with django_assert_max_num_queries(17):
        client.get(url)


def add_angebote(quartier, count, author):
    for n in range(count):
        state = [ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.APPROVED][n % 3]
        make_entry("angebot", quartier, state, author=author, live=n % 2 == 0)


@pytest.mark.parametrize(("person", "pinned"), [("qm", 11), ("gwa", 12)])
def test_the_entry_list_needs_the_same_queries_for_few_and_many_entries(
    people, kuckuck, nordstadt, person, pinned, django_assert_max_num_queries
):
    client = client_for(people[person])
    add_angebote(kuckuck, FEW, people["gwa"])
    url = reverse("treffpunkte:angebot-list")
    few = measure(client, url)

    add_angebote(kuckuck, MANY, people["gwa"])
    add_angebote(nordstadt, MANY, people["gwa_other"])
    many = measure(client, url)

    assert_same_count(few, many)
    # qm 11: session, user, the paginator's count, one page of offers (quarter, meeting point and category
    # joined), their target groups and languages (two prefetches), the unread count, and the choices of the
    # filter form (quarters, categories, target groups, languages).
    # gwa 12: the same plus the ids of the person's quarters (the coordinator covers all without asking).
    with django_assert_max_num_queries(pinned):
        response = client.get(url)
    expected = FEW + MANY + (MANY if person == "qm" else 0)
    assert response.context["paginator"].count == expected


def test_my_submissions_need_the_same_queries_for_few_and_many_entries(
    people, kuckuck, nordstadt, django_assert_max_num_queries
):
    client = client_for(people["gwa"])
    submitted_entries(FEW, kuckuck, people["gwa"])
    url = reverse("my-submissions")
    few = measure(client, url)

    submitted_entries(MANY, kuckuck, people["gwa"])
    submitted_entries(MANY, nordstadt, people["gwa_other"])
    many = measure(client, url)

    assert_same_count(few, many)
    # 14: session, user, the person's quarter ids, one count of all kinds (a UNION), one SELECT per content model
    # (9, with quarters joined, limited to the page), the unread count.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(response.context["entries"]) == FEW + MANY


def test_the_portal_start_page_needs_the_same_queries_for_few_and_many_entries(
    people, kuckuck, django_assert_max_num_queries
):
    client = client_for(people["gwa"])
    submitted_entries(FEW, kuckuck, people["qm"])
    url = reverse("portal")
    few = measure(client, url)

    submitted_entries(MANY, kuckuck, people["qm"])
    many = measure(client, url)

    assert_same_count(few, many)
    # 15: session, user, the person's quarters (prefetch; the review scope takes their ids from it), the queue's
    # COUNT over a UNION ALL of the 7 content models and its oldest five (one more UNION ALL), two for my tasks,
    # one for my submissions, two for stale entries, four for the quarters' numbers, the unread count.
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.context["blocks"].queue.count == FEW + MANY
