"""Who may do what with a content entry: role × Ressort × covered quarter × entry state × action.

The expected answers come from ``expected`` below, a plain reading of the review rule (DESIGN.md and the apps'
``rules.py`` docstrings), written without the predicates of ``hameln_quartiere.rules``. The same table is
checked three ways: through ``rules.has_perm``, through the review services, and through the portal's HTTP
endpoints, where a refused step must also leave the database as it was.
"""

import dataclasses

import pytest
import rules
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from hameln_quartiere import rules as entry_rules
from hameln_quartiere.models import Comment, LogEntry, Ressort, ReviewedModel, ReviewState, Role
from hameln_quartiere.rules import may, perm_name
from hameln_quartiere.services import (
    ReviewError,
    add_comment,
    approve,
    delete_entry,
    return_for_revision,
    submit_for_review,
)
from handlungskonzepte.forms import ZielForm
from tests import factories as f
from tests.formdata import parts_management
from treffpunkte.forms import AngebotForm
from treffpunkte.models import Angebot

# --- The expected permission table, from the description of the review rule -------------------------------

ALL_QUARTERS = frozenset({"kuckuck", "nordstadt"})


@dataclasses.dataclass(frozen=True)
class Person:
    role: str
    ressort: str
    quarters: frozenset


# The people of the ``people`` fixture (tests/review/conftest.py), described again here by hand.
PEOPLE = {
    "qm": Person("qm", "stadtentwicklung", ALL_QUARTERS),
    "gwa": Person("gwa", "familie_soziales", frozenset({"kuckuck"})),
    "gwa_other": Person("gwa", "familie_soziales", frozenset({"nordstadt"})),
    "familie": Person("familienfoerderung", "familie_soziales", frozenset({"kuckuck"})),
    "leitung": Person("leitung", "stadtentwicklung", ALL_QUARTERS),
    "admin": Person("admin", "", ALL_QUARTERS),
    "norole": Person("", "", frozenset()),
}

# Content model of each kind, and the roles that write it (the city admins write everything besides).
KINDS = {
    "treffpunkt": ("treffpunkte.Treffpunkt", {"qm", "gwa"}),
    "angebot": ("treffpunkte.Angebot", {"qm", "gwa"}),
    "befund": ("handlungskonzepte.Befund", {"qm", "gwa"}),
    "massnahme": ("handlungskonzepte.Massnahme", {"qm", "gwa"}),
    "handlungskonzept": ("handlungskonzepte.Handlungskonzept", {"qm"}),
    "ziel": ("handlungskonzepte.Ziel", {"qm"}),
    "jahresziel": ("quartiere.Jahresziel", {"qm"}),
    "sitzung": ("zusammenarbeit.Sitzung", {"qm", "gwa"}),
    "praxisbeispiel": ("zusammenarbeit.Praxisbeispiel", {"qm", "gwa"}),
}

# Entry states as the matrix sees them: the review state, and whether an approved version exists ("live").
STATES = {
    "draft": ("draft", False),
    "draft-live": ("draft", True),  # an approved entry with a proposed change not yet submitted
    "submitted": ("submitted", False),
    "submitted-live": ("submitted", True),
    "approved": ("approved", True),
    "returned": ("returned", False),
    "returned-live": ("returned", True),
}

# Who submitted the entry (for a draft: who created it). Their Ressort is the entry's submitted Ressort.
AUTHORS = ("qm", "gwa", "admin")

ACTIONS = ("view", "add", "change", "delete", "submit", "review", "override", "comment")


@dataclasses.dataclass(frozen=True)
class Situation:
    kind: str
    quarter: str
    state: str
    author: str
    # Someone who wrote part of the version under review besides the author (``contributors``).
    contributor: str | None = None


