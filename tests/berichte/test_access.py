"""Who reads and who finalises reports: a quarter's report whoever covers the quarter, the programme's report
whoever sees all quarters; the coordinator and the city admins finalise. Anything outside a person's scope is
a 404, as for entries."""

import pytest
from django.urls import reverse

from berichte import services
from berichte.models import Jahresbericht
from hameln_quartiere.models import Role
from tests import factories as f

from .conftest import YEAR


def url(name, quartier=""):
    return reverse(f"berichte:{name}", args=[YEAR]) + (f"?quartier={quartier}" if quartier else "")


@pytest.mark.parametrize("name", ["bericht", "bericht-pdf", "bericht-xlsx", "vorjahr", "abschliessen"])
def test_a_social_worker_reads_only_the_reports_of_their_quarters(client, world, name):
    client.force_login(world.gwa)  # covers Kuckuck
    assert client.get(url(name)).status_code == 404
    assert client.get(url(name, "altstadt")).status_code == 404
    assert client.get(url(name, "nirgendwo")).status_code == 404
    expected = 403 if name == "abschliessen" else 200
    assert client.get(url(name, "kuckuck")).status_code == expected


def test_a_social_worker_cannot_finalise(client, world):
    client.force_login(world.gwa)
    assert client.post(url("abschliessen", "kuckuck"), {"note": ""}).status_code == 403
    assert not Jahresbericht.objects.exists()


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.FAMILY_SUPPORT])
def test_readers_read_and_do_not_finalise(client, world, role):
    reader = f.UserFactory(role=role, quartiere=[world.quartiere["kuckuck"]])
    client.force_login(reader)
    scope = "" if role == Role.LEADERSHIP else "kuckuck"
    page = client.get(url("bericht", scope))
    assert page.status_code == 200
    assert reverse("berichte:abschliessen", args=[YEAR]) not in page.content.decode()
    assert client.post(url("abschliessen", scope)).status_code == 403


def test_a_city_admin_finalises(client, world):
    client.force_login(f.UserFactory(role=Role.ADMIN))
    assert client.post(url("abschliessen"), {"note": "Korrektur"}).status_code == 302
    assert Jahresbericht.objects.get().note == "Korrektur"


def test_finalised_versions_follow_the_scope_of_their_report(client, world):
    programme = services.finalise(YEAR, None, by=world.qm)
    altstadt = services.finalise(YEAR, world.quartiere["altstadt"], by=world.qm)
    kuckuck = services.finalise(YEAR, world.quartiere["kuckuck"], by=world.qm)
    client.force_login(world.gwa)
    for version, status in [(programme, 404), (altstadt, 404), (kuckuck, 200)]:
        for name in ("fassung", "fassung-pdf", "fassung-xlsx", "fassung-vergleich"):
            assert client.get(reverse(f"berichte:{name}", args=[version.pk])).status_code == status, name
    index = client.get(reverse("berichte:index")).content.decode()
    assert url("bericht", "kuckuck") in index
    assert url("bericht", "altstadt") not in index
    assert f'href="{url("bericht")}"' not in index


def test_anonymous_people_are_sent_to_the_login(client, world):
    for address in (url("bericht"), reverse("berichte:index")):
        response = client.get(address)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_years_far_away_are_not_found(client, world):
    client.force_login(world.qm)
    assert client.get(reverse("berichte:bericht", args=[1800])).status_code == 404
    assert client.get(reverse("berichte:bericht", args=[2019])).status_code == 200


def test_a_quarter_that_is_no_address_is_not_found(client, world):
    client.force_login(world.qm)
    for value in ("\x00", "kuck uck", "<script>"):
        assert client.get(reverse("berichte:bericht", args=[YEAR]), {"quartier": value}).status_code == 404
