"""Tasks from decisions: created on the meeting's page, the assignee notified, the task list, marking done
(twice does no harm), who sees which task, and the daily reminder of overdue tasks."""

import datetime
import io

import pytest
import rules
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hameln_quartiere.models import LogEntry, Notification, Role
from tests import factories as f
from tests.zusammenarbeit.conftest import client_for
from zusammenarbeit.models import Aufgabe, Tagesordnungspunkt
from zusammenarbeit.services import remind_assignee, visible_tasks

TODAY = timezone.localdate


def days(count):
    return TODAY() + datetime.timedelta(days=count)


@pytest.fixture
def sitzung(kuckuck):
    return f.SitzungFactory(quartier=kuckuck, title="Austausch im Mai")


@pytest.fixture
def punkt(sitzung):
    return f.TagesordnungspunktFactory(
        sitzung=sitzung, title="Sommerfest", status=Tagesordnungspunkt.Status.DECIDED, decision="Am 6. Juli."
    )


def task_data(punkt, assignee, **values):
    values = {
        "tagesordnungspunkt": punkt.pk,
        "title": "Flyer drucken",
        "description": "500 Stück, zweisprachig",
        "assignee": assignee.pk,
        "due": days(14).isoformat(),
        **values,
    }
    return {f"aufgabe-{name}": value for name, value in values.items()}


def create(user, punkt, data):
    return client_for(user).post(reverse("zusammenarbeit:sitzung-aufgabe", args=[punkt.sitzung_id]), data)


# --- Decisions create tasks ----------------------------------------------------------------------------------


def test_a_decision_creates_a_task_and_its_assignee_hears_of_it(
    people, kuckuck, punkt, django_capture_on_commit_callbacks, mailoutbox
):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    data = task_data(punkt, people["gwa"], treffpunkt=treffpunkt.pk, quartier=kuckuck.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = create(people["qm"], punkt, data)

    aufgabe = Aufgabe.objects.get()
    assert response.status_code == 302
    assert response.url == f"{punkt.sitzung.get_absolute_url()}#aufgabe-{aufgabe.pk}"
    assert (aufgabe.tagesordnungspunkt, aufgabe.assignee, aufgabe.created_by) == (punkt, people["gwa"], people["qm"])
    assert (aufgabe.due, aufgabe.status, aufgabe.treffpunkt, aufgabe.quartier) == (
        days(14),
        Aufgabe.Status.OPEN,
        treffpunkt,
        kuckuck,
    )
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.actor) == (
        people["gwa"],
        Notification.Kind.TASK_ASSIGNED,
        people["qm"],
    )
    assert notification.url == response.url
    (mail,) = mailoutbox
    assert mail.to == [people["gwa"].email]
    assert "Flyer drucken" in mail.subject
    assert LogEntry.objects.filter(action="zusammenarbeit.aufgabe.created", object_id=str(aufgabe.pk)).exists()
    page = client_for(people["gwa"]).get(punkt.sitzung.get_absolute_url()).content.decode()
    assert f'id="aufgabe-{aufgabe.pk}"' in page


def test_a_task_comes_only_from_a_decided_item(people, sitzung):
    undecided = f.TagesordnungspunktFactory(sitzung=sitzung, status=Tagesordnungspunkt.Status.OPEN)

    response = create(people["qm"], undecided, task_data(undecided, people["gwa"]))

    assert response.status_code == 400
    assert response.context["task_form"].errors["tagesordnungspunkt"]
    assert not Aufgabe.objects.exists()
    # Without any decision the page explains where tasks come from instead of showing the form.
    assert client_for(people["qm"]).get(sitzung.get_absolute_url()).context["task_form"] is None


def test_a_task_goes_only_to_active_staff_who_may_see_the_meeting(people, punkt):
    inactive = f.UserFactory(role=Role.GWA, quartiere=[punkt.sitzung.quartier], is_active=False)

    for person in (people["gwa_nord"], inactive, people["admin"]):
        response = create(people["qm"], punkt, task_data(punkt, person))
        assert response.status_code == 400
        assert response.context["task_form"].errors["assignee"]
    assert not Aufgabe.objects.exists()


def test_a_task_needs_what_who_and_a_due_date_not_in_the_past(people, punkt):
    response = create(people["qm"], punkt, task_data(punkt, people["gwa"], title="", due=days(-1).isoformat()))

    errors = response.context["task_form"].errors
    assert response.status_code == 400
    assert set(errors) == {"title", "due"}
    assert not Aufgabe.objects.exists()


def test_readers_and_other_quarters_cannot_give_tasks(people, punkt):
    assert create(people["familie"], punkt, task_data(punkt, people["gwa"])).status_code == 403
    assert create(people["gwa_nord"], punkt, task_data(punkt, people["gwa"])).status_code == 404
    assert not Aufgabe.objects.exists()


