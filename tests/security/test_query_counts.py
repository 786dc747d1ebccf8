"""The pages this hardening added ask the database a fixed, small number of times."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hameln_quartiere.models import Role
from tests import factories as f


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_health_check_asks_the_database_once(client, db):
    assert queries(client, reverse("healthz")) == 1


def test_the_password_change_page_reads_the_session_the_person_and_their_inbox(client, db):
    client.force_login(f.UserFactory(role=Role.GWA))
    assert queries(client, reverse("password-change")) == 3
    f.NotificationFactory.create_batch(5)
    assert queries(client, reverse("password-change")) == 3