def expected(person_key, action, situation):
    """Whether ``person_key`` may do ``action`` with an entry in ``situation``, by the review rule."""
    person = PEOPLE[person_key]
    review_state, live = STATES[situation.state]
    has_role = person.role != ""
    is_admin = person.role == "admin"
    in_scope = has_role and situation.quarter in person.quarters
    edits = is_admin or (person.role in KINDS[situation.kind][1] and in_scope)
    submitted = review_state == "submitted"
    never_approved = not live and review_state != "approved"
    was_submitted = review_state != "draft"
    # Nobody decides on a version they submitted or wrote part of.
    is_submitter = was_submitted and situation.author == person_key
    is_submitter = is_submitter or situation.contributor == person_key
    submitted_ressort = PEOPLE[situation.author].ressort if was_submitted else ""
    own_ressort = submitted_ressort != "" and submitted_ressort == person.ressort

    if action in ("view", "comment"):
        return in_scope
    if action == "add":
        return edits
    if action == "change":
        return edits and not submitted
    if action == "submit":
        return edits and review_state in ("draft", "returned")
    if action == "delete":
        return is_admin or (edits and never_approved and not submitted)
    if action == "review":
        return person.role in ("qm", "gwa") and in_scope and submitted and not is_submitter and not own_ressort
    if action == "override":
        return is_admin and submitted and not is_submitter
    raise AssertionError(f"unknown action {action}")


def expected_model_level_add(person_key, kind):
    person = PEOPLE[person_key]
    return person.role == "admin" or person.role in KINDS[kind][1]


def allowed_word(value):
    return "allowed" if value else "refused"


# --- Helpers ------------------------------------------------------------------------------------------------


def model_of(kind):
    return apps.get_model(KINDS[kind][0])


def build(make_entry, people, quartiere, situation):
    review_state, live = STATES[situation.state]
    entry = make_entry(
        situation.kind, quartiere[situation.quarter], review_state, author=people[situation.author], live=live
    )
    if situation.contributor is not None:
        entry.contributors.add(people[situation.contributor])
    return entry


@pytest.fixture
def quartiere(kuckuck, nordstadt):
    return {"kuckuck": kuckuck, "nordstadt": nordstadt}


def label_field(model):
    return "name" if model._meta.model_name == "treffpunkt" else "title"


def snapshot(entry):
    """What a refused step must not touch: the row's review fields and title, its comments and its history."""
    model = type(entry)
    content_type = ContentType.objects.get_for_model(model)
    row = (
        model.objects.filter(pk=entry.pk)
        .values(
            "review_state",
            "version",
            "pending",
            "approved_at",
            "approved_by_id",
            "submitted_by_id",
            "submitted_ressort",
            "override_reason",
            label_field(model),
        )
        .first()
    )
    return {
        "row": row,
        "comments": Comment.objects.filter(content_type=content_type, object_id=entry.pk).count(),
        "log": LogEntry.objects.filter(content_type=content_type, object_id=str(entry.pk)).count(),
    }


def current(entry):
    return type(entry).objects.filter(pk=entry.pk).first()


# --- The table describes the people the tests use ------------------------------------------------------------


def test_the_people_fixture_matches_the_table_of_people(people):
    for key, person in PEOPLE.items():
        user = people[key]
        assert (user.role, user.ressort) == (person.role, person.ressort), key
        if person.quarters != ALL_QUARTERS:
            assert {q.slug for q in user.quartiere.all()} == person.quarters, key
        else:
            assert user.covers_all_quarters, key


def test_the_table_knows_every_action_and_every_content_model():
    assert set(ACTIONS) == set(entry_rules.ACTIONS)
    reviewed = {model._meta.label for model in apps.get_models() if issubclass(model, ReviewedModel)}
    assert reviewed == {label for label, _roles in KINDS.values()}


def test_the_table_reads_the_review_rule_as_described():
    """A few rows of the table spelled out, so that the table itself is checked against the description."""
    submitted_by_qm = Situation("angebot", "kuckuck", "submitted", "qm")
    submitted_by_gwa = Situation("angebot", "kuckuck", "submitted", "gwa")
    assert expected("gwa", "review", submitted_by_qm)
    assert not expected("gwa", "review", submitted_by_gwa)
    assert not expected("gwa_other", "review", Situation("angebot", "nordstadt", "submitted", "gwa"))
    assert not expected("gwa_other", "review", submitted_by_qm)
    assert expected("qm", "review", submitted_by_gwa)
    assert not expected("qm", "review", submitted_by_qm)
    assert not expected("admin", "review", submitted_by_gwa)
    assert expected("admin", "override", submitted_by_gwa)
    assert not expected("admin", "override", Situation("angebot", "kuckuck", "submitted", "admin"))
    assert not expected("familie", "review", submitted_by_qm)
    assert expected("familie", "comment", submitted_by_qm)
    assert not expected("gwa", "change", Situation("ziel", "kuckuck", "draft", "qm"))
    assert not expected("gwa", "delete", Situation("angebot", "kuckuck", "draft-live", "gwa"))
    assert expected("admin", "delete", Situation("angebot", "kuckuck", "approved", "qm"))
    assert not expected("norole", "view", submitted_by_qm)