def test_tasks_are_still_given_once_the_minutes_are_approved(people, kuckuck):
    sitzung = f.SitzungFactory(quartier=kuckuck, approved=True)
    punkt = f.TagesordnungspunktFactory(sitzung=sitzung, status=Tagesordnungspunkt.Status.DECIDED, decision="Ja.")

    assert create(people["qm"], punkt, task_data(punkt, people["gwa"])).status_code == 302
    assert Aufgabe.objects.filter(tagesordnungspunkt=punkt).exists()


# --- Marking done --------------------------------------------------------------------------------------------


def mark_done(user, aufgabe, next_url=""):
    return client_for(user).post(reverse("zusammenarbeit:aufgabe-done", args=[aufgabe.pk]), {"next": next_url})


def test_the_assignee_marks_a_task_done_and_a_second_click_changes_nothing(people, punkt):
    aufgabe = f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"])

    first = mark_done(people["gwa"], aufgabe, next_url="/portal/")
    aufgabe.refresh_from_db()
    done_at = aufgabe.done_at
    second = mark_done(people["gwa"], aufgabe, next_url="/portal/")
    aufgabe.refresh_from_db()

    assert (first.status_code, first.url) == (302, "/portal/")
    assert second.status_code == 302
    assert aufgabe.status == Aufgabe.Status.DONE
    assert aufgabe.done_at == done_at is not None
    assert LogEntry.objects.filter(action="zusammenarbeit.aufgabe.done", object_id=str(aufgabe.pk)).count() == 1


def test_whoever_may_edit_the_meeting_marks_a_task_done_others_may_not(people, punkt):
    aufgabe = f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"])

    assert mark_done(people["familie"], aufgabe).status_code == 403  # sees the meeting, may not edit it
    assert mark_done(people["gwa_nord"], aufgabe).status_code == 404  # does not see it
    aufgabe.refresh_from_db()
    assert aufgabe.status == Aufgabe.Status.OPEN

    assert mark_done(people["qm"], aufgabe).status_code == 302
    aufgabe.refresh_from_db()
    assert aufgabe.status == Aufgabe.Status.DONE


def test_marking_done_goes_back_only_to_an_address_of_this_site(people, punkt):
    aufgabe = f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"])

    response = mark_done(people["gwa"], aufgabe, next_url="https://example.org/")

    assert response.url == reverse("zusammenarbeit:aufgabe-list")


def test_marking_done_is_a_post(people, punkt):
    aufgabe = f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"])

    assert client_for(people["gwa"]).get(reverse("zusammenarbeit:aufgabe-done", args=[aufgabe.pk])).status_code == 405


# --- Who sees which task -------------------------------------------------------------------------------------


def test_a_task_is_seen_by_its_assignee_its_creator_and_who_may_see_its_meeting(people, kuckuck, nordstadt):
    punkt = f.TagesordnungspunktFactory(
        sitzung=f.SitzungFactory(quartier=nordstadt), status=Tagesordnungspunkt.Status.DECIDED, decision="Ja."
    )
    aufgabe = f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["qm"], created_by=people["gwa"])

    expected = {"qm": True, "gwa": True, "gwa_nord": True, "leitung": True, "gwa_sued": False, "familie": False}
    for role, sees in expected.items():
        assert rules.has_perm("zusammenarbeit.view_aufgabe", people[role], aufgabe) is sees, role
        assert visible_tasks(people[role]).filter(pk=aufgabe.pk).exists() is sees, role


def task_list(user, **query):
    return client_for(user).get(reverse("zusammenarbeit:aufgabe-list"), query)


def titles(response):
    return [aufgabe.title for aufgabe in response.context["object_list"]]


def test_the_task_list_shows_my_open_tasks_by_default_and_filters_overdue_done_and_all(people, punkt):
    gwa = people["gwa"]
    f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=gwa, title="Überfällig", due=days(-3))
    f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=gwa, title="Bald", due=days(3))
    f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=gwa, title="Erledigt", status=Aufgabe.Status.DONE)
    f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["qm"], title="Von QM", due=days(5))
    f.AufgabeFactory(
        tagesordnungspunkt=f.TagesordnungspunktFactory(sitzung=f.SitzungFactory(quartier=f.QuartierFactory())),
        assignee=people["qm"],
        title="Anderswo",
    )

    default = task_list(gwa)
    assert titles(default) == ["Überfällig", "Bald"]
    assert titles(task_list(gwa, state="overdue")) == ["Überfällig"]
    assert titles(task_list(gwa, state="done")) == ["Erledigt"]
    assert titles(task_list(gwa, who="all")) == ["Überfällig", "Bald", "Von QM"]
    assert titles(task_list(gwa, who="all", state="any")) == ["Überfällig", "Bald", "Von QM", "Erledigt"]
    content = default.content.decode()
    overdue_row, soon_row = content.split("<tr data-aufgabe=")[1:]
    assert "Overdue" in overdue_row
    assert "Overdue" not in soon_row
    assert "data-mark-done" in overdue_row
    assert "data-active-filters" not in content


def test_the_task_list_exports_the_filtered_rows(people, punkt):
    f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"], title="Flyer drucken")
    f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["qm"], title="Nicht meine")

    response = task_list(people["gwa"], export="csv")

    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert "Flyer drucken" in content.decode("utf-8-sig")
    assert "Nicht meine" not in content.decode("utf-8-sig")


