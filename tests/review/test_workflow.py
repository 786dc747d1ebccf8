"""The review workflow end to end: which step is possible from which state and for whom, forged POSTs, the
approved version staying live while a change waits, the audit log and the comment thread."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hameln_quartiere import services
from hameln_quartiere.models import AuditLogError, Comment, LogEntry, Notification, Ressort, ReviewState, Role
from hameln_quartiere.services import (
    ReviewError,
    StaleEntry,
    add_comment,
    approve,
    return_for_revision,
    save_entry,
    submit_for_review,
)
from tests import factories as f
from tests.formdata import parts_management
from tests.review.conftest import make_entry
from treffpunkte.forms import AngebotForm, TreffpunktForm
from treffpunkte.models import Angebot, Treffpunkt

DRAFT, SUBMITTED, APPROVED, RETURNED = (
    ReviewState.DRAFT,
    ReviewState.SUBMITTED,
    ReviewState.APPROVED,
    ReviewState.RETURNED,
)

RETURN_COMMENT = "Bitte die Uhrzeiten ergänzen."
OVERRIDE_REASON = "Die GWA-Stelle ist seit drei Monaten unbesetzt."

# German refusals, as the person reads them.
NOT_SUBMITTED = "Nur ein eingereichter Eintrag kann freigegeben oder zurückgegeben werden"
ALREADY_SUBMITTED = "Dieser Eintrag ist bereits zur Prüfung eingereicht."
NOTHING_TO_SUBMIT = "Es gibt nichts einzureichen: Der Eintrag ist so freigegeben."
UNDER_REVIEW = "Solange der Eintrag geprüft wird, kann er nicht geändert werden."
OWN_ENTRY = "Niemand prüft den eigenen Eintrag."
OWN_RESSORT = "Einträge aus Ihrem Ressort prüft das andere Ressort."
READ_AND_COMMENT = "Ihre Rolle liest und kommentiert."
ROLE_REFUSED = "Ihre Rolle erlaubt das bei diesem Eintrag nicht."
OVERRIDE_NEEDS_REASON = "Eine Entscheidung durch die Administration braucht eine Begründung."
RETURN_NEEDS_COMMENT = "Schreiben Sie, was geändert werden muss"
STALE = "Jemand anderes hat diesen Eintrag geändert"
REQUIRED = "Dieses Feld ist zwingend erforderlich."


@pytest.fixture(autouse=True)
def _german():
    # The services speak the active language; the portal's default is German.
    with translation.override("de"):
        yield


# --- Helpers ----------------------------------------------------------------------------------------------------


def url(entry, page):
    return reverse(f"{entry._meta.app_label}:{entry._meta.model_name}-{page}", args=[entry.pk])


def reload(entry):
    return type(entry).objects.get(pk=entry.pk)


def log_rows(entry, verb=None):
    rows = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(entry), object_id=str(entry.pk))
    if verb is not None:
        rows = rows.filter(action=f"{entry._meta.app_label}.{entry._meta.model_name}.{verb}")
    return rows


def comments_of(entry):
    return Comment.objects.filter(content_type=ContentType.objects.get_for_model(entry), object_id=entry.pk)


def snapshot(entry):
    """Everything a review step could change about an Angebot, read fresh from the database."""
    entry = reload(entry)
    return {
        "review_state": entry.review_state,
        "version": entry.version,
        "pending": entry.pending,
        "title": entry.title,
        "zielgruppen": sorted(entry.zielgruppen.values_list("pk", flat=True)),
        "submitted_by": entry.submitted_by_id,
        "submitted_at": entry.submitted_at,
        "submitted_ressort": entry.submitted_ressort,
        "approved_by": entry.approved_by_id,
        "approved_at": entry.approved_at,
        "override_reason": entry.override_reason,
        "updated_at": entry.updated_at,
        "log": list(log_rows(entry).values_list("pk", flat=True)),
        "comments": list(comments_of(entry).values_list("pk", flat=True)),
        "notifications": Notification.objects.count(),
    }


FORMS = {Angebot: AngebotForm, Treffpunkt: TreffpunktForm}


def form_data(entry, **overrides):
    """What the entry's edit form posts when ``overrides`` are typed in (with the ``loaded_version``)."""
    form = FORMS[type(entry)](instance=entry)
    data = {}
    for name in form.fields:
        value = overrides[name] if name in overrides else form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        else:
            data[name] = value
    return {**data, **parts_management(entry)}


def edit(entry, actor, **overrides):
    """Save ``overrides`` into ``entry`` through the form and ``save_entry``, as the portal does."""
    entry = reload(entry)
    form = FORMS[type(entry)](form_data(entry, **overrides), instance=entry, user=actor)
    assert form.is_valid(), form.errors
    return save_entry(form, actor=actor)


