"""The public directory as open data: a read-only JSON API in the shape of Open Referral HSDS 3.0.

HSDS (Human Services Data Specification) is the common format in which directories of social services
exchange their data, so a regional portal or a referral tool can read Hameln's meeting points without a
custom importer. The endpoints follow the specification's OpenAPI description (``/``, ``/services``,
``/organizations``, ``/service_at_locations``, each list paginated with ``page`` and ``per_page``).

Mapping: Traeger = organization, Treffpunkt = location, Angebot = service, Angebot at its Treffpunkt =
service_at_location, the offer's Quartier = service_area, Schedule rows = schedule, Kategorie and Zielgruppe =
taxonomy terms (through attributes), public Kontaktperson = contact.

Only what ``verzeichnis.public`` calls public is read; an id of anything else is a 404, as if it did not exist.
HSDS wants UUIDs; ours are derived from the model and primary key (``hsds_id``), so they stay the same across
requests and releases, and an id is resolved by deriving the ids of the public entries.

Times (``opens_at``, ``closes_at``) are wall-clock times in Hameln (Europe/Berlin). The schema asks for a UTC
offset, but a weekly time keeps its wall-clock time across the change to summer time, so a fixed offset
would be wrong for half the year. Descriptions and generated texts are in the reader's language (the
``Accept-Language`` header or the language cookie) where a reviewed translation exists, German otherwise.
"""

import datetime
import json
import math
import uuid

from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from treffpunkte.models import WEEK_ANCHOR, Schedule, Treffpunkt
from verzeichnis import public
from verzeichnis.cache import cached_public

HSDS_VERSION = "3.0"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"

# Published ids are derived from this namespace: changing it would change every id consumers have stored.
ID_NAMESPACE = uuid.UUID("cfc8643a-b2c1-449b-bff4-7f8dcde23b2c")

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500

# The addresses lie in Hameln; HSDS wants the state and an ISO 3166-1 country code on every address.
STATE = "Niedersachsen"
COUNTRY = "DE"

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Our two vocabularies, given to HSDS as taxonomies whose terms are linked to offers through attributes.
TAXONOMIES = {
    "kategorie": {
        "link_type": "category",
        "name": _("Offer categories of Hameln Quartiere"),
        "description": _("What kind of offer it is, e.g. a language café or counselling."),
    },
    "zielgruppe": {
        "link_type": "target_group",
        "name": _("Target groups of Hameln Quartiere"),
        "description": _("Who an offer is for, e.g. families or newly arrived people."),
    },
}


def hsds_id(kind, *keys):
    """The stable UUID of an entry: uuid5 of ``"<kind>:<key>[:<key>…]"``, e.g. ``hsds_id("angebot", 7)``."""
    return str(uuid.uuid5(ID_NAMESPACE, ":".join([kind, *map(str, keys)])))


def compact(data):
    """Leave out empty values: the schema types fields as strings or numbers, so null is not allowed."""
    return {key: value for key, value in data.items() if value not in (None, "")}


def services():
    """Public offers with what a list of them shows, in a fixed number of queries."""
    return (
        public.angebote()
        .annotate(place_is_public=public.at_public_place("treffpunkt"))
        .select_related("kategorie", "quartier", "treffpunkt__traeger")
        .order_by("title", "pk")
    )


def services_in_full():
    """Public offers with everything a full HSDS service holds, in a fixed number of queries."""
    schedules = public.schedules()
    return services().prefetch_related(
        "sprachen",
        "zielgruppen",
        Prefetch("schedules", queryset=schedules),
        Prefetch("treffpunkt__traeger__kontaktpersonen", queryset=public.kontaktpersonen(), to_attr="public_contacts"),
    )


def services_at_locations(queryset):
    """The offers among ``queryset`` that take place at a public meeting point: HSDS's service_at_location."""
    return queryset.filter(treffpunkt__in=public.treffpunkte())


def organizations():
    return public.traeger().order_by("name", "pk")