# Session, user, their quarters (for the meetings they may see); the count and the page of tasks (with assignee,
# agenda item and meeting); the unread count in the header.
TASK_LIST_QUERIES = 6


def test_the_task_list_needs_the_same_queries_for_3_and_30_tasks(people, kuckuck, punkt):
    client = client_for(people["gwa"])
    url = reverse("zusammenarbeit:aufgabe-list") + "?who=all&state=any"

    def give(count):
        for index in range(count):
            sitzung = f.SitzungFactory(quartier=kuckuck)
            item = f.TagesordnungspunktFactory(sitzung=sitzung, status="beschlossen", decision="Ja.")
            f.AufgabeFactory(
                tagesordnungspunkt=item, assignee=people["gwa" if index % 2 else "qm"], due=days(index - 2)
            )

    def measure():
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return response, [query["sql"] for query in queries.captured_queries]

    give(3)
    _few_response, few = measure()
    give(27)
    many_response, many = measure()

    assert len(few) == len(many) == TASK_LIST_QUERIES, "\n".join(many)
    assert len(many_response.context["object_list"]) == 25


# --- Reminders of overdue tasks ------------------------------------------------------------------------------


def remind(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_task_reminders", stdout=io.StringIO())


@pytest.fixture
def tasks(people, punkt):
    return {
        "overdue": f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"], title="Überfällig", due=days(-2)),
        "also_overdue": f.AufgabeFactory(
            tagesordnungspunkt=punkt, assignee=people["qm"], title="Auch überfällig", due=days(-10)
        ),
        "due_today": f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"], title="Heute", due=days(0)),
        "later": f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"], title="Später", due=days(5)),
        "done": f.AufgabeFactory(
            tagesordnungspunkt=punkt, assignee=people["gwa"], title="Erledigt", due=days(-5), status="erledigt"
        ),
        "dropped": f.AufgabeFactory(
            tagesordnungspunkt=punkt, assignee=people["gwa"], title="Entfallen", due=days(-5), status="entfallen"
        ),
    }


def test_running_the_reminders_twice_sends_one_notice_per_overdue_task(
    people, tasks, django_capture_on_commit_callbacks, mailoutbox
):
    remind(django_capture_on_commit_callbacks)
    remind(django_capture_on_commit_callbacks)

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([people["gwa"].email, people["qm"].email])
    assert sorted(mail.subject.split(": ", 1)[1] for mail in mailoutbox) == ["Auch überfällig", "Überfällig"]
    notices = Notification.objects.filter(kind=Notification.Kind.TASK_OVERDUE)
    assert sorted(notices.values_list("object_repr", flat=True)) == ["Auch überfällig", "Überfällig"]
    assert all(notice.actor is None for notice in notices)
    for key in ("overdue", "also_overdue"):
        tasks[key].refresh_from_db()
        assert tasks[key].last_reminded_on == TODAY()
    for key in ("due_today", "later", "done", "dropped"):
        tasks[key].refresh_from_db()
        assert tasks[key].last_reminded_on is None


def test_an_overdue_task_is_reminded_again_the_next_day(people, tasks, django_capture_on_commit_callbacks, mailoutbox):
    Aufgabe.objects.filter(pk=tasks["overdue"].pk).update(last_reminded_on=days(-1))
    Aufgabe.objects.filter(pk=tasks["also_overdue"].pk).update(last_reminded_on=TODAY())  # another run did today

    remind(django_capture_on_commit_callbacks)

    assert [mail.to for mail in mailoutbox] == [[people["gwa"].email]]


def test_a_task_claimed_for_today_is_not_reminded_by_a_second_run(people, tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_assignee(people["gwa"].pk) == 1
        # A second run that read the task as due before the first claimed it finds nothing left to claim.
        assert remind_assignee(people["gwa"].pk) == 0
    assert Notification.objects.filter(kind=Notification.Kind.TASK_OVERDUE).count() == 1


def test_a_person_with_several_overdue_tasks_gets_one_notice_naming_them_all(
    people, tasks, punkt, django_capture_on_commit_callbacks, mailoutbox
):
    f.AufgabeFactory(tagesordnungspunkt=punkt, assignee=people["gwa"], title="Noch eine", due=days(-1))

    remind(django_capture_on_commit_callbacks)
    remind(django_capture_on_commit_callbacks)

    mails = [mail for mail in mailoutbox if mail.to == [people["gwa"].email]]
    assert len(mails) == 1
    assert "Überfällig" in mails[0].body and "Noch eine" in mails[0].body
    assert "Heute" not in mails[0].body and "Später" not in mails[0].body


def test_the_reminder_mail_comes_from_the_system_and_links_to_the_task(
    people, tasks, django_capture_on_commit_callbacks, mailoutbox
):
    remind(django_capture_on_commit_callbacks)

    mail = next(mail for mail in mailoutbox if mail.to == [people["gwa"].email])
    assert "None" not in mail.body
    assert f"#aufgabe-{tasks['overdue'].pk}" in mail.body