def inline_management_forms():
    data = {}
    for prefix in ("schedules", "cancellations", "teilnahmen"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def live_angebot(quartier, *, title="Sprachcafé", zielgruppen=()):
    """An approved offer at an approved, open meeting point: what the public page shows."""
    treffpunkt = f.TreffpunktFactory(quartier=quartier, approved=True, name="Stadtteiltreff Kuckuck")
    angebot = f.AngebotFactory(treffpunkt=treffpunkt, approved=True, title=title)
    angebot.zielgruppen.set(zielgruppen)
    return angebot


def entry_in(state, quartier, author):
    """An Angebot in one of the matrix's from-states, submitted (where that applies) by ``author``."""
    with_pending = state.startswith("pending_")
    review_state = state.removeprefix("pending_")
    entry = make_entry("angebot", quartier, review_state, author=author, live=with_pending)
    if with_pending:
        entry.pending = {"title": "Vorgeschlagener Titel"}
        entry.save()
    return reload(entry)


@pytest.fixture
def gwa_colleague(kuckuck):
    """A second social worker in Kuckuck: same Ressort as ``people["gwa"]``."""
    return f.UserFactory(username="gwa-zwei", role=Role.GWA, quartiere=[kuckuck])


@pytest.fixture
def qm_colleague(db):
    return f.UserFactory(username="qm-zwei", role=Role.QM_COORDINATOR)


# --- 1. The transition matrix ------------------------------------------------------------------------------------

# from-state × action → new state, or the German refusal. "pending_*" is an approved entry whose proposed change
# waits in ``pending`` (as a draft, under review, or returned). The GWA of Kuckuck writes and submits; QM reviews.
MATRIX = [
    ("draft", "submit", SUBMITTED),
    ("draft", "approve", NOT_SUBMITTED),
    ("draft", "return", NOT_SUBMITTED),
    ("draft", "edit", DRAFT),
    ("submitted", "submit", ALREADY_SUBMITTED),
    ("submitted", "approve", APPROVED),
    ("submitted", "return", RETURNED),
    ("submitted", "edit", UNDER_REVIEW),
    ("approved", "submit", NOTHING_TO_SUBMIT),
    ("approved", "approve", NOT_SUBMITTED),
    ("approved", "return", NOT_SUBMITTED),
    ("approved", "edit", DRAFT),
    ("returned", "submit", SUBMITTED),
    ("returned", "approve", NOT_SUBMITTED),
    ("returned", "return", NOT_SUBMITTED),
    ("returned", "edit", RETURNED),
    ("pending_draft", "submit", SUBMITTED),
    ("pending_draft", "approve", NOT_SUBMITTED),
    ("pending_draft", "return", NOT_SUBMITTED),
    ("pending_draft", "edit", DRAFT),
    ("pending_submitted", "submit", ALREADY_SUBMITTED),
    ("pending_submitted", "approve", APPROVED),
    ("pending_submitted", "return", RETURNED),
    ("pending_submitted", "edit", UNDER_REVIEW),
    ("pending_returned", "submit", SUBMITTED),
    ("pending_returned", "approve", NOT_SUBMITTED),
    ("pending_returned", "return", NOT_SUBMITTED),
    ("pending_returned", "edit", RETURNED),
]

VERBS = {"submit": "submitted", "approve": "approved", "return": "returned", "edit": "changed"}


def perform(action, entry, people):
    """Do ``action`` as the person whose step it is: the GWA writes and submits, QM decides."""
    if action == "submit":
        return submit_for_review(entry, actor=people["gwa"], version=entry.version)
    if action == "approve":
        return approve(entry, actor=people["qm"], version=entry.version)
    if action == "return":
        return return_for_revision(entry, actor=people["qm"], comment=RETURN_COMMENT, version=entry.version)
    return edit(entry, people["gwa"], title="Neuer Titel")


def actor_of(action, people):
    return people["gwa"] if action in ("submit", "edit") else people["qm"]


@pytest.mark.parametrize(("state", "action", "expected"), MATRIX, ids=[f"{s}-{a}" for s, a, _e in MATRIX])
def test_each_step_from_each_state_gives_the_next_state_or_is_refused(people, kuckuck, state, action, expected):
    entry = entry_in(state, kuckuck, people["gwa"])
    before = snapshot(entry)

    if expected in ReviewState.values:
        perform(action, entry, people)

        after = reload(entry)
        assert after.review_state == expected
        assert after.version == before["version"] + 1
        new_rows = log_rows(entry).exclude(pk__in=before["log"])
        assert [(row.action, row.actor) for row in new_rows] == [
            (f"treffpunkte.angebot.{VERBS[action]}", actor_of(action, people))
        ]
    else:
        with pytest.raises(ReviewError) as refused:
            perform(action, entry, people)

        assert expected in str(refused.value)
        assert snapshot(entry) == before


def test_an_edit_of_an_approved_entry_becomes_a_proposal_and_its_approval_applies_it(people, kuckuck):
    entry = entry_in("approved", kuckuck, people["gwa"])
    approved_title = entry.title

    edit(entry, people["gwa"], title="Neuer Titel")
    entry = reload(entry)
    assert (entry.title, entry.pending["title"], entry.review_state) == (approved_title, "Neuer Titel", DRAFT)
    assert entry.approved_at is not None

    submit_for_review(entry, actor=people["gwa"], version=entry.version)
    approve(entry, actor=people["qm"], version=entry.version + 1)

    entry = reload(entry)
    assert (entry.title, entry.pending, entry.review_state) == ("Neuer Titel", None, APPROVED)
    assert entry.approved_by == people["qm"]
    assert entry.version == 4


def test_a_returned_proposal_keeps_the_approved_version_and_the_proposal(people, kuckuck):
    entry = entry_in("pending_submitted", kuckuck, people["gwa"])
    approved_title = entry.title

    return_for_revision(entry, actor=people["qm"], comment=RETURN_COMMENT)

    entry = reload(entry)
    assert entry.review_state == RETURNED
    assert entry.title == approved_title
    assert entry.pending == {"title": "Vorgeschlagener Titel"}
    assert comments_of(entry).get().kind == Comment.Kind.RETURN


def test_the_whole_round_draft_submitted_returned_edited_submitted_approved(people, kuckuck):
    gwa, qm = people["gwa"], people["qm"]
    entry = entry_in("draft", kuckuck, gwa)

    submit_for_review(entry, actor=gwa, version=1)
    return_for_revision(entry, actor=qm, comment=RETURN_COMMENT, version=2)
    edit(reload(entry), gwa, title="Sprachcafé mit Uhrzeit")
    submit_for_review(entry, actor=gwa, version=4)
    approve(entry, actor=qm, version=5)

    entry = reload(entry)
    assert (entry.review_state, entry.version, entry.title) == (APPROVED, 6, "Sprachcafé mit Uhrzeit")
    assert [row.verb for row in log_rows(entry).order_by("created_at", "pk")] == [
        "submitted",
        "returned",
        "changed",
        "submitted",
        "approved",
    ]


# --- 2. Four eyes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitter", "decider", "message"),
    [
        ("gwa", "gwa", OWN_ENTRY),
        ("gwa", "gwa_colleague", OWN_RESSORT),
        ("gwa", "familie", READ_AND_COMMENT),
        ("gwa", "leitung", READ_AND_COMMENT),
        ("gwa", "gwa_other", OWN_RESSORT),
        ("gwa", "norole", ROLE_REFUSED),
        ("qm", "gwa_other", ROLE_REFUSED),
        ("qm", "qm", OWN_ENTRY),
        ("qm", "qm_colleague", OWN_RESSORT),
        ("qm", "leitung", READ_AND_COMMENT),
        ("qm", "familie", READ_AND_COMMENT),
        ("gwa", "admin", OVERRIDE_NEEDS_REASON),
        ("qm", "admin", OVERRIDE_NEEDS_REASON),
    ],
)
@pytest.mark.parametrize("decision", ["approve", "return"])
def test_nobody_decides_on_an_entry_from_their_own_ressort_or_without_a_reviewer_role(
    people, kuckuck, gwa_colleague, qm_colleague, submitter, decider, message, decision
):
    cast = {**people, "gwa_colleague": gwa_colleague, "qm_colleague": qm_colleague}
    entry = entry_in("submitted", kuckuck, cast[submitter])
    before = snapshot(entry)

    with pytest.raises(ReviewError) as refused:
        if decision == "approve":
            approve(entry, actor=cast[decider])
        else:
            return_for_revision(entry, actor=cast[decider], comment=RETURN_COMMENT)

    assert message in str(refused.value)
    assert snapshot(entry) == before