# --- 1. The matrix through rules.has_perm ----------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("quarter", sorted(ALL_QUARTERS))
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("person", PEOPLE)
def test_has_perm_answers_as_the_permission_table_says(
    people, quartiere, entry_factory, person, state, quarter, action
):
    """One role, state, quarter and action; every kind of entry, submitted (or created) by each author."""
    mismatches = []
    for kind in KINDS:
        for author in AUTHORS:
            situation = Situation(kind, quarter, state, author)
            entry = build(entry_factory, people, quartiere, situation)
            actual = rules.has_perm(perm_name(type(entry), action), people[person], entry)
            want = expected(person, action, situation)
            if actual != want:
                mismatches.append(
                    f"  {kind} by {author}: expected {allowed_word(want)}, has_perm says {allowed_word(actual)}"
                )
    assert not mismatches, f"May {person} {action} a {state} entry in {quarter}?\n" + "\n".join(mismatches)


@pytest.mark.parametrize("author", AUTHORS)
@pytest.mark.parametrize("contributor", PEOPLE)
def test_nobody_decides_on_a_version_they_wrote_part_of(people, quartiere, entry_factory, contributor, author):
    """A submitted entry with a second writer: neither the submitter nor the writer may review or override it."""
    mismatches = []
    for kind in KINDS:
        for quarter in sorted(ALL_QUARTERS):
            situation = Situation(kind, quarter, "submitted", author, contributor)
            entry = build(entry_factory, people, quartiere, situation)
            for person in PEOPLE:
                for action in ("review", "override", "comment", "delete"):
                    actual = rules.has_perm(perm_name(type(entry), action), people[person], entry)
                    want = expected(person, action, situation)
                    if actual != want:
                        mismatches.append(
                            f"  {person} {action} {kind} in {quarter}: expected {allowed_word(want)}, "
                            f"has_perm says {allowed_word(actual)}"
                        )
    assert not mismatches, f"Submitted by {author}, written partly by {contributor}:\n" + "\n".join(mismatches)


# --- 2. Model-level questions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("person", PEOPLE)
def test_may_add_a_kind_of_entry_only_as_editor_of_that_kind(people, person, kind):
    assert may(people[person], "add", model_of(kind)) == expected_model_level_add(person, kind)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("person", PEOPLE)
def test_the_create_page_is_open_only_to_editors_of_that_kind(client, people, person, kind):
    model = model_of(kind)
    client.force_login(people[person])
    response = client.get(reverse(f"{model._meta.app_label}:{model._meta.model_name}-create"))
    assert response.status_code == (200 if expected_model_level_add(person, kind) else 403)


# --- 3. The same table through the review services ---------------------------------------------------------------

SERVICE_STEPS = ("submit", "approve", "return", "comment", "delete")


def run_service(step, entry, user):
    if step == "submit":
        submit_for_review(entry, actor=user, version=entry.version)
    elif step == "approve":
        approve(entry, actor=user, version=entry.version, override_reason="Vertretung im Urlaub")
    elif step == "return":
        return_for_revision(
            entry, actor=user, comment="Bitte ergänzen.", version=entry.version, override_reason="Vertretung"
        )
    elif step == "comment":
        add_comment(entry, actor=user, text="Eine Anmerkung.")
    elif step == "delete":
        delete_entry(entry, actor=user)


def step_allowed(person, step, situation):
    if step in ("approve", "return"):
        return expected(person, "review", situation) or expected(person, "override", situation)
    return expected(person, step, situation)