def organizations_in_full():
    points = (
        public.treffpunkte()
        .order_by("name", "pk")
        .prefetch_related(Prefetch("angebote", queryset=services_in_full(), to_attr="public_offers"))
    )
    return organizations().prefetch_related(
        Prefetch("kontaktpersonen", queryset=public.kontaktpersonen(), to_attr="public_contacts"),
        Prefetch("treffpunkte", queryset=points, to_attr="public_points"),
    )


class Writer:
    """Turns public entries into HSDS objects for one request (links are absolute, texts in its language).

    The ``*_basic`` methods give the one-to-one fields that the paged lists carry; the others nest the
    related tables as the compiled schemas of a single object describe.
    """

    def __init__(self, request):
        self.request = request
        self.language = get_language()

    def url(self, name, *args):
        return self.request.build_absolute_uri(reverse(name, args=args))

    def description(self, entry):
        return entry.description_in(self.language)[0]

    # Organizations: Traeger.

    def organization_basic(self, traeger):
        return {
            "id": hsds_id("traeger", traeger.pk),
            "name": traeger.name,
            "description": traeger.description,  # Required by HSDS, so given even when empty.
            **compact({"email": traeger.email, "website": traeger.website, "legal_status": traeger.get_kind_display()}),
        }

    def organization_contacts(self, traeger, contacts):
        return {
            **self.organization_basic(traeger),
            "contacts": [self.contact(person) for person in contacts],
            "phones": self.phones("traeger", traeger, "organization_id"),
        }

    def organization(self, traeger):
        offers = sorted(
            (offer for point in traeger.public_points for offer in point.public_offers),
            key=lambda offer: (offer.title, offer.pk),
        )
        return {
            **self.organization_contacts(traeger, traeger.public_contacts),
            "locations": [self.location(point) for point in traeger.public_points],
            "services": [self.service(offer, with_organization=False) for offer in offers],
        }

    def contact(self, person):
        """A contact person who agreed to be shown: name, function, e-mail, phone, and nothing else."""
        data = compact(
            {
                "id": hsds_id("kontaktperson", person.pk),
                "organization_id": hsds_id("traeger", person.traeger_id),
                "name": person.name,
                "title": person.function,
                "email": person.email,
            }
        )
        data["phones"] = self.phones("kontaktperson", person, "contact_id")
        return data

    def phones(self, kind, entry, link_field):
        if not entry.phone:
            return []
        return [
            {
                "id": hsds_id(f"{kind}-phone", entry.pk),
                link_field: hsds_id(kind, entry.pk),
                "number": entry.phone,
                "type": "voice",
            }
        ]

    # Locations: Treffpunkt.

    def location_basic(self, treffpunkt):
        return compact(
            {
                "id": hsds_id("treffpunkt", treffpunkt.pk),
                "location_type": "physical",
                "url": self.url("verzeichnis:treffpunkt", treffpunkt.slug),
                "organization_id": hsds_id("traeger", treffpunkt.traeger_id) if treffpunkt.traeger_id else None,
                "name": treffpunkt.name,
                "description": self.description(treffpunkt),
                "latitude": float(treffpunkt.latitude) if treffpunkt.latitude is not None else None,
                "longitude": float(treffpunkt.longitude) if treffpunkt.longitude is not None else None,
            }
        )

    def location(self, treffpunkt):
        location_id = hsds_id("treffpunkt", treffpunkt.pk)
        data = self.location_basic(treffpunkt)
        # HSDS requires the first address line; without a street there is no address to give.
        data["addresses"] = (
            [
                {
                    "id": hsds_id("treffpunkt-address", treffpunkt.pk),
                    "location_id": location_id,
                    "address_1": treffpunkt.street,
                    "city": treffpunkt.city,
                    "state_province": STATE,
                    "postal_code": treffpunkt.postal_code,
                    "country": COUNTRY,
                    "address_type": "physical",
                }
            ]
            if treffpunkt.street
            else []
        )
        # The same statements as the meeting point's public page, where "no" is what an unticked box means.
        data["accessibility"] = [
            compact(
                {
                    "id": hsds_id("treffpunkt-accessibility", treffpunkt.pk),
                    "location_id": location_id,
                    "description": "; ".join(
                        [
                            gettext("Step-free access: yes")
                            if treffpunkt.step_free
                            else gettext("Step-free access: no"),
                            gettext("Accessible toilet: yes")
                            if treffpunkt.accessible_toilet
                            else gettext("Accessible toilet: no"),
                        ]
                    ),
                    "details": treffpunkt.accessibility_notes,
                }
            )
        ]
        data["phones"] = self.phones("treffpunkt", treffpunkt, "location_id")
        # Opening hours are free text; HSDS keeps such a schedule as a description.
        data["schedules"] = (
            [
                {
                    "id": hsds_id("treffpunkt-opening-hours", treffpunkt.pk),
                    "location_id": location_id,
                    "description": treffpunkt.opening_hours,
                }
            ]
            if treffpunkt.opening_hours
            else []
        )
        return data

    # Services: Angebot.

    def place(self, angebot):
        """The offer's own meeting point, if it is public (a mobile offer may name one that is not)."""
        return angebot.treffpunkt if angebot.treffpunkt_id and angebot.place_is_public else None

    def schedules_at_place(self, angebot):
        """The offer's times at its own meeting point: those of its service_at_location."""
        return [s for s in angebot.schedules.all() if s.treffpunkt_id in (None, angebot.treffpunkt_id)]

    def service_fields(self, angebot):
        place = self.place(angebot)
        traeger = place.traeger if place else None
        return compact(
            {
                "id": hsds_id("angebot", angebot.pk),
                "organization_id": hsds_id("traeger", traeger.pk) if traeger else None,
                "name": angebot.title,
                "description": self.description(angebot),
                "url": self.url("verzeichnis:angebot", angebot.pk),
                # HSDS gives a location no e-mail address; the meeting point's is how to reach its offers.
                "email": place.email if place else None,
                "status": "temporarily closed" if place and place.status == Treffpunkt.Status.DORMANT else "active",
                "application_process": gettext("Registration required")
                if angebot.registration_required
                else gettext("Just come along"),
                "fees_description": gettext("Free of charge")
                if angebot.free_of_charge
                else angebot.cost_note or gettext("With costs"),
                "last_modified": angebot.approved_at.isoformat(),
            }
        )

    def service_basic(self, angebot):
        data = self.service_fields(angebot)
        if (place := self.place(angebot)) and place.traeger:
            data["organization"] = self.organization_basic(place.traeger)
        return data

    def service(self, angebot, *, with_organization=True, with_locations=True):
        service_id = hsds_id("angebot", angebot.pk)
        place = self.place(angebot)
        data = self.service_fields(angebot)
        if with_organization and place and place.traeger:
            data["organization"] = self.organization_contacts(place.traeger, place.traeger.public_contacts)
        data["schedules"] = [self.schedule(schedule, angebot) for schedule in angebot.schedules.all()]
        data["service_areas"] = [self.service_area(angebot)]
        if with_locations:
            data["service_at_locations"] = [self.service_at_location(angebot, with_service=False)] if place else []
        data["languages"] = [
            {
                "id": hsds_id("angebot-sprache", angebot.pk, sprache.pk),
                "service_id": service_id,
                "name": sprache.name,
                "code": sprache.code,
            }
            for sprache in angebot.sprachen.all()
        ]
        data["cost_options"] = [self.cost_option(angebot)]
        data["attributes"] = [
            self.attribute(angebot, "kategorie", angebot.kategorie),
            *(self.attribute(angebot, "zielgruppe", group) for group in angebot.zielgruppen.all()),
        ]
        return data

    def cost_option(self, angebot):
        data = {"id": hsds_id("angebot-cost", angebot.pk), "service_id": hsds_id("angebot", angebot.pk)}
        if angebot.free_of_charge:
            return data | {"option": gettext("Free of charge"), "amount": 0, "currency": "EUR"}
        # The cost note is free text ("3 € per meeting"), so the amount stays in the description.
        return data | {"currency": "EUR", "amount_description": angebot.cost_note or gettext("With costs")}

    def service_area(self, angebot):
        quartier = angebot.quartier
        data = {
            "id": hsds_id("service_area", angebot.pk),
            "service_id": hsds_id("angebot", angebot.pk),
            "name": quartier.name,
            "uri": self.url("verzeichnis:quartier", quartier.slug),
        }
        if quartier.boundary:
            data |= {"extent": json.dumps(quartier.boundary, ensure_ascii=False), "extent_type": "geojson"}
        return data

    def attribute(self, angebot, kind, term):
        """A link from the offer to a term of one of our two vocabularies: offer categories, target groups."""
        taxonomy = TAXONOMIES[kind]
        term_id = hsds_id(kind, term.pk)
        return {
            "id": hsds_id(f"angebot-{kind}", angebot.pk, term.pk),
            "link_id": hsds_id("angebot", angebot.pk),
            "link_entity": "service",
            "link_type": taxonomy["link_type"],
            "taxonomy_term_id": term_id,
            "taxonomy_term": {
                "id": term_id,
                "name": term.name,
                "description": "",
                "language": "de",
                "taxonomy_id": hsds_id("taxonomy", kind),
                "taxonomy_detail": {
                    "id": hsds_id("taxonomy", kind),
                    "name": str(taxonomy["name"]),
                    "description": str(taxonomy["description"]),
                },
            },
        }

    def schedule(self, schedule, angebot):
        """One time of an offer as an RFC 5545 rule: weekly every n weeks, monthly on the nth weekday, or once."""
        place = self.place(angebot)
        at_place = schedule.treffpunkt_id in (None, angebot.treffpunkt_id)
        elsewhere = schedule.treffpunkt if not at_place and schedule.place_is_public else None
        data = {
            "id": hsds_id("schedule", schedule.pk),
            "service_id": hsds_id("angebot", angebot.pk),
            "opens_at": schedule.start_time.strftime("%H:%M"),
            "closes_at": schedule.end_time.strftime("%H:%M"),
            "description": schedule.describe(),
        }
        if place and at_place:
            data["service_at_location_id"] = hsds_id("service_at_location", angebot.pk, place.pk)
        if where := (elsewhere.name if elsewhere else schedule.place):
            data["notes"] = gettext("At %(place)s") % {"place": where}
        if schedule.kind == Schedule.Kind.SINGLE:
            day = schedule.date.isoformat()
            return data | {"dtstart": day, "valid_from": day, "valid_to": day}
        monthly = schedule.kind == Schedule.Kind.MONTHLY
        data |= {
            "freq": "MONTHLY" if monthly else "WEEKLY",
            "interval": 1 if monthly else schedule.interval,
            "byday": f"{schedule.week_of_month}{WEEKDAYS[schedule.weekday]}" if monthly else WEEKDAYS[schedule.weekday],
            "wkst": "MO",
        }
        if schedule.valid_from:
            data["valid_from"] = schedule.valid_from.isoformat()
        if schedule.valid_until:
            data["valid_to"] = schedule.valid_until.isoformat()
        # Every n weeks needs the first date to count from (RFC 5545 DTSTART); the model counts from
        # "valid from", or without one from a fixed Monday.
        if schedule.valid_from or (not monthly and schedule.interval > 1):
            start = schedule.valid_from or WEEK_ANCHOR
            first = schedule.dates(start, start + datetime.timedelta(weeks=schedule.interval, days=62))
            if first:
                data["dtstart"] = first[0].isoformat()
        return data

    # Service at location: Angebot at its Treffpunkt.

    def service_at_location_basic(self, angebot):
        return {
            "id": hsds_id("service_at_location", angebot.pk, angebot.treffpunkt_id),
            "service_id": hsds_id("angebot", angebot.pk),
            "location_id": hsds_id("treffpunkt", angebot.treffpunkt_id),
            "location": self.location_basic(angebot.treffpunkt),
            "service": self.service_basic(angebot),
        }

    def service_at_location(self, angebot, *, with_service=True):
        sal_id = hsds_id("service_at_location", angebot.pk, angebot.treffpunkt_id)
        data = {
            "id": sal_id,
            "service_id": hsds_id("angebot", angebot.pk),
            "location_id": hsds_id("treffpunkt", angebot.treffpunkt_id),
            "schedules": [self.schedule(schedule, angebot) for schedule in self.schedules_at_place(angebot)],
            "location": self.location(angebot.treffpunkt),
        }
        if with_service:
            data["service"] = self.service(angebot, with_locations=False)
        return data