@pytest.mark.parametrize(("submitter", "reviewer"), [("gwa", "qm"), ("qm", "gwa")])
def test_the_other_ressort_approves(people, kuckuck, submitter, reviewer):
    entry = entry_in("submitted", kuckuck, people[submitter])

    approve(entry, actor=people[reviewer])

    entry = reload(entry)
    assert (entry.review_state, entry.approved_by, entry.override_reason) == (APPROVED, people[reviewer], "")


def test_a_qm_who_submitted_cannot_approve_it_over_http_either(client, people, kuckuck):
    entry = entry_in("draft", kuckuck, people["qm"])
    client.force_login(people["qm"])
    assert client.post(url(entry, "submit"), {"version": 1}).status_code == 302
    before = snapshot(entry)

    response = client.post(url(entry, "review"), {"decision": "approve", "version": 2})

    assert response.status_code == 403
    assert OWN_ENTRY in response.text
    assert snapshot(entry) == before


def test_an_admin_approves_only_as_an_override_with_a_reason_that_is_recorded_and_shown(client, people, kuckuck):
    admin = people["admin"]
    entry = entry_in("submitted", kuckuck, people["gwa"])

    with pytest.raises(ReviewError, match=OVERRIDE_NEEDS_REASON):
        approve(entry, actor=admin, override_reason="   ")
    assert reload(entry).review_state == SUBMITTED

    approve(entry, actor=admin, override_reason=OVERRIDE_REASON)

    entry = reload(entry)
    assert (entry.review_state, entry.approved_by, entry.override_reason) == (APPROVED, admin, OVERRIDE_REASON)
    comment = comments_of(entry).get()
    assert (comment.kind, comment.author, comment.text) == (Comment.Kind.OVERRIDE, admin, OVERRIDE_REASON)
    row = log_rows(entry, "approved").get()
    assert (row.actor, row.data["override"]) == (admin, OVERRIDE_REASON)

    client.force_login(people["gwa"])
    detail = client.get(url(entry, "detail"))
    assert detail.status_code == 200
    assert OVERRIDE_REASON in detail.text
    assert "Entscheidung durch die Administration" in detail.text


def test_an_admin_override_over_http_needs_the_reason_field(client, people, kuckuck):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people["admin"])
    before = snapshot(entry)

    refused = client.post(url(entry, "review"), {"decision": "approve", "version": entry.version})

    assert refused.status_code == 400
    assert OVERRIDE_NEEDS_REASON in refused.text
    assert snapshot(entry) == before

    response = client.post(
        url(entry, "review"), {"decision": "approve", "version": entry.version, "override_reason": OVERRIDE_REASON}
    )

    assert response.status_code == 302
    assert reload(entry).override_reason == OVERRIDE_REASON


def test_an_admin_return_is_an_override_that_is_recorded_and_shown(client, people, kuckuck):
    admin = people["admin"]
    entry = entry_in("submitted", kuckuck, people["qm"])

    return_for_revision(entry, actor=admin, comment=RETURN_COMMENT, override_reason=OVERRIDE_REASON)

    entry = reload(entry)
    assert (entry.review_state, entry.override_reason) == (RETURNED, OVERRIDE_REASON)
    row = log_rows(entry, "returned").get()
    assert (row.actor, row.data["override"], row.data["comment"]) == (admin, OVERRIDE_REASON, RETURN_COMMENT)
    client.force_login(people["qm"])
    assert OVERRIDE_REASON in client.get(url(entry, "detail")).text
    assert OVERRIDE_REASON in client.get(url(entry, "history")).text


