"""The open-data API in the shape of Open Referral HSDS 3.0 shows public content only, valid against the schemas.

The schemas in ``hsds_schemas/`` are copies of the specification's compiled schemas (CC BY-SA 4.0, see the
LICENSE there), so the tests run without network access.
"""

import datetime
import functools
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
from django.core.cache import cache
from django.urls import reverse

from tests import factories as f
from treffpunkte.models import Schedule, Treffpunkt
from verzeichnis.hsds import hsds_id

SCHEMAS = Path(__file__).parent / "hsds_schemas"


@functools.cache
def validator(name):
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@functools.cache
def page_validator():
    """The page header of the OpenAPI description (``components.schemas.Page``), with ``contents`` an array."""
    openapi = json.loads((SCHEMAS / "openapi.json").read_text(encoding="utf-8"))
    page = openapi["components"]["schemas"]["Page"]
    schema = {
        **page,
        "required": [*page["properties"]],
        "properties": {**page["properties"], "contents": {"type": "array"}},
    }
    return jsonschema.Draft202012Validator(schema)


def assert_valid(name, data):
    errors = sorted(validator(name).iter_errors(data), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors)


def get(client, name, *args, status=200, **params):
    response = client.get(reverse(f"hsds:{name}", args=args), params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def get_page(client, name, item_schema, **params):
    data = get(client, name, **params)
    page_validator().validate(data)
    for item in data["contents"]:
        assert_valid(item_schema, item)
    return data


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache outlives each test's database; a response cached under the same content version in an earlier
    # test must not answer this one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wehl(db):
    return f.QuartierFactory(
        name="Wehl",
        slug="wehl",
        boundary={"type": "Polygon", "coordinates": [[[9.35, 52.1], [9.36, 52.1], [9.36, 52.11], [9.35, 52.1]]]},
    )


@pytest.fixture
def verein(db):
    return f.TraegerFactory(
        name="Nachbarschaftshilfe Wehl e. V.",
        email="info@nachbarschaft-wehl.invalid",
        website="https://nachbarschaft-wehl.invalid/",
        phone="05151 123456",
    )


@pytest.fixture
def treff(wehl, verein):
    return f.TreffpunktFactory(
        quartier=wehl,
        traeger=verein,
        name="Treff am Wehler Weg",
        slug="treff-am-wehler-weg",
        street="Wehler Weg 3",
        postal_code="31785",
        latitude="52.103100",
        longitude="9.375200",
        phone="05151 654321",
        email="treff@nachbarschaft-wehl.invalid",
        step_free=True,
        accessibility_notes="Rampe am Hintereingang.",
        opening_hours="Mo–Fr 9–17 Uhr",
        approved=True,
    )


@pytest.fixture
def sprachcafe(treff):
    """An approved offer with every kind of time, two languages, a target group and a cost note."""
    angebot = f.AngebotFactory(
        treffpunkt=treff,
        title="Sprachcafé",
        description="Deutsch üben bei Kaffee und Tee.",
        free_of_charge=False,
        cost_note="1 € für Kaffee",
        kategorie=f.KategorieFactory(name="Sprache und Bildung"),
        approved=True,
    )
    angebot.sprachen.set([f.SpracheFactory(), f.SpracheFactory(code="ar", name="Arabisch")])
    angebot.zielgruppen.set([f.ZielgruppeFactory(name="Neu Zugewanderte")])
    f.ScheduleFactory(
        angebot=angebot,
        weekday=Schedule.Weekday.TUESDAY,
        interval=2,
        valid_from=datetime.date(2019, 1, 3),
        valid_until=datetime.date(2019, 12, 31),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
    )
    f.ScheduleFactory(angebot=angebot, kind=Schedule.Kind.MONTHLY, weekday=Schedule.Weekday.TUESDAY, week_of_month=-1)
    f.ScheduleFactory(angebot=angebot, kind=Schedule.Kind.SINGLE, weekday=None, date=datetime.date(2019, 5, 4))
    return angebot


@pytest.fixture
def contacts(verein):
    f.KontaktpersonFactory(
        traeger=verein,
        name="Petra Öffentlich",
        function="Koordination",
        email="p@x.invalid",
        phone="0151 1",
        is_public=True,
    )
    f.KontaktpersonFactory(traeger=verein, name="Gerd Geheim", email="geheim@x.invalid", phone="0151 2")


def sal_id(angebot):
    return hsds_id("service_at_location", angebot.pk, angebot.treffpunkt_id)


# The endpoints answer and their objects validate.


def test_root_names_the_hsds_version_and_the_openapi_description(client, db):
    data = get(client, "root")
    assert data["version"].startswith("3.")
    assert data["openapi_url"].endswith("openapi.json")


@pytest.mark.parametrize(
    ("name", "item_schema"),
    [
        ("services", "service_list"),
        ("organizations", "organization_list"),
        ("service-at-locations", "service_at_location_list"),
    ],
)
def test_each_list_is_a_valid_page_of_valid_items(client, sprachcafe, contacts, name, item_schema):
    data = get_page(client, name, item_schema)
    assert data["total_items"] == data["size"] == len(data["contents"]) == 1
    assert data["first_page"] and data["last_page"] and not data["empty"]


def test_a_service_is_complete_and_valid(client, sprachcafe, contacts, treff, verein):
    data = get(client, "service", hsds_id("angebot", sprachcafe.pk))
    assert_valid("service", data)

    assert data["id"] == hsds_id("angebot", sprachcafe.pk)
    assert data["name"] == "Sprachcafé"
    assert data["status"] == "active"
    assert data["organization_id"] == data["organization"]["id"] == hsds_id("traeger", verein.pk)
    assert data["url"].endswith(reverse("verzeichnis:angebot", args=[sprachcafe.pk]))
    assert data["cost_options"] == [
        {
            "id": hsds_id("angebot-cost", sprachcafe.pk),
            "service_id": data["id"],
            "currency": "EUR",
            "amount_description": "1 € für Kaffee",
        }
    ]
    assert {(language["code"], language["name"]) for language in data["languages"]} == {
        ("de", "Deutsch"),
        ("ar", "Arabisch"),
    }
    terms = {(a["link_type"], a["taxonomy_term"]["name"]) for a in data["attributes"]}
    assert terms == {("category", "Sprache und Bildung"), ("target_group", "Neu Zugewanderte")}
    [area] = data["service_areas"]
    assert area["name"] == "Wehl"
    assert area["extent_type"] == "geojson"
    assert json.loads(area["extent"])["type"] == "Polygon"
    [at_location] = data["service_at_locations"]
    assert at_location["id"] == sal_id(sprachcafe)
    assert at_location["location"]["name"] == "Treff am Wehler Weg"


def test_schedules_are_rfc_5545_rules(client, sprachcafe):
    data = get(client, "service", hsds_id("angebot", sprachcafe.pk))

    weekly, monthly, single = sorted(data["schedules"], key=lambda s: ("WEEKLY", "MONTHLY", None).index(s.get("freq")))
    assert weekly["freq"] == "WEEKLY"
    assert weekly["interval"] == 2
    assert weekly["byday"] == "TU"
    assert (weekly["opens_at"], weekly["closes_at"]) == ("10:00", "12:00")
    assert (weekly["valid_from"], weekly["valid_to"]) == ("2019-01-03", "2019-12-31")
    assert weekly["dtstart"] == "2019-01-08"  # The first Tuesday on or after "valid from".
    assert monthly["freq"] == "MONTHLY"
    assert monthly["byday"] == "-1TU"
    assert (monthly["opens_at"], monthly["closes_at"]) == ("15:00", "17:00")
    assert "freq" not in single
    assert single["dtstart"] == single["valid_from"] == single["valid_to"] == "2019-05-04"
    assert all(s["service_at_location_id"] == sal_id(sprachcafe) for s in data["schedules"])


def test_a_location_carries_address_accessibility_phone_and_opening_hours(client, sprachcafe, treff):
    location = get(client, "service-at-location", sal_id(sprachcafe))["location"]

    assert location["id"] == hsds_id("treffpunkt", treff.pk)
    assert location["location_type"] == "physical"
    assert (location["latitude"], location["longitude"]) == (52.1031, 9.3752)
    [address] = location["addresses"]
    assert address | {"id": None, "location_id": None} == {
        "id": None,
        "location_id": None,
        "address_1": "Wehler Weg 3",
        "city": "Hameln",
        "state_province": "Niedersachsen",
        "postal_code": "31785",
        "country": "DE",
        "address_type": "physical",
    }
    [accessibility] = location["accessibility"]
    assert accessibility["details"] == "Rampe am Hintereingang."
    assert accessibility["description"]
    assert [phone["number"] for phone in location["phones"]] == ["05151 654321"]
    assert location["schedules"][0]["description"] == "Mo–Fr 9–17 Uhr"


def test_a_service_at_location_is_complete_and_valid(client, sprachcafe, contacts):
    data = get(client, "service-at-location", sal_id(sprachcafe))
    assert_valid("service_at_location", data)
    assert data["service"]["id"] == data["service_id"] == hsds_id("angebot", sprachcafe.pk)
    assert len(data["schedules"]) == 3


def test_an_organization_is_complete_and_valid(client, sprachcafe, contacts, verein, treff):
    data = get(client, "organization", hsds_id("traeger", verein.pk))
    assert_valid("organization", data)

    assert data["name"] == "Nachbarschaftshilfe Wehl e. V."
    assert data["email"] == "info@nachbarschaft-wehl.invalid"
    assert data["website"] == "https://nachbarschaft-wehl.invalid/"
    assert [phone["number"] for phone in data["phones"]] == ["05151 123456"]
    assert [location["id"] for location in data["locations"]] == [hsds_id("treffpunkt", treff.pk)]
    assert [service["name"] for service in data["services"]] == ["Sprachcafé"]


def test_only_contact_persons_who_agreed_appear(client, sprachcafe, contacts, verein):
    organization = get(client, "organization", hsds_id("traeger", verein.pk))
    service = get(client, "service", hsds_id("angebot", sprachcafe.pk))

    for contact_list in (organization["contacts"], service["organization"]["contacts"]):
        [person] = contact_list
        assert person["name"] == "Petra Öffentlich"
        assert person["title"] == "Koordination"
        assert person["email"] == "p@x.invalid"
        assert [phone["number"] for phone in person["phones"]] == ["0151 1"]
    for data in (organization, service):
        assert "Gerd Geheim" not in json.dumps(data, ensure_ascii=False)
        assert "geheim@x.invalid" not in json.dumps(data)


def test_an_offer_at_a_dormant_meeting_point_is_temporarily_closed(client, sprachcafe, treff):
    treff.status = Treffpunkt.Status.DORMANT
    treff.save()
    data = get(client, "service", hsds_id("angebot", sprachcafe.pk))
    assert data["status"] == "temporarily closed"


def test_descriptions_follow_the_readers_language_and_fall_back_to_german(client, sprachcafe):
    sprachcafe.description_en = "Practise German over coffee and tea."
    sprachcafe.save()
    url = reverse("hsds:service", args=[hsds_id("angebot", sprachcafe.pk)])

    assert client.get(url).json()["description"] == "Deutsch üben bei Kaffee und Tee."
    assert client.get(url, headers={"accept-language": "en"}).json()["description"] == (
        "Practise German over coffee and tea."
    )
    assert client.get(url, headers={"accept-language": "tr"}).json()["description"] == (
        "Deutsch üben bei Kaffee und Tee."
    )


def test_json_is_utf_8_text_not_escaped(client, sprachcafe):
    response = client.get(reverse("hsds:service", args=[hsds_id("angebot", sprachcafe.pk)]))
    assert response["Content-Type"] == "application/json"
    assert "Sprachcafé".encode() in response.content


# Ids.


def test_ids_are_stable_uuids_derived_from_model_and_key(client, sprachcafe):
    first = get(client, "services")["contents"][0]["id"]
    cache.clear()
    assert get(client, "services")["contents"][0]["id"] == first
    assert first == str(uuid.uuid5(uuid.UUID("cfc8643a-b2c1-449b-bff4-7f8dcde23b2c"), f"angebot:{sprachcafe.pk}"))


def test_an_id_in_capitals_is_the_same_id(client, sprachcafe):
    data = get(client, "service", hsds_id("angebot", sprachcafe.pk).upper())
    assert data["name"] == "Sprachcafé"


# Pagination.


def test_per_page_splits_the_list_into_pages(client, treff):
    for title in ("Aquarellmalen", "Boule", "Chor"):
        f.AngebotFactory(treffpunkt=treff, title=title, approved=True)

    first = get_page(client, "services", "service_list", per_page=2)
    second = get_page(client, "services", "service_list", per_page=2, page=2)

    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (3, 2, 1, 2)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    assert [s["name"] for s in first["contents"]] == ["Aquarellmalen", "Boule"]
    assert (second["page_number"], second["size"]) == (2, 1)
    assert not second["first_page"] and second["last_page"]
    assert [s["name"] for s in second["contents"]] == ["Chor"]


def test_a_page_beyond_the_end_is_empty(client, sprachcafe):
    data = get_page(client, "services", "service_list", page=5)
    assert data["contents"] == []
    assert data["empty"] and data["last_page"] and not data["first_page"]
    assert (data["total_items"], data["total_pages"], data["page_number"], data["size"]) == (1, 1, 5, 0)


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"page": "x"}, {"page": "²"}, {"per_page": "-1"}, {"per_page": "1.5"}]
)
def test_a_page_that_is_not_a_positive_whole_number_is_a_bad_request(client, db, params):
    data = get(client, "services", status=400, **params)
    assert data["detail"]


