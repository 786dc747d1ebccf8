"""Login throttling (ASVS 2.2.1): repeated failures lock the account, and separately the address, for a while;
the login form says why, and every failure and lockout is logged."""

import logging

import pytest
from django.urls import reverse

from hameln_quartiere import throttle
from tests import factories as f

PASSWORD = "geheim-test-passwort"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    settings.LOGIN_LOCKOUT_MINUTES = 15
    settings.TRUSTED_PROXY_COUNT = 0


def login(client, username, password, address="10.0.0.1", url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client):
    return "_auth_user_id" in client.session


def form_error_codes(response):
    return [error.code for error in response.context["form"].non_field_errors().as_data()]


def test_the_right_password_logs_in_and_is_logged(client, db, caplog):
    f.UserFactory(username="anna")
    with caplog.at_level(logging.INFO, logger="hameln_quartiere.throttle"):
        response = login(client, "anna", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)
    assert "Login (account 'anna', address 10.0.0.1)." in caplog.messages


def test_an_account_is_locked_after_the_limit_even_for_the_right_password(client, db, caplog):
    f.UserFactory(username="anna")
    for _ in range(3):
        assert form_error_codes(login(client, "anna", "falsch")) == ["invalid_login"]

    with caplog.at_level(logging.INFO, logger="hameln_quartiere.throttle"):
        response = login(client, "anna", PASSWORD)

    assert response.status_code == 200
    assert form_error_codes(response) == ["locked"]
    assert "15" in response.content.decode()  # the form says for how long
    assert not logged_in(client)
    assert "Login refused, account locked (account 'anna', address 10.0.0.1)." in caplog.messages


def test_the_lockout_is_logged_when_it_begins(client, db, caplog):
    f.UserFactory(username="anna")
    with caplog.at_level(logging.INFO, logger="hameln_quartiere.throttle"):
        for _ in range(3):
            login(client, "anna", "falsch")
    assert caplog.messages.count("Failed login (account 'anna', address 10.0.0.1).") == 3
    lockouts = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert [record.getMessage() for record in lockouts] == [
        "Login locked for 15 minutes: 3 failures for account (account 'anna', address 10.0.0.1)."
    ]


def test_an_account_lock_holds_from_every_address_and_spares_other_accounts(client, db):
    f.UserFactory(username="anna")
    f.UserFactory(username="bernd")
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        login(client, "anna", "falsch", address=address)

    assert form_error_codes(login(client, "Anna", PASSWORD, address="10.0.0.9")) == ["locked"]
    assert login(client, "bernd", PASSWORD, address="10.0.0.1").status_code == 302


def test_an_address_is_locked_after_its_own_limit_across_accounts(client, db):
    f.UserFactory(username="anna")
    for number in range(5):  # one try each at five names: no account reaches its limit
        login(client, f"guess{number}", "falsch", address="10.0.0.66")

    assert form_error_codes(login(client, "anna", PASSWORD, address="10.0.0.66")) == ["locked"]
    assert login(client, "anna", PASSWORD, address="10.0.0.7").status_code == 302


def test_a_successful_login_clears_the_accounts_count_but_not_the_addresss(client, db):
    f.UserFactory(username="anna")
    for _ in range(2):
        login(client, "anna", "falsch")
    login(client, "anna", PASSWORD)
    client.logout()
    for _ in range(2):
        login(client, "anna", "falsch")
    assert login(client, "anna", PASSWORD).status_code == 302  # 2 + 2 failures, but not 3 in a row

    client.logout()
    login(client, "someone", "falsch")  # the address has seen its fifth failure
    assert form_error_codes(login(client, "anna", PASSWORD)) == ["locked"]


def test_attempts_while_locked_do_not_prolong_the_count(client, db, caplog):
    f.UserFactory(username="anna")
    for _ in range(3):
        login(client, "anna", "falsch")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="hameln_quartiere.throttle"):
        login(client, "anna", "falsch")
    assert caplog.messages
    assert not any(message.startswith("Failed login") for message in caplog.messages)


def test_the_lock_ends_after_the_lockout_time(client, db, monkeypatch):
    f.UserFactory(username="anna")
    for _ in range(3):
        login(client, "anna", "falsch")
    assert form_error_codes(login(client, "anna", PASSWORD)) == ["locked"]

    # The cache forgets the lock at its timeout; move the in-memory cache's clock past it.
    from django.core.cache.backends import locmem

    later = locmem.time.time() + 15 * 60 + 1
    monkeypatch.setattr(locmem, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    assert login(client, "anna", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, db):
    f.UserFactory(username="chef", role="admin", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    for _ in range(3):
        login(client, "chef", "falsch", url=admin_login)

    response = login(client, "chef", PASSWORD, url=admin_login)
    assert response.status_code == 200
    assert form_error_codes(response) == ["locked"]
    assert not logged_in(client)


@pytest.mark.parametrize(
    ("proxies", "meta", "address"),
    [
        (0, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "192.0.2.1"),
        (1, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "203.0.113.9"),
        # A client's own X-Forwarded-For entry stands left of the one the proxy added, and is not believed.
        (1, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.9"}, "203.0.113.9"),
        (2, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.9, 192.0.2.7"}, "203.0.113.9"),
        # Something else than an address (a forged header line) is not believed either.
        (1, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "evil\nline"}, "192.0.2.1"),
        # Fewer entries than proxies: the request did not come through them.
        (2, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "192.0.2.1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(rf, settings, proxies, meta, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert throttle.client_address(rf.get("/", **meta)) == address
