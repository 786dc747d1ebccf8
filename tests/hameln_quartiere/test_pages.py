"""The first face of the app: the public start page, login and logout, the portal's start page, the base layout."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from hameln_quartiere.models import Ressort, Role
from tests.factories import QuartierFactory, UserFactory

PASSWORD = "geheim-test-passwort"  # the one tests.factories.UserFactory sets

QUARTERS = [
    ("Kuckuck", "kuckuck", True),
    ("Altstadt", "altstadt", False),
    ("Nordstadt", "nordstadt", False),
    ("Südstadt", "suedstadt", False),
]


@pytest.fixture
def quartiere(db):
    return [
        QuartierFactory(name=name, slug=slug, is_soziale_stadt=soziale_stadt, description=f"Profil von {name}.")
        for name, slug, soziale_stadt in QUARTERS
    ]


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls.extend(value for name, value in attrs if name in {"src", "href", "action", "srcset"} and value)


def linked_urls(html):
    parser = _LinkCollector()
    parser.feed(html)
    return parser.urls


def test_home_lists_the_four_quarters_without_login(client, quartiere):
    response = client.get(reverse("verzeichnis:start"))

    assert response.status_code == 200
    assert [q.name for q in response.context["quartiere"]] == ["Altstadt", "Kuckuck", "Nordstadt", "Südstadt"]
    content = response.content.decode()
    for name, _slug, _soziale_stadt in QUARTERS:
        assert name in content
        assert f"Profil von {name}." in content


def test_home_marks_only_the_soziale_stadt_quarter(client, quartiere):
    with translation.override("en"):
        response = client.get(reverse("verzeichnis:start"), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert content.count("“Soziale Stadt” area") == 1
    kuckuck_card = content[content.index("Kuckuck") : content.index("Nordstadt")]
    assert "“Soziale Stadt” area" in kuckuck_card


def test_base_layout_has_language_landmarks_and_skip_link(client, quartiere):
    response = client.get(reverse("verzeichnis:start"))

    content = response.content.decode()
    assert f'<html lang="{settings.LANGUAGE_CODE}"' in content
    assert 'dir="ltr"' in content
    assert 'href="#main"' in content
    assert '<main id="main"' in content
    for landmark in ("<header", "<nav", "<footer"):
        assert landmark in content
    assert reverse("login") in content


def test_login_page_renders_a_form(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="username"' in content
    assert 'name="password"' in content
    assert "csrfmiddlewaretoken" in content
    assert "<label" in content


def test_login_with_right_credentials_redirects_to_the_portal(client, db):
    user = UserFactory(username="gwa-kuckuck")

    response = client.post(reverse("login"), {"username": "gwa-kuckuck", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("portal")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_wrong_credentials_shows_an_error_and_stays(client, db):
    UserFactory(username="gwa-kuckuck")

    response = client.post(reverse("login"), {"username": "gwa-kuckuck", "password": "falsch"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "alert" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_page_sends_a_logged_in_person_on_to_the_portal(client, db):
    client.force_login(UserFactory())

    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response.url == reverse("portal")


def test_portal_redirects_anonymous_people_to_the_login_page(client, db):
    response = client.get(reverse("portal"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('portal')}"


def test_portal_greets_a_gwa_worker_with_role_department_and_quarters(client, quartiere):
    _kuckuck, altstadt, nordstadt, _suedstadt = quartiere
    worker = UserFactory(first_name="Ayşe", last_name="Demir", role=Role.GWA, quartiere=[altstadt, nordstadt])
    client.force_login(worker)

    response = client.get(reverse("portal"))

    assert response.status_code == 200
    assert response.context["covers_all_quarters"] is False
    assert [q.name for q in response.context["blocks"].quartiere] == ["Altstadt", "Nordstadt"]
    content = response.content.decode()
    assert "Ayşe Demir" in content
    with translation.override(settings.LANGUAGE_CODE):
        assert str(Role.GWA.label) in content
        assert str(Ressort.FAMILIE_SOZIALES.label) in content
    quarter_list = content[content.index("data-quartiere") :]
    assert "Altstadt" in quarter_list
    assert "Nordstadt" in quarter_list
    assert "Kuckuck" not in quarter_list
    assert reverse("admin:index") not in content


@pytest.mark.parametrize("role", [Role.QM_COORDINATOR, Role.LEADERSHIP])
def test_portal_tells_coordinator_and_leadership_they_cover_all_quarters(client, quartiere, role):
    client.force_login(UserFactory(role=role, quartiere=[quartiere[0]]))

    with translation.override("en"):
        response = client.get(reverse("portal"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["covers_all_quarters"] is True
    assert len(response.context["blocks"].quartiere) == 4
    assert "All quarters" in response.content.decode()


def test_portal_links_staff_to_the_admin(admin_client):
    response = admin_client.get(reverse("portal"))

    assert response.status_code == 200
    content = response.content.decode()
    assert f'href="{reverse("admin:index")}"' in content


def test_logout_by_post_ends_the_session_and_returns_home(client, db):
    client.force_login(UserFactory())

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("verzeichnis:start")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal")).status_code == 302


def test_logout_by_get_is_refused(client, db):
    client.force_login(UserFactory())

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_logged_in_nav_shows_name_portal_and_a_logout_form(client, db):
    client.force_login(UserFactory(first_name="Jan", last_name="Meyer", role=Role.QM_COORDINATOR))

    content = client.get(reverse("portal")).content.decode()

    assert "Jan Meyer" in content
    assert f'href="{reverse("portal")}"' in content
    assert f'action="{reverse("logout")}"' in content
    assert f'href="{reverse("login")}"' not in content


@pytest.mark.parametrize(
    ("url_name", "logged_in"),
    [("verzeichnis:start", False), ("verzeichnis:start", True), ("login", False), ("portal", True)],
)
def test_pages_link_nothing_from_third_party_hosts(client, superuser, quartiere, url_name, logged_in):
    if logged_in:
        client.force_login(superuser)

    response = client.get(reverse(url_name))

    assert response.status_code == 200

    urls = linked_urls(response.content.decode())
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme in {"", "http", "https"}, url
        assert parts.netloc in {"", "testserver"}, url


def test_every_static_file_in_the_base_layout_is_vendored_or_ours():
    base = (settings.BASE_DIR / "templates" / "base.html").read_text()

    paths = re.findall(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""", base)

    assert "vendor/bootstrap/css/bootstrap.min.css" in paths
    assert "vendor/bootstrap/css/bootstrap.rtl.min.css" in paths
    assert "vendor/bootstrap/js/bootstrap.bundle.min.js" in paths
    for path in paths:
        assert finders.find(path), path
    assert finders.find("vendor/bootstrap/LICENSE")


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_home_query_count_stays_constant_as_quarters_grow(client, quartiere, django_assert_max_num_queries):
    with_four = _count_queries(client, reverse("verzeichnis:start"), django_assert_max_num_queries, 6)
    QuartierFactory.create_batch(16)

    assert _count_queries(client, reverse("verzeichnis:start"), django_assert_max_num_queries, 6) == with_four


@pytest.mark.parametrize("role", [Role.GWA, Role.QM_COORDINATOR])
def test_portal_query_count_stays_constant_as_quarters_grow(client, quartiere, role, django_assert_max_num_queries):
    user = UserFactory(role=role, quartiere=quartiere)
    client.force_login(user)
    # Session, user, quarters (the review scope takes their ids from the same list), four grouped counts for the
    # quarters' numbers, the review queue's count and oldest five, my tasks' count and oldest five, my latest
    # submissions, the stale entries' count and oldest ten, the unread count (see tests/portal/test_start_page.py).
    with_four = _count_queries(client, reverse("portal"), django_assert_max_num_queries, 15)
    user.quartiere.add(*QuartierFactory.create_batch(16))

    assert _count_queries(client, reverse("portal"), django_assert_max_num_queries, 15) == with_four