@pytest.mark.parametrize("quarter", sorted(ALL_QUARTERS))
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("person", PEOPLE)
def test_services_refuse_exactly_what_the_table_refuses_and_change_nothing_then(
    people, quartiere, entry_factory, person, state, quarter
):
    mismatches = []
    for kind in ("angebot", "ziel"):
        for author in ("qm", "gwa"):
            situation = Situation(kind, quarter, state, author)
            for step in SERVICE_STEPS:
                entry = build(entry_factory, people, quartiere, situation)
                before = snapshot(entry)
                want = step_allowed(person, step, situation)
                try:
                    run_service(step, entry, people[person])
                except ReviewError:
                    actual = False
                    if snapshot(entry) != before:
                        mismatches.append(f"  {step} {kind} by {author}: refused but the database changed")
                else:
                    actual = True
                if actual != want:
                    mismatches.append(
                        f"  {step} {kind} by {author}: expected {allowed_word(want)}, service {allowed_word(actual)}"
                    )
    assert not mismatches, f"{person}, {state} entry in {quarter}:\n" + "\n".join(mismatches)


# --- 4. The same table through the portal's HTTP endpoints ----------------------------------------------------

# (page, method, rule action(s)) for each step a person can take in the portal.
HTTP_STEPS = {
    "detail": ("detail", "get", ("view",)),
    "history": ("history", "get", ("view",)),
    "update-page": ("update", "get", ("change",)),
    "update": ("update", "post", ("change",)),
    "submit-page": ("submit", "get", ("submit",)),
    "submit": ("submit", "post", ("submit",)),
    "review-page": ("review", "get", ("review", "override")),
    "review-approve": ("review", "post", ("review", "override")),
    "review-return": ("review", "post", ("review", "override")),
    "comment": ("comment", "post", ("comment",)),
    "delete-page": ("delete", "get", ("delete",)),
    "delete": ("delete", "post", ("delete",)),
}

# States and authors for the HTTP matrix: a submitted entry from either Ressort, the other states once.
HTTP_SITUATIONS = (
    ("draft", "qm"),
    ("draft-live", "gwa"),
    ("submitted", "qm"),
    ("submitted", "gwa"),
    ("submitted-live", "gwa"),
    ("approved", "qm"),
    ("returned", "gwa"),
    ("returned-live", "qm"),
)


NEW_TITLE = "Neuer Titel aus der Rechte-Matrix"
FORMS = {"angebot": AngebotForm, "ziel": ZielForm}


def update_data(entry):
    """The entry's form as a person would send it back, with a new title."""
    form = FORMS[entry._meta.model_name](instance=entry)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None:
            data[name] = value
    data["title"] = NEW_TITLE
    return {**data, **parts_management(entry)}


def post_data(step, entry):
    if step == "update":
        return update_data(entry)
    if step in ("submit", "delete"):
        return {"version": entry.version}
    if step == "review-approve":
        return {"decision": "approve", "comment": "", "version": entry.version, "override_reason": "Vertretung"}
    if step == "review-return":
        return {
            "decision": "return",
            "comment": "Bitte die Zeiten ergänzen.",
            "version": entry.version,
            "override_reason": "Vertretung",
        }
    if step == "comment":
        return {"text": "Sieht gut aus."}
    raise AssertionError(step)


def expected_response(person, step, situation):
    """``"login"``, ``403`` (no role), ``404`` (out of scope), ``"refused"`` (403 with a reason) or 200/302."""
    if person == "anonymous":
        return "login"
    if PEOPLE[person].role == "":
        return 403
    if not expected(person, "view", situation):
        return 404
    _page, method, actions = HTTP_STEPS[step]
    if not any(expected(person, action, situation) for action in actions):
        return "refused"
    return 200 if method == "get" else 302


def assert_effect(step, entry, before, user):
    """What an allowed POST must have changed."""
    after = current(entry)
    comments_added = snapshot(entry)["comments"] - before["comments"] if after is not None else None
    if step == "submit":
        assert after.review_state == ReviewState.SUBMITTED
        assert after.submitted_by_id == user.pk
        assert after.version == before["row"]["version"] + 1
    elif step == "review-approve":
        assert after.review_state == ReviewState.APPROVED
        assert after.approved_at is not None
        assert after.pending is None
    elif step == "review-return":
        assert after.review_state == ReviewState.RETURNED
        # The return comment, and for a city admin also the override's reason.
        assert comments_added == (2 if user.is_city_admin else 1)
    elif step == "comment":
        assert comments_added == 1
        assert after.review_state == before["row"]["review_state"]
    elif step == "delete":
        assert after is None
    elif step == "update":
        assert after.version == before["row"]["version"] + 1
        if before["row"]["approved_at"] is None:
            assert after.title == NEW_TITLE
            assert after.review_state == before["row"]["review_state"]
        else:
            # An approved entry keeps its approved version live; the change waits in ``pending``.
            assert after.title == before["row"]["title"]
            assert after.pending["title"] == NEW_TITLE
            was_approved = before["row"]["review_state"] == ReviewState.APPROVED
            assert after.review_state == (ReviewState.DRAFT if was_approved else before["row"]["review_state"])


