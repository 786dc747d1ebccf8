"""Every page of the portal states who may use it: walked over the whole URL configuration, so a new page is
checked without being listed. Anonymous visitors are sent to the login page; logged-in people without a role
are refused; nothing answers them with content."""

import pytest
from django.urls import get_resolver, reverse

from tests import factories as f
from tests.urlwalk import named_patterns

# Arguments that fit every converter: the object need not exist, the access check comes first.
ARGUMENTS = {"Int": 1, "Slug": "x", "String": "x", "Path": "x"}


def portal_urls():
    urls = []
    for name, pattern in named_patterns(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue  # the admin checks access its own way (tests/hameln_quartiere/test_admin.py)
        converters = pattern.pattern.converters.items()
        kwargs = {key: ARGUMENTS[type(converter).__name__.removesuffix("Converter")] for key, converter in converters}
        url = reverse(name, kwargs=kwargs)
        if url.startswith("/portal/"):
            urls.append((name, url))
    return urls


PORTAL_URLS = portal_urls()


def test_the_walk_finds_the_pages_of_every_app():
    names = {name.split(":")[0] for name, _url in PORTAL_URLS if ":" in name}
    assert {"treffpunkte", "handlungskonzepte", "quartiere", "zusammenarbeit"} <= names
    assert len(PORTAL_URLS) > 80


@pytest.mark.parametrize(("name", "url"), PORTAL_URLS, ids=[name for name, _url in PORTAL_URLS])
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, name, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (name, method.__name__)
        assert response.url.startswith(reverse("login")), name


@pytest.mark.parametrize(("name", "url"), PORTAL_URLS, ids=[name for name, _url in PORTAL_URLS])
def test_people_without_a_role_get_no_content(client, db, name, url):
    client.force_login(f.UserFactory(role=""))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (403, 404, 405), (name, method.__name__, response.status_code)
