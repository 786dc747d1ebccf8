"""The portal's remembered answers (hameln_quartiere/cache.py): the start page, the review queue and the
attendance week are computed once per person until any data changes, and never show anything out of date."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from hameln_quartiere.cache import DATA, remember
from hameln_quartiere.models import ReviewState
from hameln_quartiere.services import approve
from tests import factories as f
from tests.portal.conftest import make_entry
from treffpunkte.services import record_attendance

WEEK = "2019-W11"
TUESDAY = datetime.date(2019, 3, 12)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_save_or_delete_of_any_data_moves_the_generation_on(people, kuckuck):
    before = DATA.current()
    entry = make_entry("angebot", kuckuck)
    after_save = DATA.current()
    entry.delete()

    assert before < after_save < DATA.current()


def test_sessions_do_not_move_the_generation_on(db):
    # A session is written on nearly every request: if it moved the generation on, nothing would be remembered.
    before = DATA.current()
    session = SessionStore()
    session["seen"] = True
    session.save()

    assert DATA.current() == before


def test_a_lost_counter_starts_again_at_a_number_it_never_had(db):
    # After a cleared cache or a restarted Redis, counting from 1 again could meet an answer stored before.
    before = DATA.current()
    cache.clear()

    assert DATA.current() > before


def test_a_save_goes_through_when_the_cache_cannot_be_told(people, kuckuck, monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is gone")

    monkeypatch.setattr(cache, "incr", unreachable)

    entry = make_entry("angebot", kuckuck)

    assert type(entry).objects.filter(pk=entry.pk).exists()
    assert "could not be told of a change" in caplog.text


def test_only_plain_values_key_a_remembered_answer(people):
    with pytest.raises(TypeError):
        remember(people["qm"], "test", lambda: 1, object())


def test_an_answer_is_remembered_per_person_and_computed_again_after_a_change(people, kuckuck):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert remember(people["qm"], "test", compute) == 1
    assert remember(people["qm"], "test", compute) == 1
    assert remember(people["gwa"], "test", compute) == 2  # another person: their own answer
    assert remember(people["qm"], "test", compute, "other") == 3  # other parts: another answer
    make_entry("angebot", kuckuck)
    assert remember(people["qm"], "test", compute) == 4


def test_nothing_is_remembered_without_a_shared_cache(people, settings):
    settings.PORTAL_CACHE = False
    calls = []

    assert remember(people["qm"], "test", lambda: calls.append(1)) is None
    assert remember(people["qm"], "test", lambda: calls.append(1)) is None
    assert len(calls) == 2


def test_the_second_start_page_reads_no_entries(people, kuckuck, django_assert_max_num_queries):
    make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa"])
    client = client_for(people["qm"])
    client.get(reverse("portal"))

    # The session, the person and the unread notifications; the blocks come from the cache.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("portal"))

    assert response.status_code == 200


def test_an_approval_leaves_the_start_page_and_the_review_queue_of_the_reviewer_at_once(people, kuckuck):
    entry = make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa"])
    client = client_for(people["qm"])
    title = entry.title
    assert title in client.get(reverse("portal")).content.decode()
    assert title in client.get(reverse("review-queue")).content.decode()

    approve(entry, actor=people["qm"])

    assert title not in client.get(reverse("review-queue")).content.decode()
    start = client.get(reverse("portal")).content.decode()
    queue = start[start.index('data-block="queue"') :]
    assert title not in queue[: queue.index("</section>")]


def test_the_review_queue_remembers_each_filter_on_its_own(people, kuckuck, nordstadt):
    in_kuckuck = make_entry("angebot", kuckuck, ReviewState.SUBMITTED, author=people["gwa"])
    in_nordstadt = make_entry("angebot", nordstadt, ReviewState.SUBMITTED, author=people["gwa"])
    client = client_for(people["qm"])

    everything = client.get(reverse("review-queue")).content.decode()
    kuckuck_only = client.get(reverse("review-queue"), {"quartier": kuckuck.pk}).content.decode()

    assert in_kuckuck.title in everything and in_nordstadt.title in everything
    assert in_kuckuck.title in kuckuck_only and in_nordstadt.title not in kuckuck_only


@pytest.fixture
def tuesday_offer(kuckuck):
    angebot = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=kuckuck))
    f.ScheduleFactory(angebot=angebot, weekday=1)
    return angebot


def test_the_remembered_grid_shows_a_count_recorded_since(people, tuesday_offer):
    client = client_for(people["gwa"])
    url = reverse("treffpunkte:attendance-grid")
    first = client.get(url, {"woche": WEEK}).content.decode()
    assert 'value=""' in first and tuesday_offer.title in first

    record_attendance([(tuesday_offer, TUESDAY, 17)], actor=people["qm"])

    assert 'value="17"' in client.get(url, {"woche": WEEK}).content.decode()


def test_the_remembered_grid_has_a_csrf_token_of_its_own_session(people, tuesday_offer):
    # The rows are remembered as HTML, the form's token is not: each person's page carries a token that their
    # own session accepts, so saving works after a cache hit too.
    url = reverse("treffpunkte:attendance-grid")
    client_for(people["gwa"]).get(url, {"woche": WEEK})
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["gwa"])
    page = client.get(url, {"woche": WEEK}).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    row = "teilnahme-0-"

    response = client.post(
        f"{url}?woche={WEEK}",
        {
            "csrfmiddlewaretoken": token,
            "teilnahme-TOTAL_FORMS": "1",
            "teilnahme-INITIAL_FORMS": "1",
            f"{row}angebot": tuesday_offer.pk,
            f"{row}date": TUESDAY.isoformat(),
            f"{row}loaded": "",
            f"{row}participants": "9",
        },
    )

    assert response.status_code == 302
    assert tuesday_offer.teilnahmen.get(date=TUESDAY).participants == 9


def test_a_grid_with_errors_is_rendered_from_the_input_not_from_the_cache(people, tuesday_offer):
    client = client_for(people["gwa"])
    url = reverse("treffpunkte:attendance-grid")
    client.get(url, {"woche": WEEK})
    row = "teilnahme-0-"

    response = client.post(
        f"{url}?woche={WEEK}",
        {
            "teilnahme-TOTAL_FORMS": "1",
            "teilnahme-INITIAL_FORMS": "1",
            f"{row}angebot": tuesday_offer.pk,
            f"{row}date": TUESDAY.isoformat(),
            f"{row}loaded": "",
            f"{row}participants": "-4",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="-4"' in content
    assert "negativ" in content


def test_a_remembered_list_reads_no_rows_and_shows_an_entry_added_since(people, kuckuck, django_assert_max_num_queries):
    client = client_for(people["qm"])
    url = reverse("handlungskonzepte:massnahme-list") + "?o=title"
    first = make_entry("massnahme", kuckuck)
    assert first.title in client.get(url).content.decode()

    # The session, the person, the count for the paginator and the unread notifications.
    with django_assert_max_num_queries(4):
        client.get(url)
    second = make_entry("massnahme", kuckuck)
    page = client.get(url).content.decode()

    assert first.title in page and second.title in page
