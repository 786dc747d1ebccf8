"""Concurrent edits: two clients load the same entry, both save; the second is refused, nothing of the first is
lost, the second person's input is still in the form, and saving again (having seen the changes) succeeds."""

import html
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.test import Client
from django.urls import reverse

from hameln_quartiere.models import Comment, LogEntry, Notification, ReviewState, Role
from hameln_quartiere.services import StaleEntry, save_entry, submit_for_review
from tests import factories as f
from tests.formdata import parts_management
from tests.review.conftest import make_entry
from treffpunkte.forms import AngebotForm
from treffpunkte.models import Angebot

STALE_MESSAGE = "Jemand anderes hat diesen Eintrag gespeichert, während Sie ihn bearbeitet haben."
STALE_DECISION_MESSAGE = "Jemand anderes hat diesen Eintrag geändert, während Sie ihn geöffnet hatten."


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post_data(form, **changes):
    """What a browser would send back for ``form`` as rendered (bound or not), with ``changes`` typed in."""
    data = {}
    for bound_field in form:
        value = bound_field.value()
        if value is None or value is False:
            continue
        data[bound_field.html_name] = "on" if value is True else value
    data.update(parts_management(form.instance))
    data.update(changes)
    return data


def rendered_loaded_version(response):
    """The ``loaded_version`` in the page's HTML: what the browser will post back."""
    match = re.search(r'<input[^>]*name="loaded_version"[^>]*>', response.content.decode())
    assert match, "the edit form carries the version it was loaded at"
    value = re.search(r'value="(\d+)"', match.group(0))
    assert value, match.group(0)
    return int(value.group(1))


def page_text(response):
    return html.unescape(response.content.decode())


def changed_log_rows(entry):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(entry), object_id=str(entry.pk), action__endswith=".changed"
    )


@pytest.fixture
def two_editors(people):
    """The coordinator and the social worker of Kuckuck: both may edit an offer in Kuckuck."""
    return client_for(people["qm"]), client_for(people["gwa"])


def open_both(entry, qm_client, gwa_client):
    url = reverse("treffpunkte:angebot-update", args=[entry.pk])
    first, second = qm_client.get(url), gwa_client.get(url)
    assert first.status_code == second.status_code == 200
    return url, first, second


@pytest.mark.parametrize("approved", [False, True], ids=["draft", "approved"])
def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_both_peoples_work(
    people, kuckuck, two_editors, approved
):
    qm, gwa = people["qm"], people["gwa"]
    qm_client, gwa_client = two_editors
    state = ReviewState.APPROVED if approved else ReviewState.DRAFT
    entry = make_entry("angebot", kuckuck, state, author=gwa)
    original_title, version = entry.title, entry.version

    url, qm_page, gwa_page = open_both(entry, qm_client, gwa_client)
    assert rendered_loaded_version(qm_page) == rendered_loaded_version(gwa_page) == version
    assert qm_page.context["form"]["loaded_version"].value() == version

    first = qm_client.post(url, post_data(qm_page.context["form"], title="Sprachcafé am Kuckuck"))
    assert first.status_code == 302, first.context["form"].errors if first.context else first

    gwa_input = {"description": "Jeden Dienstag, mit Kinderbetreuung.", "contact": "Frau Yilmaz, 05151 123456"}
    second = gwa_client.post(url, post_data(gwa_page.context["form"], **gwa_input))

    # Refused, with the German message naming who changed which field.
    assert second.status_code == 409
    form = second.context["form"]
    assert form.has_error("__all__", "stale")
    message = " ".join(form.non_field_errors())
    assert message.startswith(STALE_MESSAGE)
    assert f"{qm} am " in message
    assert message.rstrip(".").endswith(": Titel")
    text = page_text(second)
    assert STALE_MESSAGE in text
    assert "Zwischenzeitlich von jemand anderem geändert" in text
    assert f"Titel: „{original_title}“ → „Sprachcafé am Kuckuck“" in text
    [(step, changed)] = form.stale_changes
    assert step.actor == qm
    assert changed == [("Titel", original_title, "Sprachcafé am Kuckuck")]

    # The second person's input is still in the form, now with the version they have just seen.
    for name, value in gwa_input.items():
        assert form[name].value() == value
        assert html.escape(value, quote=False) in second.content.decode()
    assert form["title"].value() == original_title
    assert rendered_loaded_version(second) == version + 1

    # Nothing of the first save is lost and nothing of the refused one is written.
    entry.refresh_from_db()
    assert entry.version == version + 1
    if approved:
        assert entry.title == original_title  # the approved version stays live
        assert entry.pending["title"] == "Sprachcafé am Kuckuck"
        assert entry.pending["description"] == ""
        assert entry.review_state == ReviewState.DRAFT
    else:
        assert entry.pending is None
        assert entry.title == "Sprachcafé am Kuckuck"
        assert entry.description == ""
        assert entry.contact == ""
    assert list(changed_log_rows(entry).values_list("actor__username", flat=True)) == ["qm"]

    # Having seen the change, the second person takes it over and saves again: now it goes through.
    third = gwa_client.post(url, post_data(form, title="Sprachcafé am Kuckuck"))
    assert third.status_code == 302
    entry.refresh_from_db()
    assert entry.version == version + 2
    current = entry.pending if approved else entry.__dict__
    assert current["title"] == "Sprachcafé am Kuckuck"
    assert current["description"] == gwa_input["description"]
    assert current["contact"] == gwa_input["contact"]
    if approved:
        assert entry.title == original_title
    assert sorted(changed_log_rows(entry).values_list("actor__username", flat=True)) == ["gwa", "qm"]