def test_an_admin_who_submitted_an_entry_cannot_override_on_it(people, kuckuck):
    entry = entry_in("draft", kuckuck, None)
    submit_for_review(entry, actor=people["admin"])
    before = snapshot(entry)

    with pytest.raises(ReviewError, match=OWN_ENTRY):
        approve(entry, actor=people["admin"], override_reason=OVERRIDE_REASON)

    assert snapshot(entry) == before


def test_a_reviewer_cannot_slip_an_override_reason_into_a_normal_approval(client, people, kuckuck):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people["qm"])

    response = client.post(
        url(entry, "review"), {"decision": "approve", "version": entry.version, "override_reason": "Eilig."}
    )

    assert response.status_code == 302
    entry = reload(entry)
    assert (entry.review_state, entry.override_reason) == (APPROVED, "")
    assert not comments_of(entry).filter(kind=Comment.Kind.OVERRIDE).exists()
    assert log_rows(entry, "approved").get().data["override"] == ""


@pytest.mark.parametrize("comment", ["", "   \n "])
def test_a_return_without_a_comment_is_refused_by_the_service(people, kuckuck, comment):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    before = snapshot(entry)

    with pytest.raises(ReviewError, match=RETURN_NEEDS_COMMENT):
        return_for_revision(entry, actor=people["qm"], comment=comment)

    assert snapshot(entry) == before


def test_a_return_without_a_comment_is_refused_over_http_with_status_400(client, people, kuckuck):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people["qm"])
    before = snapshot(entry)

    response = client.post(url(entry, "review"), {"decision": "return", "comment": "  ", "version": entry.version})

    assert response.status_code == 400
    assert RETURN_NEEDS_COMMENT in response.text
    assert response.context["form"].has_error("comment")
    assert snapshot(entry) == before


# --- 3. Forged POSTs ---------------------------------------------------------------------------------------------


def test_a_gwa_cannot_approve_a_colleagues_entry_by_posting_to_the_review_page(client, people, kuckuck, gwa_colleague):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(gwa_colleague)
    before = snapshot(entry)

    response = client.post(url(entry, "review"), {"decision": "approve", "version": entry.version})

    assert response.status_code == 403
    assert OWN_RESSORT in response.text
    assert snapshot(entry) == before


def test_a_gwa_of_another_quarter_gets_a_404_for_the_review_page(client, people, kuckuck):
    entry = entry_in("submitted", kuckuck, people["qm"])
    client.force_login(people["gwa_other"])
    before = snapshot(entry)

    response = client.post(url(entry, "review"), {"decision": "approve", "version": entry.version})

    assert response.status_code == 404
    assert snapshot(entry) == before


@pytest.mark.parametrize("state", ["draft", "approved", "returned", "pending_draft"])
@pytest.mark.parametrize("decision", ["approve", "return"])
def test_approving_or_returning_an_entry_that_is_not_submitted_is_refused_over_http(
    client, people, kuckuck, state, decision
):
    entry = entry_in(state, kuckuck, people["gwa"])
    client.force_login(people["qm"])
    before = snapshot(entry)

    response = client.post(
        url(entry, "review"), {"decision": decision, "comment": RETURN_COMMENT, "version": entry.version}
    )

    assert response.status_code == 403
    assert NOT_SUBMITTED in response.text
    assert snapshot(entry) == before


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_a_decision_on_an_older_version_is_refused_with_409(client, people, kuckuck, decision):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people["qm"])
    before = snapshot(entry)

    response = client.post(
        url(entry, "review"), {"decision": decision, "comment": RETURN_COMMENT, "version": entry.version - 1}
    )

    assert response.status_code == 409
    assert STALE in response.text
    assert snapshot(entry) == before


def test_after_a_stale_decision_the_review_page_lets_the_reviewer_decide_on_the_current_version(
    client, people, kuckuck, qm_colleague
):
    # The 409 page shows the entry as it is now ("check their changes before you go on"). Its form must then carry
    # the version it shows, as the edit form's stale refusal does (``EntryForm.mark_stale``); otherwise confirming
    # from that page is refused again and again.
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people["qm"])
    opened = client.get(url(entry, "review"))
    seen_version = opened.context["form"]["version"].value()
    return_for_revision(entry, actor=qm_colleague, comment=RETURN_COMMENT)
    edit(entry, people["gwa"], title="Sprachcafé mit Uhrzeit")
    submit_for_review(entry, actor=people["gwa"])

    stale = client.post(url(entry, "review"), {"decision": "approve", "version": seen_version})

    assert stale.status_code == 409
    assert "Sprachcafé mit Uhrzeit" in stale.text
    offered = re.search(r'name="version" value="(\d+)"', stale.text).group(1)
    assert int(offered) == reload(entry).version
    again = client.post(url(entry, "review"), {"decision": "approve", "version": offered})
    assert again.status_code == 302
    assert reload(entry).review_state == APPROVED


def test_a_decision_on_an_older_version_is_refused_by_the_service(people, kuckuck):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    before = snapshot(entry)

    with pytest.raises(StaleEntry):
        approve(entry, actor=people["qm"], version=entry.version - 1)

    assert snapshot(entry) == before


def test_submitting_an_older_version_is_refused_with_a_clear_message(client, people, kuckuck):
    entry = entry_in("draft", kuckuck, people["gwa"])
    edit(entry, people["qm"], title="Von QM geändert")
    client.force_login(people["gwa"])
    before = snapshot(entry)

    response = client.post(url(entry, "submit"), {"version": 1}, follow=True)

    assert response.redirect_chain == [(url(entry, "detail"), 302)]
    assert any(STALE in message for message in messages_of(response))
    assert STALE in response.text
    assert snapshot(entry) == before