def test_an_empty_directory_is_one_empty_page(client, db):
    data = get_page(client, "organizations", "organization_list")
    assert (data["total_items"], data["size"], data["empty"], data["contents"]) == (0, 0, True, [])


# Public content only.


def all_responses(client):
    """The text of every list and of every object the lists lead to."""
    texts = []
    for name, detail in (
        ("services", "service"),
        ("organizations", "organization"),
        ("service-at-locations", "service-at-location"),
    ):
        page = get(client, name, per_page=500)
        texts.append(json.dumps(page, ensure_ascii=False))
        texts += [json.dumps(get(client, detail, item["id"]), ensure_ascii=False) for item in page["contents"]]
    return "\n".join(texts)


def test_unapproved_offers_and_pending_changes_never_appear(client, sprachcafe, treff):
    f.AngebotFactory(treffpunkt=treff, title="Männertreff im Entwurf")
    f.AngebotFactory(treffpunkt=treff, title="Malkurs in Prüfung", review_state="submitted")
    sprachcafe.pending = {"title": "Sprachcafé NEU", "description": "Vorgeschlagene Beschreibung"}
    sprachcafe.save()

    text = all_responses(client)

    assert "Sprachcafé" in text
    assert "Sprachcafé NEU" not in text
    assert "Vorgeschlagene Beschreibung" not in text
    assert "Männertreff im Entwurf" not in text
    assert "Malkurs in Prüfung" not in text