@pytest.mark.parametrize("step", HTTP_STEPS)
@pytest.mark.parametrize("quarter", sorted(ALL_QUARTERS))
@pytest.mark.parametrize("kind", ("angebot", "ziel"))
@pytest.mark.parametrize(("state", "author"), HTTP_SITUATIONS)
@pytest.mark.parametrize("person", [*PEOPLE, "anonymous"])
def test_portal_answers_as_the_permission_table_says_and_a_refusal_changes_nothing(
    client, people, quartiere, entry_factory, person, state, author, kind, quarter, step
):
    situation = Situation(kind, quarter, state, author)
    entry = build(entry_factory, people, quartiere, situation)
    model = type(entry)
    page, method, _actions = HTTP_STEPS[step]
    url = reverse(f"{model._meta.app_label}:{model._meta.model_name}-{page}", args=[entry.pk])
    user = people.get(person)
    if user is not None:
        client.force_login(user)
    before = snapshot(entry)

    response = client.get(url) if method == "get" else client.post(url, post_data(step, entry))

    want = expected_response(person, step, situation)
    template_names = [template.name for template in response.templates]
    if want == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    elif want == "refused":
        assert response.status_code == 403, f"expected a refusal, got {response.status_code}"
        assert "portal/refused.html" in template_names
        assert response.context["reason"]
    else:
        assert response.status_code == want, f"expected {want}, got {response.status_code}"
        if want == 403:
            assert "portal/refused.html" not in template_names
    if want == 302:
        assert_effect(step, entry, before, user)
    else:
        assert snapshot(entry) == before


# --- 5. Scope: quarters not covered, anonymous visitors, people without a role ---------------------------------

ENTRY_PAGES = ("detail", "history", "update", "submit", "review", "delete")