def test_an_edit_on_an_older_version_is_refused_with_409_in_german_and_changes_nothing(client, people, kuckuck):
    entry = entry_in("draft", kuckuck, people["gwa"])
    loaded = form_data(entry, title="Sprachcafé der GWA")
    edit(entry, people["qm"], title="Sprachcafé des QM")
    client.force_login(people["gwa"])
    before = snapshot(entry)

    response = client.post(url(entry, "update"), loaded)

    assert response.status_code == 409
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.text
    assert str(people["qm"]) in response.text
    # The whole refusal is German: no English fragment in the list of what changed meanwhile.
    assert "Changed meanwhile" not in response.text
    assert snapshot(entry) == before


def test_submitting_twice_is_refused_the_second_time_and_logged_once(client, people, kuckuck):
    entry = entry_in("draft", kuckuck, people["gwa"])
    client.force_login(people["gwa"])

    first = client.post(url(entry, "submit"), {"version": entry.version})
    after_first = snapshot(entry)
    second = client.post(url(entry, "submit"), {"version": entry.version})

    assert first.status_code == 302
    assert second.status_code == 403
    assert ALREADY_SUBMITTED in second.text
    assert snapshot(entry) == after_first
    assert (after_first["review_state"], after_first["version"]) == (SUBMITTED, 2)
    assert log_rows(entry, "submitted").count() == 1


def test_a_submit_without_a_version_is_refused_with_400(client, people, kuckuck):
    entry = entry_in("draft", kuckuck, people["gwa"])
    client.force_login(people["gwa"])
    before = snapshot(entry)

    response = client.post(url(entry, "submit"), {})

    assert response.status_code == 400
    assert snapshot(entry) == before


def test_an_unknown_decision_is_refused_with_400(client, people, kuckuck):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people["qm"])
    before = snapshot(entry)

    response = client.post(url(entry, "review"), {"decision": "publish", "version": entry.version})

    assert response.status_code == 400
    assert snapshot(entry) == before


def test_submitting_an_approved_entry_is_refused_over_http(client, people, kuckuck):
    entry = entry_in("approved", kuckuck, people["gwa"])
    client.force_login(people["gwa"])
    before = snapshot(entry)

    response = client.post(url(entry, "submit"), {"version": entry.version})

    assert response.status_code == 403
    assert NOTHING_TO_SUBMIT in response.text
    assert snapshot(entry) == before


def test_editing_an_entry_under_review_is_refused_over_http(client, people, kuckuck):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people["gwa"])
    before = snapshot(entry)

    response = client.post(url(entry, "update"), form_data(entry, title="Heimlich geändert"))

    assert response.status_code == 403
    assert UNDER_REVIEW in response.text
    assert snapshot(entry) == before


@pytest.mark.parametrize("person", ["familie", "leitung"])
def test_roles_that_only_read_cannot_submit_by_posting(client, people, kuckuck, person):
    entry = entry_in("draft", kuckuck, people["gwa"])
    client.force_login(people[person])
    before = snapshot(entry)

    response = client.post(url(entry, "submit"), {"version": entry.version})

    assert response.status_code == 403
    assert snapshot(entry) == before


# --- 4. The approved version stays live ----------------------------------------------------------------------------


def public_page(kuckuck):
    response = Client().get(reverse("verzeichnis:quartier", args=[kuckuck.slug]))
    assert response.status_code == 200
    return response.text


def test_an_approved_offer_stays_live_until_its_change_is_approved(client, people, kuckuck):
    angebot = live_angebot(kuckuck, title="Sprachcafé")
    assert "Sprachcafé" in public_page(kuckuck)

    client.force_login(people["gwa"])
    response = client.post(url(angebot, "update"), form_data(angebot, title="Männertreff am Mittwoch"))
    assert response.status_code == 302, response.context["form"].errors if response.context else response

    angebot = reload(angebot)
    assert angebot.title == "Sprachcafé"
    assert angebot.pending["title"] == "Männertreff am Mittwoch"
    page = public_page(kuckuck)
    assert "Sprachcafé" in page
    assert "Männertreff am Mittwoch" not in page

    assert client.post(url(angebot, "submit"), {"version": angebot.version}).status_code == 302
    angebot = reload(angebot)
    page = public_page(kuckuck)
    assert "Sprachcafé" in page
    assert "Männertreff am Mittwoch" not in page

    client.force_login(people["qm"])
    response = client.post(url(angebot, "review"), {"decision": "approve", "version": angebot.version})
    assert response.status_code == 302

    page = public_page(kuckuck)
    assert "Männertreff am Mittwoch" in page
    assert "Sprachcafé" not in page
    assert reload(angebot).pending is None


def test_the_review_page_shows_the_approved_and_the_proposed_value_side_by_side(client, people, kuckuck):
    angebot = live_angebot(kuckuck, title="Sprachcafé")
    edit(angebot, people["gwa"], title="Männertreff am Mittwoch")
    submit_for_review(angebot, actor=people["gwa"])
    client.force_login(people["qm"])

    response = client.get(url(angebot, "review"))

    assert response.status_code == 200
    assert "<del>Sprachcafé</del>" in response.text
    assert "<ins>Männertreff am Mittwoch</ins>" in response.text
    assert 'class="diff-changed"' in response.text
    changed = {row.name for row in response.context["diff"] if row.changed}
    assert changed == {"title"}