# Views. Each answers GET and HEAD only and is cached until public content changes.


def json_response(data, status=200):
    """JSON as UTF-8 text, readable as it is; open to pages on other sites, since it is public open data."""
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    # The API has no language prefix: its texts follow the language cookie or Accept-Language.
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def not_found():
    return json_response({"detail": gettext("There is no public entry with this id.")}, status=404)


def resolve(queryset, kind, value, *fields):
    """The ``fields`` of the entry in ``queryset`` whose HSDS id is ``value``, or None.

    uuid5 cannot be reversed, so the ids of the public entries are derived and compared: one query for a few
    hundred keys. An entry outside ``queryset`` has no id to match, which makes it a 404 like an unknown id.
    """
    try:
        wanted = str(uuid.UUID(value))
    except ValueError:
        return None
    return next((keys for keys in queryset.values_list(*fields) if hsds_id(kind, *keys) == wanted), None)


def positive_int(value, default):
    if value in (None, ""):
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) < 1:
        return None
    return int(value)


def paginated(request, queryset, write):
    """A page of ``queryset`` as HSDS lists it: the page header, then ``contents``.

    A page after the last one is empty rather than an error, so a client can stop at ``empty``.
    """
    page = positive_int(request.GET.get("page"), 1)
    per_page = positive_int(request.GET.get("per_page"), DEFAULT_PER_PAGE)
    if page is None or per_page is None:
        return json_response(
            {"detail": gettext("“page” and “per_page” must be whole numbers of at least 1.")}, status=400
        )
    per_page = min(per_page, MAX_PER_PAGE)
    total = queryset.count()
    offset = (page - 1) * per_page
    items = list(queryset[offset : offset + per_page]) if offset < total else []
    total_pages = math.ceil(total / per_page)
    return json_response(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page,
            "size": len(items),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": not items,
            "contents": [write(item) for item in items],
        }
    )


