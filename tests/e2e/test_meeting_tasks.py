"""Meetings and tasks in a real browser: the coordinator prepares the next meeting, records a decision with a task
for a social worker, who finds it on their start page and marks it done."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f
from zusammenarbeit.models import Aufgabe, Sitzung, Tagesordnungspunkt

pytestmark = pytest.mark.e2e


def test_the_coordinator_prepares_a_meeting_and_gives_a_task_the_social_worker_marks_done(
    page, live_server, log_in, log_out, kuckuck, qm, gwa
):
    today = timezone.localdate()
    last = f.SitzungFactory(quartier=kuckuck, date=today - datetime.timedelta(days=28), title="Austausch im Mai")
    last.teilnehmende.set([qm, gwa])
    f.TagesordnungspunktFactory(sitzung=last, position=1, title="Sommerfest planen")
    next_date = today + datetime.timedelta(days=7)
    due = today + datetime.timedelta(days=21)

    # The coordinator prepares the next meeting from the last one: its agenda starts with the undecided item.
    log_in(qm)
    page.goto(f"{live_server.url}{last.get_absolute_url()}")
    prepare = page.locator("form[data-prepare-form]")
    prepare.locator("input[type=date]").fill(next_date.isoformat())
    prepare.locator("button[type=submit]").click()
    new = Sitzung.objects.get(date=next_date)
    page.wait_for_url(f"{live_server.url}/portal/sitzungen/{new.pk}/bearbeiten/")
    expect(page.locator("#id_tagesordnungspunkte-0-title")).to_have_value("Sommerfest planen")

    # The meeting takes place: the item is decided, with the decision in words.
    page.locator("#id_tagesordnungspunkte-0-minutes").fill("Alle Treffpunkte machen mit.")
    page.locator("#id_tagesordnungspunkte-0-status").select_option(value=Tagesordnungspunkt.Status.DECIDED)
    page.locator("#id_tagesordnungspunkte-0-decision").fill("Das Sommerfest findet am 6. Juli statt.")
    page.get_by_role("button", name="Als Entwurf speichern").click()
    page.wait_for_url(f"{live_server.url}{new.get_absolute_url()}")
    expect(page.get_by_text("Das Sommerfest findet am 6. Juli statt.")).to_be_visible()

    # A task from the decision, for the social worker.
    task_form = page.locator("form[data-task-form]")
    task_form.locator("#id_aufgabe-title").fill("Flyer drucken")
    task_form.locator("#id_aufgabe-assignee").select_option(label="Aylin Demir")
    task_form.locator("#id_aufgabe-due").fill(due.isoformat())
    task_form.locator("button[type=submit]").click()
    aufgabe = Aufgabe.objects.get(title="Flyer drucken")
    expect(page.locator(f"#aufgabe-{aufgabe.pk}")).to_contain_text("Aylin Demir")
    assert (aufgabe.assignee, aufgabe.due, aufgabe.tagesordnungspunkt.sitzung) == (gwa, due, new)
    log_out()

    # The social worker finds it on their start page and marks it done.
    log_in(gwa)
    block = page.locator("[data-block=aufgaben]")
    row = block.locator(f"[data-aufgabe='{aufgabe.pk}']")
    expect(row).to_contain_text("Flyer drucken")
    expect(row).to_contain_text(due.strftime("%d.%m.%Y"))
    row.locator("button[data-mark-done]").click()
    page.wait_for_url(f"{live_server.url}/portal/")
    expect(block.locator(f"[data-aufgabe='{aufgabe.pk}']")).to_have_count(0)
    aufgabe.refresh_from_db()
    assert aufgabe.status == Aufgabe.Status.DONE

    # On the meeting's page the task now says it is done.
    page.goto(f"{live_server.url}{new.get_absolute_url()}")
    expect(page.locator(f"#aufgabe-{aufgabe.pk} [data-task-status]")).to_have_attribute(
        "data-task-status", Aufgabe.Status.DONE
    )