def test_the_review_page_shows_a_moved_offer_with_its_old_and_its_new_meeting_point(client, people, kuckuck):
    angebot = live_angebot(kuckuck, title="Sprachcafé")
    familienzentrum = f.TreffpunktFactory(quartier=kuckuck, approved=True, name="Familienzentrum Kuckuck")
    edit(angebot, people["gwa"], treffpunkt=familienzentrum.pk)
    submit_for_review(angebot, actor=people["gwa"])
    client.force_login(people["qm"])

    response = client.get(url(angebot, "review"))

    assert "<del>Stadtteiltreff Kuckuck</del>" in response.text
    assert "<ins>Familienzentrum Kuckuck</ins>" in response.text
    assert reload(angebot).treffpunkt.name == "Stadtteiltreff Kuckuck"


def test_a_change_of_target_groups_waits_in_the_proposal_and_is_applied_on_approval(client, people, kuckuck):
    familien = f.ZielgruppeFactory(name="Familien")
    senioren = f.ZielgruppeFactory(name="Seniorinnen und Senioren")
    angebot = live_angebot(kuckuck, zielgruppen=[familien])
    client.force_login(people["gwa"])

    response = client.post(url(angebot, "update"), form_data(angebot, zielgruppen=[familien.pk, senioren.pk]))

    assert response.status_code == 302
    angebot = reload(angebot)
    assert list(angebot.zielgruppen.all()) == [familien]
    assert angebot.pending["zielgruppen"] == sorted([familien.pk, senioren.pk])

    submit_for_review(angebot, actor=people["gwa"])
    client.force_login(people["qm"])
    review = client.get(url(angebot, "review"))
    assert "<ins>Familien, Seniorinnen und Senioren</ins>" in review.text
    assert client.post(url(angebot, "review"), {"decision": "approve", "version": angebot.version + 1}).status_code == (
        302
    )

    angebot = reload(angebot)
    assert set(angebot.zielgruppen.all()) == {familien, senioren}
    assert angebot.pending is None
    assert log_rows(angebot, "approved").get().data["changes"]["zielgruppen"] == [
        "Familien",
        "Familien, Seniorinnen und Senioren",
    ]


