"""The personal calendar: a secret feed address a person makes, renews or revokes, and the iCalendar feed behind it
with the meetings they take part in and the due dates of their open tasks, and nothing of anyone else's."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from hameln_quartiere.models import LogEntry
from tests import factories as f
from tests.zusammenarbeit.conftest import client_for
from zusammenarbeit.kalender import renew_address, revoke_address
from zusammenarbeit.models import Aufgabe, KalenderZugang, Sitzung

TODAY = timezone.localdate()
PAGE = "/portal/kalender/"


def feed_url(zugang):
    return reverse("zusammenarbeit:kalender-feed", args=[zugang.token])


def events(response):
    """The VEVENTs of a feed response by UID, parsed with ``icalendar``."""
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


@pytest.fixture
def gwa(people):
    return people["gwa"]


@pytest.fixture
def meeting(kuckuck, gwa):
    sitzung = f.SitzungFactory(
        quartier=kuckuck,
        kind=Sitzung.Kind.EXCHANGE,
        title="Austausch im Frühjahr",
        date=TODAY + datetime.timedelta(days=10),
        start_time=datetime.time(15, 30),
        end_time=datetime.time(17, 0),
        place="Stadtteiltreff Kuckucksnest",
    )
    sitzung.teilnehmende.add(gwa)
    return sitzung


# --- The page ------------------------------------------------------------------------------------------------


def test_a_person_makes_their_address_and_sees_it_in_full(gwa):
    client = client_for(gwa)
    assert client.get(PAGE).context["zugang"] is None

    response = client.post(reverse("zusammenarbeit:kalender-renew"))

    assert response.status_code == 302
    zugang = KalenderZugang.objects.get(user=gwa)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["feed_url"] == f"http://testserver{feed_url(zugang)}"
    assert f'value="http://testserver{feed_url(zugang)}"' in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert LogEntry.objects.filter(action="zusammenarbeit.kalenderzugang.created", actor=gwa).count() == 1


def test_renewing_revokes_the_old_address_and_the_new_one_works(gwa, meeting):
    old = renew_address(gwa, actor=gwa)
    client = client_for(gwa)

    assert client.post(reverse("zusammenarbeit:kalender-renew")).status_code == 302

    new = KalenderZugang.objects.get(user=gwa, revoked_at__isnull=True)
    assert new.token != old.token
    anonymous = Client()
    assert anonymous.get(feed_url(old)).status_code == 404
    assert anonymous.get(feed_url(new)).status_code == 200
    assert KalenderZugang.objects.filter(user=gwa).count() == 2  # the old one is kept, revoked


def test_a_revoked_address_is_a_404(gwa, meeting):
    zugang = renew_address(gwa, actor=gwa)
    client = client_for(gwa)
    assert Client().get(feed_url(zugang)).status_code == 200

    assert client.post(reverse("zusammenarbeit:kalender-revoke")).status_code == 302

    assert Client().get(feed_url(zugang)).status_code == 404
    assert client.get(PAGE).context["zugang"] is None
    assert LogEntry.objects.filter(action="zusammenarbeit.kalenderzugang.revoked", object_id=str(zugang.pk)).exists()


def test_revoking_without_an_address_changes_nothing(gwa):
    assert revoke_address(gwa, actor=gwa) is False
    assert client_for(gwa).post(reverse("zusammenarbeit:kalender-revoke")).status_code == 302


def test_the_address_changes_only_by_post(gwa):
    client = client_for(gwa)

    assert client.get(reverse("zusammenarbeit:kalender-renew")).status_code == 405
    assert client.get(reverse("zusammenarbeit:kalender-revoke")).status_code == 405
    assert not KalenderZugang.objects.exists()


def test_the_page_is_for_people_with_a_portal_role(client, db):
    assert client.get(PAGE).status_code == 302  # to the login
    nobody = f.UserFactory(role="", ressort="")
    assert client_for(nobody).get(PAGE).status_code == 403


# --- The feed ------------------------------------------------------------------------------------------------


def test_the_feed_has_the_meetings_taken_part_in_and_the_open_tasks(people, gwa, kuckuck, meeting):
    all_day = f.SitzungFactory(quartier=None, kind=Sitzung.Kind.STEERING, date=TODAY + datetime.timedelta(days=20))
    all_day.teilnehmende.add(gwa)
    not_taking_part = f.SitzungFactory(quartier=kuckuck, title="Ohne mich", date=TODAY)
    not_taking_part.teilnehmende.add(people["qm"])
    punkt = f.TagesordnungspunktFactory(sitzung=meeting, status="beschlossen", decision="Flyer drucken")
    task = f.AufgabeFactory(assignee=gwa, title="Flyer drucken", tagesordnungspunkt=punkt, due=TODAY)
    loose_task = f.AufgabeFactory(assignee=gwa, title="Raum anfragen")
    f.AufgabeFactory(assignee=gwa, title="Erledigt", status=Aufgabe.Status.DONE)
    f.AufgabeFactory(assignee=people["gwa_sued"], title="Nicht meine")
    zugang = renew_address(gwa, actor=gwa)

    response = Client().get(feed_url(zugang))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    found = events(response)
    assert set(found) == {
        f"sitzung-{meeting.pk}",
        f"sitzung-{all_day.pk}",
        f"aufgabe-{task.pk}",
        f"aufgabe-{loose_task.pk}",
    }
    timed = found[f"sitzung-{meeting.pk}"]
    assert str(timed["summary"]) == "Austausch im Frühjahr"
    assert str(timed["location"]) == "Stadtteiltreff Kuckucksnest"
    assert timed["dtstart"].params["TZID"] == "Europe/Berlin"
    assert timed.decoded("dtstart") == datetime.datetime.combine(
        meeting.date, datetime.time(15, 30), tzinfo=timed.decoded("dtstart").tzinfo
    )
    assert timed.decoded("dtstart").utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert timed.decoded("dtend").time() == datetime.time(17, 0)
    assert str(timed["url"]) == f"http://testserver{meeting.get_absolute_url()}"
    # A meeting without a time is a whole-day event; so is a task's due date.
    whole_day = found[f"sitzung-{all_day.pk}"]
    assert whole_day.decoded("dtstart") == all_day.date
    assert whole_day.decoded("dtend") == all_day.date + datetime.timedelta(days=1)
    due = found[f"aufgabe-{task.pk}"]
    assert due.decoded("dtstart") == TODAY
    assert "Flyer drucken" in str(due["summary"])
    assert str(due["url"]).startswith(f"http://testserver{meeting.get_absolute_url()}")
    # The time zone's rules travel with the feed.
    calendar = Calendar.from_ical(response.content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_the_feed_leaves_out_meetings_the_person_may_no_longer_see(people, gwa, suedstadt):
    elsewhere = f.SitzungFactory(quartier=suedstadt, date=TODAY)
    elsewhere.teilnehmende.add(gwa)  # listed once, but Kuckuck's worker does not see Südstadt's meetings
    zugang = renew_address(gwa, actor=gwa)

    found = events(Client().get(feed_url(zugang)))

    assert f"sitzung-{elsewhere.pk}" not in found


def test_a_feed_has_only_its_owners_events(people, gwa, meeting):
    meeting.teilnehmende.add(people["qm"])
    f.AufgabeFactory(assignee=people["qm"], title="Für die Koordination")
    mine = renew_address(gwa, actor=gwa)
    theirs = renew_address(people["qm"], actor=people["qm"])

    my_events = events(Client().get(feed_url(mine)))
    their_events = events(Client().get(feed_url(theirs)))

    assert set(my_events) == {f"sitzung-{meeting.pk}"}
    assert f"sitzung-{meeting.pk}" in their_events
    assert any("Für die Koordination" in str(event["summary"]) for event in their_events.values())


def test_an_unknown_token_or_an_inactive_person_is_a_404(gwa, meeting):
    zugang = renew_address(gwa, actor=gwa)
    client = Client()

    assert client.get(reverse("zusammenarbeit:kalender-feed", args=["nicht-vorhanden"])).status_code == 404
    gwa.is_active = False
    gwa.save(update_fields=["is_active"])
    assert client.get(feed_url(zugang)).status_code == 404


def test_the_feed_needs_no_login_but_is_never_cached(gwa, meeting):
    zugang = renew_address(gwa, actor=gwa)

    response = Client().get(feed_url(zugang))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert not response.has_header("Set-Cookie")
