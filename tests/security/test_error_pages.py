"""Error pages (ASVS 7.4): plain pages in the reader's language (German by default) with no technical detail,
each naming the request id that is also in the response header and in the log line of the error."""

import logging
import re

import pytest
from django.test import Client
from django.utils import translation

from hameln_quartiere.request_id import RequestIdFilter
from tests import factories as f

PAGES = {
    400: ("/test/unverstaendlich/", "Bad request", "a detail of the bad request"),
    403: ("/test/verboten/", "Access denied", "a detail of the refusal"),
    404: ("/portal/gibt-es-nicht/", "Page not found", "gibt-es-nicht"),
    500: ("/test/kaputt/", "Server error", "Kaputt"),
}


@pytest.fixture(autouse=True)
def _failing_views(settings):
    settings.ROOT_URLCONF = "tests.security.urls"
    assert settings.DEBUG is False


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def request_id_on_page(response):
    return re.search(r"<code data-request-id>([^<]+)</code>", response.content.decode()).group(1)


@pytest.mark.parametrize("status", sorted(PAGES))
def test_an_error_page_is_plain_german_and_names_the_request_id(client, status):
    """No database here (no ``db`` fixture: any query would fail the test): the pages render without it."""
    url, heading, detail = PAGES[status]
    response = client.get(url)

    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="de"' in page
    with translation.override("de"):
        german = translation.gettext(heading)
    assert german != heading, f"“{heading}” has no German translation yet"
    assert german in page
    assert detail not in page
    assert "Traceback" not in page
    assert request_id_on_page(response) == response["X-Request-ID"]


def test_an_error_page_speaks_the_language_of_the_address(client):
    response = client.get("/en/gibt-es-nicht/")
    assert response.status_code == 404
    assert '<html lang="en"' in response.content.decode()
    assert "Page not found" in response.content.decode()


def test_the_proxys_request_id_is_taken_when_well_formed(client):
    response = client.get("/test/kaputt/", HTTP_X_REQUEST_ID="lb-2026-11-25-abcdef")
    assert response["X-Request-ID"] == "lb-2026-11-25-abcdef"
    assert request_id_on_page(response) == "lb-2026-11-25-abcdef"


@pytest.mark.parametrize("offered", ["", "kurz", "<script>alert(1)</script>", "a b c d e f g h", "x" * 129, "ä" * 20])
def test_a_malformed_request_id_is_replaced(client, offered):
    response = client.get("/test/kaputt/", HTTP_X_REQUEST_ID=offered)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_the_error_is_logged_with_the_request_id_and_the_details(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test/kaputt/")

    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.request_id == response["X-Request-ID"]
    assert "Kaputt: a secret detail" in caplog.text  # the traceback goes to the log, not to the page


def test_the_console_log_line_carries_the_request_id(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["request_id"]
    assert "[%(request_id)s]" in settings.LOGGING["formatters"][handler["formatter"]]["format"]
    consoles = [h for h in logging.getLogger().handlers if any(isinstance(flt, RequestIdFilter) for flt in h.filters)]
    assert consoles
    console = consoles[0]
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Etwas ging schief", None, None)
    console.filter(record)
    assert console.format(record).endswith("ERROR [-] x: Etwas ging schief")


def test_a_person_without_a_role_gets_the_plain_403(client, db):
    client.force_login(f.UserFactory(role=""))
    response = client.get("/portal/")
    assert response.status_code == 403
    assert "data-request-id" in response.content.decode()


def test_a_form_with_a_stale_csrf_token_gets_a_plain_403(db):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/anmelden/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "data-request-id" in page
    assert "CSRF" not in page