def test_closing_an_approved_meeting_point_takes_it_off_the_public_page_only_once_approved(client, people, kuckuck):
    angebot = live_angebot(kuckuck, title="Sprachcafé")
    treffpunkt = angebot.treffpunkt
    client.force_login(people["gwa"])

    response = client.post(
        url(treffpunkt, "update"), form_data(treffpunkt, status=Treffpunkt.Status.CLOSED, closed_on="2030-06-30")
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert reload(treffpunkt).status != Treffpunkt.Status.CLOSED
    assert "Stadtteiltreff Kuckuck" in public_page(kuckuck)

    submit_for_review(treffpunkt, actor=people["gwa"])
    approve(treffpunkt, actor=people["qm"])

    assert reload(treffpunkt).status == Treffpunkt.Status.CLOSED
    page = public_page(kuckuck)
    assert "Stadtteiltreff Kuckuck" not in page
    assert "Sprachcafé" not in page


def test_a_returned_change_never_reaches_the_public_page(people, kuckuck):
    angebot = live_angebot(kuckuck, title="Sprachcafé")
    edit(angebot, people["gwa"], title="Männertreff am Mittwoch")
    submit_for_review(angebot, actor=people["gwa"])
    return_for_revision(angebot, actor=people["qm"], comment=RETURN_COMMENT)

    page = public_page(kuckuck)

    assert "Sprachcafé" in page
    assert "Männertreff am Mittwoch" not in page


# --- 5. Audit ----------------------------------------------------------------------------------------------------


def test_an_entry_created_in_the_portal_is_a_draft_and_logged_as_created(client, people, kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    kategorie = f.KategorieFactory()
    client.force_login(people["gwa"])

    response = client.post(
        reverse("treffpunkte:angebot-create"),
        {
            "title": "Nähcafé",
            "quartier": kuckuck.pk,
            "treffpunkt": treffpunkt.pk,
            "kategorie": kategorie.pk,
            **parts_management(Angebot),
        },
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    angebot = Angebot.objects.get(title="Nähcafé")
    assert (angebot.review_state, angebot.version, angebot.approved_at) == (DRAFT, 1, None)
    row = log_rows(angebot).get()
    assert (row.action, row.actor) == ("treffpunkte.angebot.created", people["gwa"])
    assert row.data["changes"]["title"] == ["", "Nähcafé"]
    assert "Nähcafé" not in public_page(kuckuck)


def test_every_step_writes_a_log_row_with_its_actor_and_action_code(people, kuckuck):
    gwa, qm, familie = people["gwa"], people["qm"], people["familie"]
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    kategorie = f.KategorieFactory()
    form = AngebotForm(
        {
            "title": "Sprachcafé",
            "quartier": kuckuck.pk,
            "treffpunkt": treffpunkt.pk,
            "kategorie": kategorie.pk,
            "free_of_charge": "on",
        },
        user=gwa,
    )
    assert form.is_valid(), form.errors
    entry = save_entry(form, actor=gwa)
    edit(entry, gwa, title="Sprachcafé am Dienstag")
    submit_for_review(entry, actor=gwa)
    return_for_revision(entry, actor=qm, comment=RETURN_COMMENT)
    add_comment(entry, actor=familie, text="Wir kommen gern mit den Familien vorbei.")
    submit_for_review(entry, actor=gwa)
    approve(entry, actor=qm)

    steps = [(row.action, row.actor) for row in log_rows(entry).order_by("created_at", "pk")]
    assert steps == [
        ("treffpunkte.angebot.created", gwa),
        ("treffpunkte.angebot.changed", gwa),
        ("treffpunkte.angebot.submitted", gwa),
        ("treffpunkte.angebot.returned", qm),
        ("treffpunkte.angebot.commented", familie),
        ("treffpunkte.angebot.submitted", gwa),
        ("treffpunkte.angebot.approved", qm),
    ]
    changed = log_rows(entry, "changed").get()
    assert changed.data["changes"]["title"] == ["Sprachcafé", "Sprachcafé am Dienstag"]
    assert log_rows(entry, "returned").get().data["comment"] == RETURN_COMMENT
    assert log_rows(entry, "approved").get().data["version"] == reload(entry).version


def test_an_approval_that_fails_validation_changes_and_logs_nothing(people, kuckuck):
    entry = entry_in("pending_submitted", kuckuck, people["gwa"])
    entry.pending = {"title": ""}
    entry.save()
    before = snapshot(entry)

    with pytest.raises(ReviewError, match="Die Änderung lässt sich nicht mehr übernehmen"):
        approve(entry, actor=people["qm"])

    assert snapshot(entry) == before
    assert not log_rows(entry, "approved").exists()


@pytest.mark.parametrize("step", ["edit", "submit", "approve", "return", "comment"])
def test_a_step_whose_log_row_cannot_be_written_is_undone(monkeypatch, people, kuckuck, step):
    state = {"edit": "draft", "submit": "draft", "comment": "approved"}.get(step, "submitted")
    entry = entry_in(state, kuckuck, people["gwa"])
    before = snapshot(entry)

    def broken_log(*args, **kwargs):
        raise RuntimeError("Das Protokoll ist nicht erreichbar.")

    monkeypatch.setattr(services, "log", broken_log)

    with pytest.raises(RuntimeError):
        if step == "comment":
            add_comment(entry, actor=people["qm"], text="Sieht gut aus.")
        else:
            perform(step, entry, people)

    assert snapshot(entry) == before


def test_a_log_row_cannot_be_changed_or_deleted(people, kuckuck):
    entry = entry_in("draft", kuckuck, people["gwa"])
    submit_for_review(entry, actor=people["gwa"])
    row = log_rows(entry).get()

    row.action = "treffpunkte.angebot.approved"
    with pytest.raises(AuditLogError):
        row.save()
    with pytest.raises(AuditLogError):
        row.delete()
    with pytest.raises(AuditLogError):
        LogEntry.objects.filter(pk=row.pk).update(action="treffpunkte.angebot.approved")
    with pytest.raises(AuditLogError):
        LogEntry.objects.filter(pk=row.pk).delete()

    assert LogEntry.objects.get(pk=row.pk).action == "treffpunkte.angebot.submitted"


def admin_change_url(entry):
    return reverse(f"admin:{entry._meta.app_label}_{entry._meta.model_name}_change", args=[entry.pk])


def test_an_admin_edit_of_an_approved_entry_becomes_a_logged_proposal(client, people, kuckuck):
    angebot = live_angebot(kuckuck, title="Sprachcafé")
    client.force_login(people["admin"])
    data = {**form_data(angebot, title="Sprachcafé international"), **inline_management_forms()}

    response = client.post(admin_change_url(angebot), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    angebot = reload(angebot)
    assert angebot.title == "Sprachcafé"
    assert angebot.pending["title"] == "Sprachcafé international"
    assert angebot.review_state == DRAFT
    assert angebot.version == 2
    row = log_rows(angebot).get()
    assert (row.action, row.actor) == ("treffpunkte.angebot.changed", people["admin"])
    assert row.data["changes"]["title"] == ["Sprachcafé", "Sprachcafé international"]
    assert row.data["proposed"] is True
    assert "Sprachcafé international" not in public_page(kuckuck)


def test_an_admin_change_of_target_groups_of_an_approved_entry_waits_in_the_proposal(client, people, kuckuck):
    familien = f.ZielgruppeFactory(name="Familien")
    senioren = f.ZielgruppeFactory(name="Seniorinnen und Senioren")
    angebot = live_angebot(kuckuck, zielgruppen=[familien])
    client.force_login(people["admin"])
    data = {**form_data(angebot, zielgruppen=[senioren.pk]), **inline_management_forms()}

    response = client.post(admin_change_url(angebot), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    angebot = reload(angebot)
    assert list(angebot.zielgruppen.all()) == [familien]
    assert angebot.pending["zielgruppen"] == [senioren.pk]


def test_an_admin_edit_of_a_draft_is_logged_and_saved_in_the_row(client, people, kuckuck):
    entry = entry_in("draft", kuckuck, people["gwa"])
    client.force_login(people["admin"])
    data = {**form_data(entry, title="Vom Admin korrigiert"), **inline_management_forms()}

    response = client.post(admin_change_url(entry), data)

    assert response.status_code == 302
    assert reload(entry).title == "Vom Admin korrigiert"
    row = log_rows(entry).get()
    assert (row.action, row.actor) == ("treffpunkte.angebot.changed", people["admin"])


def test_an_admin_edit_without_the_loaded_version_is_refused_and_changes_nothing(client, people, kuckuck):
    angebot = live_angebot(kuckuck, title="Sprachcafé")
    client.force_login(people["admin"])
    data = {**form_data(angebot, title="Sprachcafé international"), **inline_management_forms()}
    del data["loaded_version"]
    before = snapshot(angebot)

    response = client.post(admin_change_url(angebot), data)

    assert response.status_code == 200
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.text
    assert snapshot(angebot) == before


def test_an_entry_under_review_cannot_be_edited_in_the_admin(client, people, kuckuck):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people["admin"])
    before = snapshot(entry)

    response = client.post(admin_change_url(entry), {**form_data(entry, title="Heimlich"), **inline_management_forms()})

    assert response.status_code == 403
    assert snapshot(entry) == before


def test_an_admin_addition_is_logged_as_created(client, people, kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    kategorie = f.KategorieFactory()
    client.force_login(people["admin"])
    data = {
        "title": "Nähcafé",
        "quartier": kuckuck.pk,
        "treffpunkt": treffpunkt.pk,
        "kategorie": kategorie.pk,
        "free_of_charge": "on",
        **inline_management_forms(),
    }

    response = client.post(reverse("admin:treffpunkte_angebot_add"), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    angebot = Angebot.objects.get(title="Nähcafé")
    assert angebot.review_state == DRAFT
    row = log_rows(angebot).get()
    assert (row.action, row.actor) == ("treffpunkte.angebot.created", people["admin"])


def test_the_admin_submit_action_is_logged_and_skips_what_cannot_be_submitted(client, people, kuckuck):
    draft = entry_in("draft", kuckuck, people["gwa"])
    approved = entry_in("approved", kuckuck, people["gwa"])
    client.force_login(people["admin"])

    response = client.post(
        reverse("admin:treffpunkte_angebot_changelist"),
        {"action": "submit_selected", "_selected_action": [draft.pk, approved.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert reload(draft).review_state == SUBMITTED
    assert reload(approved).review_state == APPROVED
    assert (log_rows(draft, "submitted").get().actor) == people["admin"]
    assert not log_rows(approved).exists()
    assert any(NOTHING_TO_SUBMIT in message for message in messages_of(response))


def test_the_history_page_lists_every_step_with_who_did_it(client, people, kuckuck):
    gwa, qm = people["gwa"], people["qm"]
    angebot = live_angebot(kuckuck, title="Sprachcafé")
    edit(angebot, gwa, title="Sprachcafé am Dienstag")
    submit_for_review(angebot, actor=gwa)
    return_for_revision(angebot, actor=qm, comment=RETURN_COMMENT)
    add_comment(angebot, actor=gwa, text="Uhrzeit ist ergänzt.")
    submit_for_review(angebot, actor=gwa)
    approve(angebot, actor=qm)
    client.force_login(people["leitung"])

    response = client.get(url(angebot, "history"))

    assert response.status_code == 200
    steps = [step.verb for step, _changes in response.context["steps"]]
    assert steps == ["approved", "submitted", "commented", "returned", "submitted", "changed"]
    for words in (
        "Geändert",
        "Zur Prüfung eingereicht",
        "Zur Überarbeitung zurückgegeben",
        "Kommentiert",
        "Freigegeben",
        "als Vorschlag",
        RETURN_COMMENT,
        "Uhrzeit ist ergänzt.",
        "Sprachcafé am Dienstag",
        str(gwa),
        str(qm),
    ):
        assert words in response.text, words


# --- 6. Comments -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted", "approved", "returned", "pending_draft"])
@pytest.mark.parametrize("person", ["qm", "gwa", "familie", "leitung", "admin"])
def test_anyone_with_a_role_in_the_quarter_can_comment_at_any_state(client, people, kuckuck, state, person):
    entry = entry_in(state, kuckuck, people["gwa"])
    client.force_login(people[person])
    before = snapshot(entry)

    response = client.post(url(entry, "comment"), {"text": "Bitte an die Ferienzeiten denken."})

    assert response.status_code == 302
    comment = comments_of(entry).get()
    assert (comment.author, comment.kind, comment.text) == (
        people[person],
        Comment.Kind.COMMENT,
        "Bitte an die Ferienzeiten denken.",
    )
    row = log_rows(entry, "commented").get()
    assert row.actor == people[person]
    after = snapshot(entry)
    # A comment is no edit: state, version and content stay as they were.
    for key in ("review_state", "version", "pending", "title", "approved_at"):
        assert after[key] == before[key], key


@pytest.mark.parametrize(("person", "status"), [("gwa_other", 404), ("norole", 403)])
def test_people_outside_the_quarter_or_without_a_role_cannot_comment(client, people, kuckuck, person, status):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people[person])

    response = client.post(url(entry, "comment"), {"text": "Hallo"})

    assert response.status_code == status
    assert not comments_of(entry).exists()
    assert not log_rows(entry).exists()


def test_a_comment_by_an_anonymous_visitor_is_sent_to_the_login(client, people, kuckuck):
    entry = entry_in("approved", kuckuck, people["gwa"])

    response = client.post(url(entry, "comment"), {"text": "Hallo"})

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not comments_of(entry).exists()


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_comment_gets_a_german_error_next_to_the_field_and_saves_nothing(client, people, kuckuck, text):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    client.force_login(people["qm"])
    before = snapshot(entry)

    response = client.post(url(entry, "comment"), {"text": text})

    assert response.status_code == 400
    assert response.context["comment_form"].errors["text"] == [REQUIRED]
    assert REQUIRED in response.text
    assert snapshot(entry) == before


def test_an_empty_comment_is_refused_by_the_service(people, kuckuck):
    entry = entry_in("draft", kuckuck, people["gwa"])

    with pytest.raises(ReviewError, match="Der Kommentar ist leer"):
        add_comment(entry, actor=people["qm"], text=" \n ")

    assert not comments_of(entry).exists()
    assert not log_rows(entry).exists()


def test_the_author_hears_of_a_comment_and_the_commenter_does_not(people, kuckuck):
    entry = entry_in("submitted", kuckuck, people["gwa"])
    entry.created_by = people["gwa"]
    entry.save()

    add_comment(entry, actor=people["familie"], text="Wir kommen gern vorbei.")

    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"gwa"}


def test_the_submitted_ressort_is_the_submitters(people, kuckuck):
    entry = entry_in("draft", kuckuck, None)

    submit_for_review(entry, actor=people["qm"])

    assert reload(entry).submitted_ressort == Ressort.STADTENTWICKLUNG
