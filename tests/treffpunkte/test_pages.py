"""The detail pages of meeting points and offers, and "my meeting points": what they show and link to."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.treffpunkte.conftest import client_for, weekly_angebot
from treffpunkte.models import Teilnahme
from treffpunkte.views import angebot_related

MY_URL = reverse("treffpunkte:my-treffpunkte")


def test_the_meeting_point_page_links_its_offers_measures_and_operator(gwa, kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck, street="Kuckuckstraße 1", step_free=True)
    angebot = weekly_angebot(kuckuck)
    angebot.treffpunkt = treffpunkt
    angebot.save()
    massnahme = f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=kuckuck), treffpunkt=treffpunkt)

    response = client_for(gwa).get(treffpunkt.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="{angebot.get_absolute_url()}"' in content
    assert f'href="{massnahme.get_absolute_url()}"' in content
    assert reverse("treffpunkte:traeger-detail", args=[treffpunkt.traeger_id]) in content
    assert "Kuckuckstraße 1" in content
    assert reverse("treffpunkte:angebot-update", args=[angebot.pk]) in content


def test_the_meeting_point_page_leaves_out_measures_the_person_may_not_see(gwa, kuckuck, nordstadt):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck)
    hidden = f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=nordstadt), treffpunkt=treffpunkt)
    content = client_for(gwa).get(treffpunkt.get_absolute_url()).content.decode()
    assert hidden.title not in content


def test_the_offer_page_shows_schedule_next_dates_cancellations_attendance_and_measures(gwa, kuckuck):
    angebot = weekly_angebot(kuckuck)
    today = timezone.localdate()
    cancelled = today + datetime.timedelta(days=(1 - today.weekday()) % 7 + 7)  # the Tuesday after next
    angebot.cancellations.create(date=cancelled, reason="Betriebsausflug")
    f.TeilnahmeFactory(angebot=angebot, date=datetime.date(2019, 3, 12), participants=10)
    f.TeilnahmeFactory(angebot=angebot, date=datetime.date(2019, 3, 19), participants=14)
    massnahme = f.MassnahmeFactory(handlungskonzept=f.HandlungskonzeptFactory(quartier=kuckuck))
    massnahme.angebote.add(angebot)

    response = client_for(gwa).get(angebot.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="{angebot.treffpunkt.get_absolute_url()}"' in content
    assert f'href="{massnahme.get_absolute_url()}"' in content
    assert "15:00–17:00" in content
    assert "Betriebsausflug" in content
    assert cancelled.isoformat() in content  # among the next dates, marked cancelled
    assert "24" in content and "12,0" in content  # total and average
    assert reverse("treffpunkte:attendance-grid") in content


@pytest.mark.parametrize("page", ["treffpunkt", "angebot"])
def test_a_detail_page_outside_the_persons_quarters_is_not_found(gwa, nordstadt, page):
    angebot = weekly_angebot(nordstadt)
    entry = angebot if page == "angebot" else angebot.treffpunkt
    assert client_for(gwa).get(entry.get_absolute_url()).status_code == 404


def test_my_meeting_points_lists_those_of_my_quarters_with_their_offers_and_quick_links(gwa, kuckuck, nordstadt):
    mine = weekly_angebot(kuckuck)
    mobile = f.AngebotFactory(treffpunkt=None, is_mobile=True, quartier=kuckuck, title="Wandernder Bewohnertreff")
    other = weekly_angebot(nordstadt)

    response = client_for(gwa).get(MY_URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["treffpunkte"]) == [mine.treffpunkt]
    assert response.context["mobile_angebote"] == [mobile]
    assert other.treffpunkt.name not in content
    assert reverse("treffpunkte:angebot-update", args=[mine.pk]) in content
    assert reverse("treffpunkte:treffpunkt-update", args=[mine.treffpunkt.pk]) in content
    assert reverse("treffpunkte:attendance-grid") in content
    assert "Dienstag" in content or "Tuesday" in content


def test_the_coordinator_sees_every_meeting_point(qm, kuckuck, nordstadt):
    weekly_angebot(kuckuck), weekly_angebot(nordstadt)
    assert len(client_for(qm).get(MY_URL).context["treffpunkte"]) == 2


def test_readers_see_my_meeting_points_without_edit_links(familie, kuckuck):
    angebot = weekly_angebot(kuckuck)
    content = client_for(familie).get(MY_URL).content.decode()
    assert angebot.title in content
    assert reverse("treffpunkte:angebot-update", args=[angebot.pk]) not in content
    assert reverse("treffpunkte:attendance-grid") not in content


def test_an_offer_under_review_shows_no_edit_link_but_the_attendance_link(gwa, kuckuck):
    angebot = weekly_angebot(kuckuck)
    angebot.review_state = "submitted"
    angebot.save()
    content = client_for(gwa).get(MY_URL).content.decode()
    assert reverse("treffpunkte:angebot-update", args=[angebot.pk]) not in content
    assert reverse("treffpunkte:attendance-grid") in content


def test_the_offer_summary_counts_only_the_counts_per_date_as_occasions(gwa, kuckuck):
    angebot = weekly_angebot(kuckuck)
    f.TeilnahmeFactory(angebot=angebot, date=datetime.date(2019, 3, 12), participants=10)
    f.TeilnahmeFactory(angebot=angebot, date=datetime.date(2019, 3, 19), participants=14)
    f.TeilnahmeFactory(angebot=angebot, period=Teilnahme.Period.MONTH, date=datetime.date(2019, 2, 1), participants=90)

    request = RequestFactory().get("/")
    request.user = gwa
    summary = angebot_related(angebot, request.user)["attendance"]

    assert summary["occasions"] == 2
    assert summary["total"] == 24
    assert summary["average"] == 12
    assert summary["first"] == datetime.date(2019, 3, 12)