@pytest.mark.parametrize("status", [Treffpunkt.Status.CLOSED, Treffpunkt.Status.PLANNED])
def test_a_closed_or_planned_meeting_point_and_its_offers_are_absent(client, sprachcafe, wehl, status):
    operator = f.TraegerFactory(name="Verein ohne offenen Treff")
    point = f.TreffpunktFactory(quartier=wehl, traeger=operator, name="Alter Treff", status=status, approved=True)
    offer = f.AngebotFactory(treffpunkt=point, title="Kegeln im alten Treff", approved=True)

    text = all_responses(client)

    assert "Alter Treff" not in text
    assert "Kegeln im alten Treff" not in text
    assert "Verein ohne offenen Treff" not in text
    assert hsds_id("treffpunkt", point.pk) not in text
    get(client, "service", hsds_id("angebot", offer.pk), status=404)
    get(client, "service-at-location", sal_id(offer), status=404)
    get(client, "organization", hsds_id("traeger", operator.pk), status=404)


def test_a_mobile_offer_does_not_reveal_a_closed_meeting_point_it_names(client, wehl):
    closed = f.TreffpunktFactory(quartier=wehl, name="Alter Treff", status=Treffpunkt.Status.CLOSED, approved=True)
    offer = f.AngebotFactory(quartier=wehl, treffpunkt=closed, is_mobile=True, title="Wandertreff", approved=True)
    f.ScheduleFactory(angebot=offer, treffpunkt=closed)
    f.ScheduleFactory(angebot=offer, place="Bürgergarten")

    data = get(client, "service", hsds_id("angebot", offer.pk))
    assert_valid("service", data)
    text = json.dumps(data, ensure_ascii=False)

    assert "Alter Treff" not in text
    assert hsds_id("treffpunkt", closed.pk) not in text
    assert "organization" not in data
    assert data["service_at_locations"] == []
    assert any("Bürgergarten" in schedule.get("notes", "") for schedule in data["schedules"])
    assert get(client, "service-at-locations")["total_items"] == 0