def test_resaving_the_refused_form_unchanged_goes_through_because_the_person_has_seen_the_changes(
    people, kuckuck, two_editors
):
    qm_client, gwa_client = two_editors
    entry = make_entry("angebot", kuckuck, author=people["gwa"])
    url, qm_page, gwa_page = open_both(entry, qm_client, gwa_client)
    assert qm_client.post(url, post_data(qm_page.context["form"], contact="Herr Becker")).status_code == 302

    refused = gwa_client.post(url, post_data(gwa_page.context["form"], description="Neu: mit Frühstück"))
    assert refused.status_code == 409

    again = gwa_client.post(url, post_data(refused.context["form"]))
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.description == "Neu: mit Frühstück"
    # The form the second person re-posted still held the contact as they had loaded it: they chose to keep theirs.
    assert entry.contact == ""


def test_a_third_save_from_the_same_stale_page_is_refused_again(people, kuckuck, two_editors):
    """The refusal refreshes only the refused form's version: an older copy of the page stays stale."""
    qm_client, gwa_client = two_editors
    entry = make_entry("angebot", kuckuck, author=people["gwa"])
    url, qm_page, gwa_page = open_both(entry, qm_client, gwa_client)
    assert qm_client.post(url, post_data(qm_page.context["form"], contact="Herr Becker")).status_code == 302
    stale = post_data(gwa_page.context["form"], description="Erster Versuch")
    assert gwa_client.post(url, stale).status_code == 409
    assert gwa_client.post(url, stale).status_code == 409
    entry.refresh_from_db()
    assert entry.contact == "Herr Becker"
    assert entry.description == ""


def test_the_stale_message_is_entirely_german(people, kuckuck, two_editors):
    qm_client, gwa_client = two_editors
    entry = make_entry("angebot", kuckuck, author=people["gwa"])
    url, qm_page, gwa_page = open_both(entry, qm_client, gwa_client)
    qm_client.post(url, post_data(qm_page.context["form"], title="Neuer Titel"))
    refused = gwa_client.post(url, post_data(gwa_page.context["form"], contact="Frau Yilmaz"))

    message = " ".join(refused.context["form"].non_field_errors())
    assert "Changed meanwhile" not in message, message


@pytest.mark.parametrize("approved", [False, True], ids=["draft", "approved"])
def test_save_entry_raises_stale_entry_and_writes_nothing_when_the_row_changed_after_validation(
    people, kuckuck, approved
):
    qm = people["qm"]
    state = ReviewState.APPROVED if approved else ReviewState.DRAFT
    entry = make_entry("angebot", kuckuck, state, author=people["gwa"])
    original_title = entry.title
    form = AngebotForm(instance=entry, user=qm)
    form = AngebotForm(post_data(form, title="Gar nicht gespeichert"), instance=entry, user=qm)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["loaded_version"] == 1

    Angebot.objects.filter(pk=entry.pk).update(version=F("version") + 1)
    logged = LogEntry.objects.count()

    with pytest.raises(StaleEntry) as refused:
        save_entry(form, actor=qm)

    assert refused.value.status == 409
    assert refused.value.changes == []  # the bump wrote no log row, so there is nothing to name
    row = Angebot.objects.get(pk=entry.pk)
    assert row.version == 2
    assert row.title == original_title
    assert row.pending is None
    assert row.review_state == state
    assert LogEntry.objects.count() == logged


def test_stale_entry_names_the_changes_since_the_loaded_version(people, kuckuck):
    qm, gwa = people["qm"], people["gwa"]
    entry = make_entry("angebot", kuckuck, author=gwa)
    original_title = entry.title
    stale_form = AngebotForm(post_data(AngebotForm(instance=entry, user=qm), title="Zu spät"), instance=entry, user=qm)
    assert stale_form.is_valid()

    fresh = Angebot.objects.get(pk=entry.pk)
    first_form = AngebotForm(post_data(AngebotForm(instance=fresh, user=gwa), contact="Herr Becker"), instance=fresh)
    assert first_form.is_valid()
    save_entry(first_form, actor=gwa)

    with pytest.raises(StaleEntry) as refused:
        save_entry(stale_form, actor=qm)

    [step] = refused.value.changes
    assert step.actor == gwa
    assert step.data["changes"] == {"contact": ["", "Herr Becker"]}
    row = Angebot.objects.get(pk=entry.pk)
    assert (row.title, row.contact, row.version) == (original_title, "Herr Becker", 2)


