"""Inbox and e-mail: who hears of a submission, a return, an approval or a comment; the unread count in the header;
opening a notification and marking all read; one person cannot open another's notification."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from hameln_quartiere.cache import Generation
from hameln_quartiere.models import Notification, ReviewState, Role
from hameln_quartiere.services import add_comment, submit_for_review
from tests import factories as f
from tests.review.conftest import make_entry

SITE = "http://localhost:8000"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def unread_badge(response):
    """The number in the header's unread badge, or None when there is none."""
    match = re.search(r"<span[^>]*data-unread[^>]*>\s*(\d+)\s*</span>", response.content.decode())
    return int(match.group(1)) if match else None


def inbox_of(user):
    return list(Notification.objects.filter(recipient=user))


def recipients(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def mails_to(mailoutbox, user):
    return [mail for mail in mailoutbox if user.email in mail.to]


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submit ``entry`` through the portal as ``user`` (e-mails sent as on commit)."""

    def submit(entry, user):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(user).post(
                reverse("treffpunkte:angebot-submit", args=[entry.pk]), {"version": entry.version}
            )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.review_state == ReviewState.SUBMITTED
        return entry

    return submit


@pytest.fixture
def decide(django_capture_on_commit_callbacks):
    """Approve or return ``entry`` through the review page as ``user``."""

    def decide(entry, user, decision, comment=""):
        entry.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(user).post(
                reverse("treffpunkte:angebot-review", args=[entry.pk]),
                {"decision": decision, "comment": comment, "version": entry.version},
            )
        assert response.status_code == 302
        entry.refresh_from_db()
        return entry

    return decide


# --- Submitted: the other Ressort's reviewers of the quarter hear of it -----------------------------------------


def test_a_social_workers_submission_reaches_the_coordinator_only(people, kuckuck, submit, mailoutbox):
    entry = make_entry("angebot", kuckuck, author=people["gwa"])

    submit(entry, people["gwa"])

    assert recipients(Notification.Kind.SUBMITTED) == ["qm"]
    [notification] = inbox_of(people["qm"])
    assert notification.actor == people["gwa"]
    assert notification.object_repr == entry.title
    assert notification.url == reverse("treffpunkte:angebot-review", args=[entry.pk])
    assert notification.read_at is None
    assert [mail.to for mail in mailoutbox] == [[people["qm"].email]]


def test_a_coordinators_submission_reaches_the_social_worker_of_that_quarter_only(people, kuckuck, submit, mailoutbox):
    entry = make_entry("angebot", kuckuck, author=people["qm"])

    submit(entry, people["qm"])

    # Not the social worker of Nordstadt, not family support or leadership (they do not review), not the submitter.
    assert recipients(Notification.Kind.SUBMITTED) == ["gwa"]
    for name in ("qm", "gwa_other", "familie", "leitung", "admin", "norole"):
        assert inbox_of(people[name]) == [], name
    assert [mail.to for mail in mailoutbox] == [[people["gwa"].email]]


def test_a_submission_in_another_quarter_reaches_that_quarters_social_worker(people, nordstadt, submit):
    entry = make_entry("angebot", nordstadt, author=people["qm"])

    submit(entry, people["qm"])

    assert recipients(Notification.Kind.SUBMITTED) == ["gwa-nord"]


def test_inactive_reviewers_and_other_coordinators_own_submissions_are_left_out(people, kuckuck, submit):
    f.UserFactory(username="qm-alt", role=Role.QM_COORDINATOR, is_active=False)
    second_qm = f.UserFactory(username="qm2", role=Role.QM_COORDINATOR)
    f.UserFactory(username="gwa-alt", role=Role.GWA, quartiere=[kuckuck], is_active=False)
    entry = make_entry("angebot", kuckuck, author=people["gwa"])

    submit(entry, people["gwa"])

    assert recipients(Notification.Kind.SUBMITTED) == ["qm", "qm2"]
    entry = make_entry("angebot", kuckuck, author=second_qm)
    Notification.objects.all().delete()
    submit(entry, second_qm)
    # The other coordinator is of the same Ressort: the social worker reviews.
    assert recipients(Notification.Kind.SUBMITTED) == ["gwa"]


def test_the_submission_email_names_the_entry_in_german_with_a_link_to_the_review_page(
    people, kuckuck, submit, mailoutbox
):
    entry = make_entry("angebot", kuckuck, author=people["gwa"])
    entry.title = "Sprachcafé für Frauen"
    entry.save()

    submit(entry, people["gwa"])

    [mail] = mailoutbox
    assert mail.subject == "Zur Prüfung an Sie eingereicht: Sprachcafé für Frauen"
    assert mail.from_email == "quartiere@hameln.invalid"
    assert f"{people['gwa']}: Zur Prüfung an Sie eingereicht – Sprachcafé für Frauen" in mail.body
    assert f"Im Portal öffnen: {SITE}{reverse('treffpunkte:angebot-review', args=[entry.pk])}" in mail.body


def test_people_without_an_address_get_the_inbox_entry_but_no_email(people, kuckuck, submit, mailoutbox):
    people["qm"].email = ""
    people["qm"].save()
    entry = make_entry("angebot", kuckuck, author=people["gwa"])

    submit(entry, people["gwa"])

    assert len(inbox_of(people["qm"])) == 1
    assert mailoutbox == []


def test_the_email_goes_out_only_when_the_step_commits(people, kuckuck, django_capture_on_commit_callbacks, mailoutbox):
    entry = make_entry("angebot", kuckuck, author=people["gwa"])

    with django_capture_on_commit_callbacks() as callbacks:
        submit_for_review(entry, actor=people["gwa"])

    assert callbacks  # the mail, and the public cache's move at commit
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


# --- Returned and approved: the authors hear of it ---------------------------------------------------------------


def test_returning_an_entry_tells_its_author_with_the_comment(people, kuckuck, submit, decide, mailoutbox):
    entry = submit(make_entry("angebot", kuckuck, author=people["gwa"]), people["gwa"])
    mailoutbox.clear()

    decide(entry, people["qm"], "return", "Bitte die Uhrzeit ergänzen.")

    assert entry.review_state == ReviewState.RETURNED
    assert recipients(Notification.Kind.RETURNED) == ["gwa"]
    [notification] = Notification.objects.filter(kind=Notification.Kind.RETURNED)
    assert notification.text == "Bitte die Uhrzeit ergänzen."
    assert notification.actor == people["qm"]
    assert notification.url == entry.get_absolute_url()
    [mail] = mailoutbox
    assert mail.to == [people["gwa"].email]
    assert mail.subject == f"Zur Überarbeitung zurückgegeben: {entry.title}"
    assert "Bitte die Uhrzeit ergänzen." in mail.body
    assert f"Im Portal öffnen: {SITE}{entry.get_absolute_url()}" in mail.body


def test_approving_an_entry_tells_its_creator_and_its_submitter(people, kuckuck, submit, decide, mailoutbox):
    second_gwa = f.UserFactory(username="gwa2", role=Role.GWA, quartiere=[kuckuck])
    entry = make_entry("angebot", kuckuck, author=people["gwa"])
    submit(entry, second_gwa)
    mailoutbox.clear()

    decide(entry, people["qm"], "approve")

    assert entry.review_state == ReviewState.APPROVED
    assert recipients(Notification.Kind.APPROVED) == ["gwa", "gwa2"]
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([people["gwa"].email, second_gwa.email])
    assert {mail.subject for mail in mailoutbox} == {f"Freigegeben: {entry.title}"}
    for name in ("qm", "gwa_other", "familie", "leitung"):
        assert not Notification.objects.filter(recipient=people[name], kind=Notification.Kind.APPROVED).exists()


def test_an_admin_override_tells_the_authors_with_the_reason(
    people, kuckuck, submit, django_capture_on_commit_callbacks
):
    entry = submit(make_entry("angebot", kuckuck, author=people["gwa"]), people["gwa"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["admin"]).post(
            reverse("treffpunkte:angebot-review", args=[entry.pk]),
            {"decision": "approve", "override_reason": "Urlaubsvertretung", "version": entry.version},
        )

    assert response.status_code == 302
    [notification] = Notification.objects.filter(kind=Notification.Kind.APPROVED)
    assert notification.recipient == people["gwa"]
    assert notification.text == "Urlaubsvertretung"


# --- Commented: the authors and everyone who commented before --------------------------------------------------


def test_a_comment_reaches_the_authors_and_earlier_commenters_but_not_its_writer(
    people, kuckuck, django_capture_on_commit_callbacks, mailoutbox
):
    entry = submit_for_review(make_entry("angebot", kuckuck, author=people["gwa"]), actor=people["gwa"])
    add_comment(entry, actor=people["leitung"], text="Wie viele kommen im Schnitt?")
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["familie"]).post(
            reverse("treffpunkte:angebot-comment", args=[entry.pk]), {"text": "Wir bringen Flyer mit."}
        )

    assert response.status_code == 302
    assert recipients(Notification.Kind.COMMENTED) == ["gwa", "leitung"]
    assert {n.text for n in Notification.objects.all()} == {"Wir bringen Flyer mit."}
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([people["gwa"].email, people["leitung"].email])
    assert {mail.subject for mail in mailoutbox} == {f"Neuer Kommentar: {entry.title}"}
    assert all("Wir bringen Flyer mit." in mail.body for mail in mailoutbox)


def test_commenting_on_your_own_entry_with_nobody_else_involved_notifies_nobody(
    people, kuckuck, django_capture_on_commit_callbacks, mailoutbox
):
    entry = make_entry("angebot", kuckuck, author=people["gwa"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add_comment(entry, actor=people["gwa"], text="Notiz an mich.")

    assert Notification.objects.count() == 0
    # Nothing is sent after the commit; only the cache's generations move on (hameln_quartiere/cache.py).
    assert [c for c in callbacks if not isinstance(getattr(c, "__self__", None), Generation)] == []
    assert mailoutbox == []


# --- The inbox: the header count, opening one, marking all read -------------------------------------------------


def test_the_header_shows_the_number_of_unread_notifications(people, kuckuck, submit):
    qm_client = client_for(people["qm"])
    assert unread_badge(qm_client.get(reverse("portal"))) is None

    submit(make_entry("angebot", kuckuck, author=people["gwa"]), people["gwa"])
    submit(make_entry("angebot", kuckuck, author=people["gwa"]), people["gwa"])

    portal = qm_client.get(reverse("portal"))
    assert unread_badge(portal) == 2
    assert "ungelesen" in portal.content.decode()
    assert re.search(r"data-queue-count>\s*2\s*<", portal.content.decode())
    assert unread_badge(qm_client.get(reverse("review-queue"))) == 2
    assert unread_badge(client_for(people["gwa"]).get(reverse("portal"))) is None


def test_the_inbox_lists_the_notifications_in_german_newest_first(people, kuckuck, submit):
    first = submit(make_entry("angebot", kuckuck, author=people["gwa"]), people["gwa"])
    second = submit(make_entry("angebot", kuckuck, author=people["gwa"]), people["gwa"])

    response = client_for(people["qm"]).get(reverse("inbox"))

    assert response.status_code == 200
    assert [n.object_repr for n in response.context["notifications"]] == [second.title, first.title]
    content = response.content.decode()
    assert "Posteingang" in content
    assert "Zur Prüfung an Sie eingereicht" in content
    assert "Alle als gelesen markieren" in content


def test_opening_a_notification_marks_it_read_and_goes_to_the_entry(people, kuckuck, submit):
    entry = submit(make_entry("angebot", kuckuck, author=people["gwa"]), people["gwa"])
    [notification] = inbox_of(people["qm"])
    qm_client = client_for(people["qm"])

    response = qm_client.post(reverse("notification-open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("treffpunkte:angebot-review", args=[entry.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert qm_client.get(response["Location"]).status_code == 200
    assert unread_badge(qm_client.get(reverse("portal"))) is None

    # Opening it again keeps the first reading time.
    first_read = notification.read_at
    qm_client.post(reverse("notification-open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_a_notification_is_opened_by_post_only(people):
    notification = f.NotificationFactory(recipient=people["qm"])

    response = client_for(people["qm"]).get(reverse("notification-open", args=[notification.pk]))

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_notification_pointing_off_site_goes_to_the_inbox_instead(people):
    notification = f.NotificationFactory(recipient=people["qm"], url="https://example.com/phish")

    response = client_for(people["qm"]).post(reverse("notification-open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox")


def test_nobody_can_open_someone_elses_notification(people):
    notification = f.NotificationFactory(recipient=people["qm"], url="/portal/")

    response = client_for(people["gwa"]).post(reverse("notification-open", args=[notification.pk]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_clears_the_count_for_that_person_only(people):
    for _ in range(3):
        f.NotificationFactory(recipient=people["qm"])
    f.NotificationFactory(recipient=people["gwa"])
    qm_client = client_for(people["qm"])
    assert unread_badge(qm_client.get(reverse("inbox"))) == 3

    response = qm_client.post(reverse("inbox-read-all"), follow=True)

    assert response.redirect_chain == [(reverse("inbox"), 302)]
    assert "Alle Benachrichtigungen sind als gelesen markiert." in response.content.decode()
    assert unread_badge(response) is None
    assert not Notification.objects.filter(recipient=people["qm"], read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=people["gwa"]).read_at is None


def test_mark_all_read_is_post_only(people):
    f.NotificationFactory(recipient=people["qm"])

    response = client_for(people["qm"]).get(reverse("inbox-read-all"))

    assert response.status_code == 405
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize("name", ["inbox", "inbox-read-all"])
def test_the_inbox_needs_a_role(people, name):
    client = client_for(people["norole"])

    response = client.post(reverse(name)) if name == "inbox-read-all" else client.get(reverse(name))

    assert response.status_code == 403