def test_a_time_at_another_meeting_point_names_it_and_stays_out_of_the_service_at_location(client, sprachcafe, wehl):
    other = f.TreffpunktFactory(quartier=wehl, name="Gemeindehaus St. Elisabeth", approved=True)
    f.ScheduleFactory(angebot=sprachcafe, treffpunkt=other, weekday=Schedule.Weekday.FRIDAY)
    f.ScheduleFactory(angebot=sprachcafe, treffpunkt=sprachcafe.treffpunkt, weekday=Schedule.Weekday.MONDAY)

    service = get(client, "service", hsds_id("angebot", sprachcafe.pk))
    at_location = get(client, "service-at-location", sal_id(sprachcafe))

    [elsewhere] = [s for s in service["schedules"] if s.get("byday") == "FR"]
    assert "Gemeindehaus St. Elisabeth" in elsewhere["notes"]
    assert "service_at_location_id" not in elsewhere
    assert sorted(s.get("byday", "") for s in at_location["schedules"]) == ["", "-1TU", "MO", "TU"]


@pytest.mark.parametrize("name", ["service", "organization", "service-at-location"])
@pytest.mark.parametrize("entry_id", ["7cd58028-ae03-4f83-bffb-f06859289b8d", "kein-uuid", "123"])
def test_an_unknown_id_is_not_found(client, sprachcafe, name, entry_id):
    data = get(client, name, entry_id, status=404)
    assert data["detail"]