@pytest.mark.parametrize("page", ENTRY_PAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_gwa_worker_gets_404_for_entries_in_a_quarter_they_do_not_cover(
    client, people, nordstadt, entry_factory, kind, page
):
    entry = entry_factory(kind, nordstadt, ReviewState.SUBMITTED, author=people["qm"])
    model = type(entry)
    client.force_login(people["gwa"])
    before = snapshot(entry)

    response = client.get(reverse(f"{model._meta.app_label}:{model._meta.model_name}-{page}", args=[entry.pk]))

    assert response.status_code == 404
    assert snapshot(entry) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_gwa_worker_cannot_post_to_entries_in_a_quarter_they_do_not_cover(
    client, people, nordstadt, entry_factory, kind
):
    entry = entry_factory(kind, nordstadt, ReviewState.SUBMITTED, author=people["qm"])
    model = type(entry)
    client.force_login(people["gwa"])
    before = snapshot(entry)
    prefix = f"{model._meta.app_label}:{model._meta.model_name}"

    responses = [
        client.post(reverse(f"{prefix}-review", args=[entry.pk]), {"decision": "approve", "version": entry.version}),
        client.post(reverse(f"{prefix}-comment", args=[entry.pk]), {"text": "Hallo"}),
        client.post(reverse(f"{prefix}-delete", args=[entry.pk]), {"version": entry.version}),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert snapshot(entry) == before


@pytest.mark.parametrize("person", ["gwa", "gwa_other", "familie"])
@pytest.mark.parametrize("kind", KINDS)
def test_list_pages_show_only_entries_in_the_quarters_a_person_covers(
    client, people, quartiere, entry_factory, kind, person
):
    entries = {quarter: entry_factory(kind, quartier) for quarter, quartier in quartiere.items()}
    model = type(entries["kuckuck"])
    client.force_login(people[person])

    response = client.get(reverse(f"{model._meta.app_label}:{model._meta.model_name}-list"))

    assert response.status_code == 200
    listed = {entry.pk for entry in response.context["object_list"]}
    assert listed == {entries[quarter].pk for quarter in PEOPLE[person].quarters}


@pytest.mark.parametrize("person", ["qm", "leitung", "admin"])
@pytest.mark.parametrize("kind", KINDS)
def test_list_pages_show_every_quarter_to_coordinator_leadership_and_admins(
    client, people, quartiere, entry_factory, kind, person
):
    entries = [entry_factory(kind, quartier) for quartier in quartiere.values()]
    model = type(entries[0])
    client.force_login(people[person])

    response = client.get(reverse(f"{model._meta.app_label}:{model._meta.model_name}-list"))

    assert {entry.pk for entry in response.context["object_list"]} == {entry.pk for entry in entries}


def portal_urls(entry):
    model = type(entry)
    prefix = f"{model._meta.app_label}:{model._meta.model_name}"
    return [
        reverse("portal"),
        reverse("review-queue"),
        reverse("my-submissions"),
        reverse("inbox"),
        reverse(f"{prefix}-list"),
        reverse(f"{prefix}-create"),
        *(reverse(f"{prefix}-{page}", args=[entry.pk]) for page in ENTRY_PAGES),
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, kuckuck, entry_factory, kind):
    entry = entry_factory(kind, kuckuck)
    login = reverse("login")
    for url in portal_urls(entry):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{login}?next={url}", url


@pytest.mark.parametrize("kind", KINDS)
def test_people_without_a_role_get_403_on_every_portal_page(client, people, kuckuck, entry_factory, kind):
    entry = entry_factory(kind, kuckuck, ReviewState.SUBMITTED, author=people["qm"])
    before = snapshot(entry)
    client.force_login(people["norole"])
    for url in portal_urls(entry):
        assert client.get(url).status_code == 403, url
    prefix = f"{entry._meta.app_label}:{entry._meta.model_name}"
    assert client.post(reverse(f"{prefix}-comment", args=[entry.pk]), {"text": "Hallo"}).status_code == 403
    assert client.post(reverse(f"{prefix}-delete", args=[entry.pk]), {"version": entry.version}).status_code == 403
    assert snapshot(entry) == before


def test_the_review_queue_holds_only_the_other_ressorts_entries_in_covered_quarters(
    client, people, kuckuck, nordstadt, entry_factory
):
    by_qm_here = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["qm"])
    entry_factory("angebot", nordstadt, ReviewState.SUBMITTED, author=people["qm"])
    entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa_other"])
    entry_factory("angebot", kuckuck, ReviewState.DRAFT, author=people["qm"])
    client.force_login(people["gwa"])

    response = client.get(reverse("review-queue"))

    assert [entry.pk for entry in response.context["entries"]] == [by_qm_here.pk]


# --- 6. The review rule, step by step, in sentences ---------------------------------------------------------


def review(client, entry, decision="approve", **extra):
    model = type(entry)
    url = reverse(f"{model._meta.app_label}:{model._meta.model_name}-review", args=[entry.pk])
    data = {"decision": decision, "comment": "Bitte ergänzen.", "version": entry.version, **extra}
    return client.post(url, data)


def test_gwa_cannot_approve_an_entry_submitted_by_gwa(client, people, kuckuck, entry_factory):
    colleague = f.UserFactory(username="gwa-kollegin", role=Role.GWA, quartiere=[kuckuck])
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=colleague)
    before = snapshot(entry)
    client.force_login(people["gwa"])

    response = review(client, entry)

    assert response.status_code == 403
    assert response.context["reason"]
    assert snapshot(entry) == before


def test_qm_cannot_approve_an_entry_submitted_by_another_qm(client, people, kuckuck, entry_factory):
    colleague = f.UserFactory(username="qm-kollege", role=Role.QM_COORDINATOR)
    entry = entry_factory("ziel", kuckuck, ReviewState.SUBMITTED, author=colleague)
    before = snapshot(entry)
    client.force_login(people["qm"])

    assert review(client, entry).status_code == 403
    assert snapshot(entry) == before


def test_nobody_reviews_their_own_submission(client, people, kuckuck, entry_factory):
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["qm"])
    before = snapshot(entry)
    client.force_login(people["qm"])

    assert review(client, entry, "return").status_code == 403
    assert snapshot(entry) == before


