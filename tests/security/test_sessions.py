"""Sessions (ASVS 3.3): a login ends after inactivity and at a maximum age; changing the password logs out every
other session; strong passwords only. Public pages never touch the session."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from hameln_quartiere.security import LOGIN_AT, SEEN_AT
from tests import factories as f

PASSWORD = "geheim-test-passwort"
NEW_PASSWORD = "Ein-neues-Passwort-2026"


@pytest.fixture
def gwa(db):
    return f.UserFactory(username="gwa-kuckuck")


@pytest.fixture
def gwa_client(client, gwa):
    client.force_login(gwa)
    return client


def shift_session(client, **seconds_ago):
    """Move the session's clocks into the past, as if time had passed."""
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] = int(time.time()) - ago
    session.save()


def is_login_redirect(response):
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_fresh_login_reaches_the_portal(gwa_client):
    assert gwa_client.get(reverse("portal")).status_code == 200


def test_a_login_ends_after_the_idle_timeout(gwa_client, settings):
    shift_session(gwa_client, seen=settings.SESSION_IDLE_TIMEOUT + 1)

    assert is_login_redirect(gwa_client.get(reverse("portal")))
    assert "_auth_user_id" not in gwa_client.session


def test_activity_moves_the_idle_timer_on(gwa_client, settings):
    shift_session(gwa_client, seen=settings.SESSION_IDLE_TIMEOUT - 5)
    response = gwa_client.get(reverse("portal"))

    assert response.status_code == 200
    assert time.time() - gwa_client.session[SEEN_AT] < 5
    # The cookie and the stored session expire with the idle timeout, renewed with each move of the timer.
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_IDLE_TIMEOUT
    assert abs(gwa_client.session.get_expiry_age() - settings.SESSION_IDLE_TIMEOUT) < 5


def test_requests_within_a_minute_do_not_rewrite_the_session(gwa_client):
    gwa_client.get(reverse("portal"))
    response = gwa_client.get(reverse("portal"))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_login_ends_at_its_maximum_age_however_active(gwa_client, settings):
    shift_session(gwa_client, login=settings.SESSION_MAX_AGE + 1, seen=10)

    assert is_login_redirect(gwa_client.get(reverse("portal")))


def test_the_default_timeouts_are_those_of_asvs_level_2(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_MAX_AGE == 12 * 60 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT


def test_public_pages_neither_read_nor_renew_a_staff_session(gwa_client, settings):
    f.QuartierFactory(name="Kuckuck", slug="kuckuck")
    shift_session(gwa_client, seen=120)
    before = gwa_client.session[SEEN_AT]

    for url in ("/de/", "/de/", "/de/angebote/"):
        response = gwa_client.get(url)
        assert response.status_code == 200
        assert "Cookie" not in response.get("Vary", "")
        assert "Set-Cookie" not in response.headers
        assert "public" in response["Cache-Control"]
    assert gwa_client.session[SEEN_AT] == before


def test_changing_the_password_logs_out_every_other_session(gwa, settings):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert client.post(reverse("login"), {"username": gwa.username, "password": PASSWORD}).status_code == 302
        assert client.get(reverse("portal")).status_code == 200

    response = here.post(
        reverse("password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Ein-neues-Passwort-2026",
            "new_password2": "Ein-neues-Passwort-2026",
        },
    )

    assert response.status_code == 302
    assert here.get(reverse("portal")).status_code == 200
    assert is_login_redirect(elsewhere.get(reverse("portal")))
    gwa.refresh_from_db()
    assert gwa.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Kuckuck-123", "password_too_short"),  # 11 characters
        ("password1234", "password_too_common"),
        ("202611252026", "password_entirely_numeric"),
        ("gwa-kuckuck1", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason_at_the_field(gwa_client, gwa, password, code):
    response = gwa_client.post(
        reverse("password-change"), {"old_password": PASSWORD, "new_password1": password, "new_password2": password}
    )

    assert response.status_code == 200
    assert code in [error.code for error in response.context["form"].errors.as_data()["new_password2"]]
    gwa.refresh_from_db()
    assert gwa.check_password(PASSWORD)


def test_twelve_characters_are_enough(gwa_client, gwa):
    response = gwa_client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "Weserbrücke7", "new_password2": "Weserbrücke7"},
    )
    assert response.status_code == 302


def test_the_admin_sets_passwords_by_the_same_rules(admin_client, gwa):
    url = reverse("admin:auth_user_password_change", args=[gwa.pk])
    response = admin_client.post(url, {"password1": "Kuckuck-123", "password2": "Kuckuck-123"})

    assert response.status_code == 200
    assert "password_too_short" in [error.code for error in response.context["form"].errors.as_data()["password2"]]
    assert get_user_model().objects.get(pk=gwa.pk).check_password(PASSWORD)


def test_a_password_set_by_the_admin_logs_the_person_out_everywhere(admin_client, gwa):
    elsewhere = Client()
    elsewhere.post(reverse("login"), {"username": gwa.username, "password": PASSWORD})
    assert elsewhere.get(reverse("portal")).status_code == 200

    url = reverse("admin:auth_user_password_change", args=[gwa.pk])
    assert admin_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302

    assert is_login_redirect(elsewhere.get(reverse("portal")))


def test_the_admins_own_password_change_logs_out_their_other_sessions(superuser):
    superuser.set_password(PASSWORD)
    superuser.save()
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(reverse("admin:login"), {"username": superuser.username, "password": PASSWORD})
        assert client.get(reverse("admin:index")).status_code == 200

    response = here.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Ein-neues-Passwort-2026",
            "new_password2": "Ein-neues-Passwort-2026",
        },
    )

    assert response.status_code == 302
    assert here.get(reverse("admin:index")).status_code == 200
    assert elsewhere.get(reverse("admin:index")).status_code == 302