@cached_public
@require_safe
def root(request):
    return json_response({"version": HSDS_VERSION, "openapi_url": OPENAPI_URL})


@cached_public
@require_safe
def service_list(request):
    return paginated(request, services(), Writer(request).service_basic)


@cached_public
@require_safe
def service_detail(request, entry_id):
    found = resolve(public.angebote(), "angebot", entry_id, "pk")
    if found is None:
        return not_found()
    offer = services_in_full().filter(pk=found[0]).first()
    return json_response(Writer(request).service(offer)) if offer else not_found()


@cached_public
@require_safe
def organization_list(request):
    return paginated(request, organizations(), Writer(request).organization_basic)


@cached_public
@require_safe
def organization_detail(request, entry_id):
    found = resolve(public.traeger(), "traeger", entry_id, "pk")
    if found is None:
        return not_found()
    traeger = organizations_in_full().filter(pk=found[0]).first()
    return json_response(Writer(request).organization(traeger)) if traeger else not_found()


@cached_public
@require_safe
def service_at_location_list(request):
    return paginated(request, services_at_locations(services()), Writer(request).service_at_location_basic)


@cached_public
@require_safe
def service_at_location_detail(request, entry_id):
    offers = services_at_locations(public.angebote())
    found = resolve(offers, "service_at_location", entry_id, "pk", "treffpunkt_id")
    if found is None:
        return not_found()
    offer = services_at_locations(services_in_full()).filter(pk=found[0]).first()
    return json_response(Writer(request).service_at_location(offer)) if offer else not_found()


urlpatterns = [
    path("", root, name="root"),
    path("services", service_list, name="services"),
    path("services/<str:entry_id>", service_detail, name="service"),
    path("organizations", organization_list, name="organizations"),
    path("organizations/<str:entry_id>", organization_detail, name="organization"),
    path("service_at_locations", service_at_location_list, name="service-at-locations"),
    path("service_at_locations/<str:entry_id>", service_at_location_detail, name="service-at-location"),
]
