"""The permission matrix of every URL (ASVS 4.1): walked over the whole URL configuration, each URL falls into
one access class, and a URL that falls into none fails the first test. Anonymous visitors get the login page
(or a 404) for everything that is not public; logged-in people without a role get no portal content.

To place a new URL: under /portal/ (the staff portal) and /admin/ there is nothing to do, the rules below take
it. Anything else, or a portal or admin URL that behaves differently, gets one line in ``LISTED``.
"""

import re

import pytest
from django.urls import get_resolver, reverse

from tests import factories as f
from tests.urlwalk import every_pattern

PUBLIC = "public"  # anyone, no login
PORTAL = "portal"  # a login with a portal role; anyone else is sent to the login page or refused
ADMIN = "admin"  # the Django admin: city admins only, anyone else is sent to the admin's login
TOKEN = "token"  # no login, but a secret token in the address; a wrong token is a 404
LOGOUT = "logout"  # POST only

# URLs by name ("namespace:*" for a whole namespace). Checked before the rules by address.
LISTED = {
    "verzeichnis:*": PUBLIC,
    "hsds:*": PUBLIC,
    "sprache": PUBLIC,
    "login": PUBLIC,
    "healthz": PUBLIC,
    "admin:login": PUBLIC,
    "logout": LOGOUT,
    "zusammenarbeit:kalender-feed": TOKEN,
}
BY_ADDRESS = {"portal/": PORTAL, "admin/": ADMIN}

# Arguments that fit every converter: the object need not exist, the access check comes first.
ARGUMENTS = {"Int": 1, "Slug": "x", "String": "x", "Path": "x"}


def access_class(key, route):
    namespace = key.rsplit(":", 1)[0] + ":*" if ":" in key else None
    if key in LISTED or namespace in LISTED:
        return LISTED.get(key) or LISTED[namespace]
    return next((kind for prefix, kind in BY_ADDRESS.items() if route.startswith(prefix)), None)


def example_url(key, pattern, route):
    """An address of the pattern, with arguments that fit its converters."""
    converters = pattern.pattern.converters.items()
    kwargs = {}
    for name, converter in converters:
        kind = type(converter).__name__.removesuffix("Converter")
        assert kind in ARGUMENTS, f"{key}: add an example argument for the {kind} converter to ARGUMENTS"
        kwargs[name] = ARGUMENTS[kind]
    # The admin's regular expressions: a group of alternatives takes the first (an app label), others "x".
    for name, body in re.findall(r"\(\?P<(\w+)>([^)]*)\)", str(pattern.pattern)):
        kwargs[name] = body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "x"
    if pattern.name:
        return reverse(key, kwargs=kwargs)
    # Unnamed (a few admin redirects and its catch-all): fill in the route itself.
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs.get(match.group(1), "x")), url)
    return "/" + url.replace("^", "").replace("$", "")


def walk():
    return [
        (key, access_class(key, route), example_url(key, pattern, route))
        for key, route, pattern in every_pattern(get_resolver().url_patterns)
    ]


URLS = walk()


def of_class(kind):
    return [(key, url) for key, url_kind, url in URLS if url_kind == kind]


def ids(entries):
    return [key for key, _url in entries]


def is_login_redirect(response, login="login"):
    return response.status_code == 302 and response.url.startswith(reverse(login))


def test_every_url_is_in_the_matrix():
    missing = [key for key, kind, _url in URLS if kind is None]
    assert not missing, (
        f"These URLs are in no access class: {missing}. Add each to LISTED in tests/portal/test_url_access.py "
        "(PUBLIC, TOKEN, …), or move it under /portal/ if it is a page of the staff portal."
    )


def test_the_matrix_lists_no_url_that_is_gone():
    keys = {key for key, _kind, _url in URLS}
    namespaces = {key.rsplit(":", 1)[0] + ":*" for key in keys if ":" in key}
    assert set(LISTED) <= keys | namespaces


def test_the_walk_finds_the_pages_of_every_app():
    names = {key.split(":")[0] for key, _url in of_class(PORTAL) if ":" in key}
    assert {"treffpunkte", "handlungskonzepte", "quartiere", "zusammenarbeit"} <= names
    assert len(of_class(PORTAL)) > 80
    assert len(of_class(ADMIN)) > 50
    assert len(of_class(PUBLIC)) > 15


@pytest.mark.parametrize(("key", "url"), of_class(PORTAL), ids=ids(of_class(PORTAL)))
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, key, url):
    for method in (client.get, client.post):
        response = method(url)
        assert is_login_redirect(response), (key, method.__name__, response.status_code)


@pytest.mark.parametrize(("key", "url"), of_class(PORTAL), ids=ids(of_class(PORTAL)))
def test_people_without_a_role_get_no_content(client, db, key, url):
    client.force_login(f.UserFactory(role=""))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (403, 404, 405), (key, method.__name__, response.status_code)


@pytest.mark.parametrize(("key", "url"), of_class(ADMIN), ids=ids(of_class(ADMIN)))
def test_the_admin_sends_anyone_but_city_admins_to_its_login(client, db, key, url):
    for user in (None, f.UserFactory(role="qm")):
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302, (key, response.status_code)
        # The admin's logout sends to its start page, which sends to its login.
        assert is_login_redirect(response, "admin:login") or response.url == reverse("admin:index"), key


@pytest.mark.parametrize(("key", "url"), of_class(PUBLIC), ids=ids(of_class(PUBLIC)))
def test_public_urls_answer_without_a_login(client, db, key, url):
    response = client.get(url)
    # Made-up arguments find nothing (404); never an error, never the login page.
    assert response.status_code in (200, 301, 302, 404), (key, response.status_code)
    assert not is_login_redirect(response), key


@pytest.mark.parametrize(("key", "url"), of_class(TOKEN), ids=ids(of_class(TOKEN)))
def test_a_wrong_token_finds_nothing(client, db, key, url):
    assert client.get(url).status_code == 404, key


@pytest.mark.parametrize(("key", "url"), of_class(LOGOUT), ids=ids(of_class(LOGOUT)))
def test_logging_out_takes_a_post(client, db, key, url):
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302


@pytest.mark.parametrize(("key", "url"), of_class(PORTAL), ids=ids(of_class(PORTAL)))
def test_a_coordinator_asking_for_what_does_not_exist_gets_no_server_error(client, db, key, url):
    client.force_login(f.UserFactory(role="qm"))
    response = client.get(url)
    assert response.status_code < 500, (key, response.status_code)