def test_an_unapproved_offer_is_not_found(client, treff):
    draft = f.AngebotFactory(treffpunkt=treff, title="Entwurf")
    get(client, "service", hsds_id("angebot", draft.pk), status=404)
    get(client, "service-at-location", sal_id(draft), status=404)


def test_an_operator_without_a_public_meeting_point_is_not_found(client, db):
    operator = f.TraegerFactory()
    f.TreffpunktFactory(traeger=operator)  # Not approved.
    get(client, "organization", hsds_id("traeger", operator.pk), status=404)


def test_ids_of_one_kind_do_not_resolve_as_another(client, sprachcafe, verein):
    get(client, "service", hsds_id("traeger", verein.pk), status=404)
    get(client, "organization", hsds_id("angebot", sprachcafe.pk), status=404)


# Caching and queries.


def test_an_approval_shows_at_once_and_an_unchanged_list_answers_not_modified(client, sprachcafe, treff):
    assert get(client, "services")["total_items"] == 1
    late = f.AngebotFactory(treffpunkt=treff, title="Spieleabend")
    assert get(client, "services")["total_items"] == 1

    late.review_state, late.approved_at = "approved", sprachcafe.approved_at
    late.save()
    response = client.get(reverse("hsds:services"))
    assert response.json()["total_items"] == 2
    again = client.get(reverse("hsds:services"), headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_only_get_and_head_are_allowed(client, db):
    assert client.post(reverse("hsds:services")).status_code == 405
    assert client.head(reverse("hsds:services")).status_code == 200


@pytest.mark.parametrize("name", ["services", "organizations", "service-at-locations"])
def test_a_list_takes_the_same_queries_however_many_offers(client, wehl, django_assert_num_queries, name):
    def add_offers(count):
        for _ in range(count):
            offer = f.AngebotFactory(treffpunkt=f.TreffpunktFactory(quartier=wehl, approved=True), approved=True)
            offer.sprachen.add(f.SpracheFactory())
            f.ScheduleFactory(angebot=offer)
            f.KontaktpersonFactory(traeger=offer.treffpunkt.traeger, is_public=True)

    add_offers(2)
    # The count of the page header, then the page itself with its joined rows.
    with django_assert_num_queries(2):
        assert get(client, name)["total_items"] == 2
    add_offers(4)
    with django_assert_num_queries(2):
        assert get(client, name)["total_items"] == 6


@pytest.mark.parametrize("name", ["service", "organization", "service-at-location"])
def test_an_object_takes_the_same_queries_however_much_it_holds(client, wehl, django_assert_num_queries, name):
    operator = f.TraegerFactory()

    def add_offers(count):
        for _ in range(count):
            point = f.TreffpunktFactory(quartier=wehl, traeger=operator, approved=True)
            offer = f.AngebotFactory(treffpunkt=point, approved=True)
            offer.sprachen.add(f.SpracheFactory())
            offer.zielgruppen.add(f.ZielgruppeFactory())
            f.ScheduleFactory.create_batch(2, angebot=offer)
            f.KontaktpersonFactory(traeger=operator, is_public=True)
        return offer

    def url_of(offer):
        keys = {"service": ("angebot", offer.pk), "organization": ("traeger", operator.pk)}
        return hsds_id(*keys[name]) if name in keys else sal_id(offer)

    offer = add_offers(1)
    with django_assert_num_queries(QUERIES[name]):
        get(client, name, url_of(offer))
    offer = add_offers(3)
    with django_assert_num_queries(QUERIES[name]):
        get(client, name, url_of(offer))


# Resolving the id, the object, then its languages, target groups, schedules and public contact persons; an
# organization loads its contact persons and meeting points, and the offers there with theirs.
QUERIES = {"service": 6, "service-at-location": 6, "organization": 9}