def test_gwa_can_approve_an_entry_submitted_by_qm_in_their_quarter(client, people, kuckuck, entry_factory):
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["qm"])
    client.force_login(people["gwa"])

    response = review(client, entry)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.review_state == ReviewState.APPROVED
    assert entry.approved_by == people["gwa"]
    assert entry.override_reason == ""


def test_gwa_can_review_a_ziel_though_only_the_coordinator_writes_it(client, people, kuckuck, entry_factory):
    entry = entry_factory("ziel", kuckuck, ReviewState.SUBMITTED, author=people["qm"])
    client.force_login(people["gwa"])

    assert review(client, entry, "return").status_code == 302
    entry.refresh_from_db()
    assert entry.review_state == ReviewState.RETURNED


def test_a_reviewer_of_another_quarter_gets_404_not_a_review_page(client, people, kuckuck, entry_factory):
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["qm"])
    before = snapshot(entry)
    client.force_login(people["gwa_other"])

    assert review(client, entry).status_code == 404
    assert snapshot(entry) == before


@pytest.mark.parametrize("person", ["familie", "leitung"])
def test_family_support_and_leadership_comment_but_do_not_review(client, people, kuckuck, entry_factory, person):
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["qm"])
    before = snapshot(entry)
    client.force_login(people[person])

    assert review(client, entry).status_code == 403
    assert snapshot(entry) == before
    url = reverse("treffpunkte:angebot-comment", args=[entry.pk])
    assert client.post(url, {"text": "Danke!"}).status_code == 302
    assert snapshot(entry)["comments"] == before["comments"] + 1


def test_leadership_of_the_other_ressort_still_cannot_review(kuckuck, people, entry_factory):
    leitung = f.UserFactory(username="leitung-soziales", role=Role.LEADERSHIP, ressort=Ressort.FAMILIE_SOZIALES)
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["qm"])
    assert not may(leitung, "review", entry)
    assert not may(leitung, "override", entry)


def test_an_admin_decides_a_review_only_as_an_override_with_a_reason(client, people, kuckuck, entry_factory):
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa"])
    before = snapshot(entry)
    client.force_login(people["admin"])

    without_reason = review(client, entry)

    assert without_reason.status_code == 400
    assert snapshot(entry) == before

    with_reason = review(client, entry, override_reason="QM-Koordination im Urlaub")

    assert with_reason.status_code == 302
    entry.refresh_from_db()
    assert entry.review_state == ReviewState.APPROVED
    assert entry.override_reason == "QM-Koordination im Urlaub"
    content_type = ContentType.objects.get_for_model(entry)
    assert Comment.objects.filter(content_type=content_type, object_id=entry.pk, kind=Comment.Kind.OVERRIDE).exists()


def test_an_admin_cannot_override_their_own_submission(client, people, kuckuck, entry_factory):
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["admin"])
    before = snapshot(entry)
    client.force_login(people["admin"])

    assert review(client, entry, override_reason="Eilt").status_code == 403
    assert snapshot(entry) == before


def test_an_entry_submitted_by_an_admin_is_reviewed_by_either_ressort(people, kuckuck, entry_factory):
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["admin"])
    assert may(people["qm"], "review", entry)
    assert may(people["gwa"], "review", entry)
    assert not may(people["gwa_other"], "review", entry)


def test_a_superuser_does_not_skip_the_review_rule_through_user_has_perm_alone(people, kuckuck, entry_factory):
    """``rules.has_perm`` is the source of truth; a superuser still decides only as a recorded override."""
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa"])
    assert not rules.has_perm(perm_name(type(entry), "review"), people["admin"], entry)
    assert rules.has_perm(perm_name(type(entry), "override"), people["admin"], entry)


def test_nobody_changes_an_entry_under_review_not_even_an_admin(client, people, kuckuck, entry_factory):
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa"])
    for person in ("qm", "gwa", "admin"):
        client.force_login(people[person])
        response = client.get(reverse("treffpunkte:angebot-update", args=[entry.pk]))
        assert response.status_code == 403, person


def test_an_approved_entry_is_deleted_by_the_city_admins_only(client, people, kuckuck, entry_factory):
    entry = entry_factory("angebot", kuckuck, ReviewState.APPROVED, author=people["gwa"])
    before = snapshot(entry)
    url = reverse("treffpunkte:angebot-delete", args=[entry.pk])
    for person in ("qm", "gwa"):
        client.force_login(people[person])
        assert client.post(url, {"version": entry.version}).status_code == 403, person
        assert snapshot(entry) == before
    client.force_login(people["admin"])
    assert client.post(url, {"version": entry.version}).status_code == 302
    assert current(entry) is None