def review_snapshot(entry):
    entry.refresh_from_db()
    return {
        "version": entry.version,
        "state": entry.review_state,
        "approved_at": entry.approved_at,
        "approved_by": entry.approved_by_id,
        "comments": Comment.objects.count(),
        "log": LogEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_a_review_decision_on_a_version_that_was_returned_and_resubmitted_meanwhile_is_refused(
    people, kuckuck, decision
):
    """Two coordinators open the review page; one returns it, the author resubmits; the other's decision is stale."""
    gwa = people["gwa"]
    second_qm = f.UserFactory(username="qm2", role=Role.QM_COORDINATOR)
    entry = submit_for_review(make_entry("angebot", kuckuck, author=gwa), actor=gwa)
    first, second = client_for(people["qm"]), client_for(second_qm)
    url = reverse("treffpunkte:angebot-review", args=[entry.pk])

    first_page, second_page = first.get(url), second.get(url)
    seen = second_page.context["form"].initial["version"]
    assert seen == entry.version
    assert f'name="version" value="{seen}"' in second_page.content.decode()

    returned = first.post(
        url,
        {
            "decision": "return",
            "comment": "Bitte Zeiten ergänzen.",
            "version": first_page.context["form"]["version"].value(),
        },
    )
    assert returned.status_code == 302
    submit_for_review(entry, actor=gwa)
    before = review_snapshot(entry)
    assert before["state"] == ReviewState.SUBMITTED
    assert before["version"] > seen

    stale = second.post(url, {"decision": decision, "comment": "Passt so nicht.", "version": seen})

    assert stale.status_code == 409
    assert STALE_DECISION_MESSAGE in page_text(stale)
    assert stale.context["form"]["comment"].value() == "Passt so nicht."
    assert review_snapshot(entry) == before
    # Having reloaded the page, the reviewer decides on what was resubmitted.
    reloaded = second.get(url).context["form"].initial["version"]
    assert reloaded == before["version"]
    again = second.post(url, {"decision": decision, "comment": "Passt so nicht.", "version": reloaded})
    assert again.status_code == 302


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_confirming_the_refused_review_form_again_decides_on_the_version_now_shown(people, kuckuck, decision):
    """Like the edit form, the refused review page must carry the version it now shows, not the stale one."""
    gwa = people["gwa"]
    entry = submit_for_review(make_entry("angebot", kuckuck, author=gwa), actor=gwa)
    reviewer = client_for(people["qm"])
    url = reverse("treffpunkte:angebot-review", args=[entry.pk])
    seen = reviewer.get(url).context["form"].initial["version"]
    # Meanwhile the entry is returned (by a second coordinator) and resubmitted by its author.
    second_qm = f.UserFactory(username="qm2", role=Role.QM_COORDINATOR)
    client_for(second_qm).post(url, {"decision": "return", "comment": "Bitte Zeiten ergänzen.", "version": seen})
    submit_for_review(entry, actor=gwa)

    refused = reviewer.post(url, {"decision": decision, "comment": "Passt so nicht.", "version": seen})
    assert refused.status_code == 409

    version_shown = int(re.search(r'name="version" value="(\d+)"', refused.content.decode()).group(1))
    entry.refresh_from_db()
    assert version_shown == entry.version, "the refused review page still carries the stale version"


def test_a_review_decision_on_an_entry_someone_already_approved_is_refused_and_changes_nothing(people, kuckuck):
    gwa = people["gwa"]
    second_qm = f.UserFactory(username="qm2", role=Role.QM_COORDINATOR)
    entry = submit_for_review(make_entry("angebot", kuckuck, author=gwa), actor=gwa)
    first, second = client_for(people["qm"]), client_for(second_qm)
    url = reverse("treffpunkte:angebot-review", args=[entry.pk])
    seen = second.get(url).context["form"].initial["version"]
    assert first.post(url, {"decision": "approve", "version": seen}).status_code == 302
    before = review_snapshot(entry)

    late = second.post(url, {"decision": "return", "comment": "Bitte ändern.", "version": seen})

    # No longer submitted: refused as "not possible" (403) rather than as a stale save; either way nothing changes.
    assert late.status_code in (403, 409)
    assert "Es wurde nichts geändert." in page_text(late) or STALE_DECISION_MESSAGE in page_text(late)
    assert review_snapshot(entry) == before
    assert before["state"] == ReviewState.APPROVED
    assert before["approved_by"] == people["qm"].pk


def test_a_review_decision_for_an_older_version_than_the_row_is_refused(people, kuckuck):
    gwa = people["gwa"]
    entry = submit_for_review(make_entry("angebot", kuckuck, author=gwa), actor=gwa)
    client = client_for(people["qm"])
    url = reverse("treffpunkte:angebot-review", args=[entry.pk])

    response = client.post(url, {"decision": "approve", "version": entry.version - 1})

    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.review_state == ReviewState.SUBMITTED
    assert entry.approved_at is None
    assert not LogEntry.objects.filter(action="treffpunkte.angebot.approved").exists()
