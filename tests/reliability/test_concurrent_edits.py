"""Under load, concurrent edits and review decisions on the same measures lose nothing.

Several threads (each with its own database connection, as app server workers have) edit the same measures
through ``save_entry``, submit them, approve or return them (the other Ressort) and record progress at once. In
the end every accepted step is in the audit log, every refused edit was refused with ``StaleEntry`` (or the
form's stale check), each measure holds exactly its last accepted change and its version counts every step.
"""

import datetime
import random
import threading
import time

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from hameln_quartiere.models import LogEntry, ReviewState, Role
from hameln_quartiere.services import (
    ReviewError,
    StaleEntry,
    approve,
    return_for_revision,
    save_entry,
    submit_for_review,
)
from handlungskonzepte.forms import MassnahmeForm
from handlungskonzepte.models import Massnahme
from handlungskonzepte.services import record_progress
from tests import factories as f

ROUNDS = 12


def form_data(form, **changes):
    """What a browser posts back for an unbound ``form`` as rendered, with ``changes`` typed in."""
    data = {}
    for bound_field in form:
        value = bound_field.value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[bound_field.html_name] = [str(item) for item in value]
        else:
            data[bound_field.html_name] = "on" if value is True else value
    data.update(changes)
    return data


def edit(massnahme_pk, user, title):
    """One person's edit as the portal makes it: load the form, type a new title, save."""
    instance = Massnahme.objects.get(pk=massnahme_pk)
    form = MassnahmeForm(
        data=form_data(MassnahmeForm(instance=instance, user=user), title=title), instance=instance, user=user
    )
    if not form.is_valid():
        assert form.has_error("__all__", code="stale") or "loaded_version" in form.errors, form.errors
        raise StaleEntry(instance, form.cleaned_data.get("loaded_version") or 0)
    return save_entry(form, actor=user)


def make_team():
    kuckuck = f.QuartierFactory(name="Kuckuck", slug="kuckuck")
    return {
        "kuckuck": kuckuck,
        "gwa": [f.UserFactory(role=Role.GWA, quartiere=[kuckuck]) for _ in range(2)],
        "qm": [f.UserFactory(role=Role.QM_COORDINATOR) for _ in range(2)],
    }


def test_a_draft_save_does_not_undo_progress_recorded_while_the_form_was_open(db):
    """The edit form does not carry the progress (it follows the progress updates): saving it keeps what a
    progress update recorded meanwhile, although that update leaves the form's version valid."""
    team = make_team()
    gwa = team["gwa"][0]
    massnahme = f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=team["kuckuck"]))
    instance = Massnahme.objects.get(pk=massnahme.pk)
    form = MassnahmeForm(
        data=form_data(MassnahmeForm(instance=instance, user=gwa), title="Neuer Titel"), instance=instance, user=gwa
    )
    assert form.is_valid(), form.errors

    record_progress(massnahme, actor=gwa, date=datetime.date(2019, 6, 1), text="Halbzeit", progress=50)
    save_entry(form, actor=gwa)

    massnahme.refresh_from_db()
    assert (massnahme.title, massnahme.progress) == ("Neuer Titel", 50)


def test_hammering_the_same_measures_loses_no_accepted_change(postgresql_only):
    team = make_team()
    # Two with an approved version (edits become proposals) and two drafts (edits write the row itself).
    measures = [
        f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=team["kuckuck"]), approved=approved)
        for approved in (True, True, False, False)
    ]
    accepted, refused, errors = [], [], []
    lock = threading.Lock()
    editors_done = threading.Event()
    start = threading.Barrier(len(team["gwa"]) + len(team["qm"]) + 2, timeout=60)

    def editor(index, user):
        rng = random.Random(index)  # noqa: S311 - a test's repeatable choices
        for round_ in range(ROUNDS):
            time.sleep(rng.random() / 50)
            pk = rng.choice(measures).pk
            title = f"Titel {user.username} {round_}"
            try:
                entry = edit(pk, user, title)
            except StaleEntry:
                with lock:
                    refused.append(("changed", pk))
                continue
            except ReviewError:
                continue  # under review by now: the editor may not change it (not a lost update)
            with lock:
                accepted.append(("changed", pk, entry.version, title))
            try:
                entry = submit_for_review(entry, actor=user, version=entry.version)
            except ReviewError:
                continue  # someone changed it again in between: refused, nothing written
            with lock:
                accepted.append(("submitted", pk, entry.version, None))

    def progress(user):
        rng = random.Random(50)  # noqa: S311 - a test's repeatable choices
        for round_ in range(ROUNDS):
            record_progress(
                rng.choice(measures),
                actor=user,
                date=datetime.date(2019, 1, 1) + datetime.timedelta(days=round_),
                text="Stand",
                progress=round_ * 5,
            )
            with lock:
                accepted.append(("progress", None, None, None))

    def reviewer(index, user):
        rng = random.Random(100 + index)  # noqa: S311 - a test's repeatable choices
        while not editors_done.is_set():
            entry = Massnahme.objects.get(pk=rng.choice(measures).pk)
            if entry.review_state != ReviewState.SUBMITTED:
                time.sleep(0.005)
                continue
            try:
                if rng.random() < 0.7:
                    entry = approve(entry, actor=user, version=entry.version)
                    verb = "approved"
                else:
                    entry = return_for_revision(entry, actor=user, comment="Bitte ergänzen", version=entry.version)
                    verb = "returned"
            except ReviewError:
                with lock:
                    refused.append(("decision", entry.pk))
                continue
            with lock:
                accepted.append((verb, entry.pk, entry.version, None))

    def run(target, *args):
        try:
            start.wait()
            target(*args)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(editor, i, user)) for i, user in enumerate(team["gwa"])]
    threads += [threading.Thread(target=run, args=(reviewer, i, user)) for i, user in enumerate(team["qm"])]
    threads.append(threading.Thread(target=run, args=(progress, team["gwa"][0])))
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads[: len(team["gwa"])]:
        thread.join(timeout=300)
    editors_done.set()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs (a lock never released?)"

    assert not errors, errors
    assert any(step[0] == "approved" for step in accepted), "the reviewers decided on something"
    assert refused, "the threads did collide (otherwise this test proves nothing)"
    content_type = ContentType.objects.get_for_model(Massnahme)
    for measure in measures:
        measure.refresh_from_db()
        steps = [step for step in accepted if step[1] == measure.pk]
        log = LogEntry.objects.filter(content_type=content_type, object_id=str(measure.pk))
        # Every accepted step is in the log, with the version it made; nothing refused is.
        for verb in ("changed", "submitted", "approved", "returned"):
            logged = sorted(
                log.filter(action=f"handlungskonzepte.massnahme.{verb}").values_list("data__version", flat=True)
            )
            assert logged == sorted(step[2] for step in steps if step[0] == verb), verb
        # Each step moved the version on by one, from 1: no two steps wrote the same version.
        versions = sorted(step[2] for step in steps)
        assert versions == list(range(2, 2 + len(steps)))
        assert measure.version == 1 + len(steps)
        # The row (or its proposal) holds the last accepted change, not an older one.
        titles = [step[3] for step in sorted(steps, key=lambda step: step[2]) if step[0] == "changed"]
        if titles:
            shown = (measure.pending or {}).get("title", measure.title)
            assert shown == titles[-1]
        # Progress follows the latest progress update, whatever edits happened meanwhile.
        if measure.sachstaende.exists():
            assert measure.progress == measure.sachstaende.latest().progress
    assert log.model.objects.filter(action="handlungskonzepte.massnahme.progress").count() == sum(
        1 for step in accepted if step[0] == "progress"
    )