def test_an_inactive_coordinator_may_do_nothing(people, kuckuck, entry_factory):
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa"])
    qm = people["qm"]
    qm.is_active = False
    qm.save()
    assert [action for action in ACTIONS if may(qm, action, entry)] == []


def angebot_form_data(quartier, **extra):
    return {
        "title": "Mobiles Nachbarschaftscafé",
        "quartier": quartier.pk,
        "is_mobile": "on",
        "kategorie": f.KategorieFactory().pk,
        "free_of_charge": "on",
        **parts_management(Angebot),
        **extra,
    }


def test_a_gwa_worker_creates_an_angebot_in_a_quarter_they_cover(client, people, kuckuck):
    client.force_login(people["gwa"])

    response = client.post(reverse("treffpunkte:angebot-create"), angebot_form_data(kuckuck))

    assert response.status_code == 302
    angebot = apps.get_model("treffpunkte.Angebot").objects.get()
    assert (angebot.quartier, angebot.created_by, angebot.review_state) == (kuckuck, people["gwa"], ReviewState.DRAFT)


def test_a_gwa_worker_cannot_create_an_entry_in_a_quarter_they_do_not_cover(client, people, nordstadt):
    client.force_login(people["gwa"])

    response = client.post(reverse("treffpunkte:angebot-create"), angebot_form_data(nordstadt))

    assert response.status_code in (200, 403)
    assert not apps.get_model("treffpunkte.Angebot").objects.exists()


def test_a_gwa_worker_cannot_move_an_entry_into_a_quarter_they_do_not_cover(
    client, people, kuckuck, nordstadt, entry_factory
):
    entry = entry_factory("angebot", kuckuck)
    entry.is_mobile, entry.treffpunkt = True, None
    entry.save()
    before = snapshot(entry)
    client.force_login(people["gwa"])
    data = {**update_data(entry), "quartier": nordstadt.pk, "treffpunkt": ""}

    response = client.post(reverse("treffpunkte:angebot-update", args=[entry.pk]), data)

    assert response.status_code in (200, 403)
    assert current(entry).quartier_id == kuckuck.pk
    assert snapshot(entry) == before


# --- 7. The refusal page says why --------------------------------------------------------------------------

ROLE_DOES_NOT_REVIEW = (
    "Neighbourhood management and community social work review entries; your role reads and comments."
)
OTHER_DEPARTMENT_REVIEWS = "Entries from your department are reviewed by the other department."
OWN_ENTRY = "Nobody reviews their own entry."


@pytest.mark.parametrize(
    ("person", "author", "message"),
    [
        pytest.param("gwa", "gwa_colleague", OTHER_DEPARTMENT_REVIEWS, id="gwa-on-entry-by-gwa"),
        pytest.param("qm", "qm", OWN_ENTRY, id="qm-on-own-entry"),
        pytest.param("familie", "qm", ROLE_DOES_NOT_REVIEW, id="familie-on-entry-by-qm"),
        pytest.param("familie", "gwa", ROLE_DOES_NOT_REVIEW, id="familie-on-entry-by-gwa"),
        pytest.param("leitung", "gwa", ROLE_DOES_NOT_REVIEW, id="leitung-on-entry-by-gwa"),
        pytest.param("leitung", "qm", ROLE_DOES_NOT_REVIEW, id="leitung-on-entry-by-qm"),
    ],
)
def test_the_refusal_page_of_a_review_gives_the_reason_that_applies_to_the_person(
    client, people, kuckuck, entry_factory, person, author, message
):
    if author == "gwa_colleague":
        submitter = f.UserFactory(username="gwa-kollegin", role=Role.GWA, quartiere=[kuckuck])
    else:
        submitter = people[author]
    entry = entry_factory("angebot", kuckuck, ReviewState.SUBMITTED, author=submitter)
    client.force_login(people[person])

    response = client.get(reverse("treffpunkte:angebot-review", args=[entry.pk]))

    assert response.status_code == 403
    with translation.override(settings.LANGUAGE_CODE):
        assert response.context["reason"] == translation.gettext(message)
