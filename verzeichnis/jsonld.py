"""schema.org descriptions of the public pages (JSON-LD), so search engines and apps read them as data.

A meeting point is a Place (its operator an Organization), an offer an Event with its eventSchedule, a quarter
a Place that contains the meeting points. Built from what the page already loaded: no queries of its own.
"""

from treffpunkte.models import Schedule

CONTEXT = "https://schema.org"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def absolute(request, path):
    return request.build_absolute_uri(path)


def address(entry):
    if not entry.street:
        return None
    return {
        "@type": "PostalAddress",
        "streetAddress": entry.street,
        "postalCode": entry.postal_code,
        "addressLocality": entry.city,
        "addressCountry": "DE",
    }


def organization(traeger):
    data = {"@type": "Organization", "name": traeger.name, "address": address(traeger)}
    data.update({key: value for key, value in (("url", traeger.website), ("email", traeger.email)) if value})
    if traeger.phone:
        data["telephone"] = traeger.phone
    return compact(data)


def place(treffpunkt, request):
    data = {
        "@type": "Place",
        "name": treffpunkt.name,
        "url": absolute(request, treffpunkt.public_url),
        "address": address(treffpunkt),
        "telephone": treffpunkt.phone or None,
        "containedInPlace": {"@type": "Place", "name": treffpunkt.quartier.name},
    }
    if treffpunkt.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(treffpunkt.latitude),
            "longitude": float(treffpunkt.longitude),
        }
    return compact(data)


def treffpunkt(treffpunkt, request):
    data = place(treffpunkt, request)
    data["@context"] = CONTEXT
    data["description"] = treffpunkt.description or None
    data["amenityFeature"] = [
        {"@type": "LocationFeatureSpecification", "name": "step-free access", "value": treffpunkt.step_free},
        {"@type": "LocationFeatureSpecification", "name": "accessible toilet", "value": treffpunkt.accessible_toilet},
    ]
    if treffpunkt.traeger:
        return {"@context": CONTEXT, "@graph": [compact(data), organization(treffpunkt.traeger)]}
    return compact(data)


def schedule(row):
    data = {
        "@type": "Schedule",
        "startTime": row.start_time.strftime("%H:%M"),
        "endTime": row.end_time.strftime("%H:%M"),
        "scheduleTimezone": "Europe/Berlin",
    }
    if row.kind == Schedule.Kind.SINGLE:
        data.update(startDate=row.date.isoformat(), endDate=row.date.isoformat())
        return data
    data["byDay"] = f"https://schema.org/{WEEKDAYS[row.weekday]}"
    if row.kind == Schedule.Kind.MONTHLY:
        data.update(repeatFrequency="P1M", byMonthWeek=row.week_of_month)
    else:
        data["repeatFrequency"] = f"P{row.interval}W"
    if row.valid_from:
        data["startDate"] = row.valid_from.isoformat()
    if row.valid_until:
        data["endDate"] = row.valid_until.isoformat()
    return data


def angebot(angebot, request, next_dates=()):
    # A mobile offer may name a meeting point that is not public (see verzeichnis.public.at_public_place).
    at_place = angebot.treffpunkt is not None and angebot.place_is_public
    data = {
        "@context": CONTEXT,
        "@type": "Event",
        "name": angebot.title,
        "description": angebot.description or None,
        "url": absolute(request, angebot.public_url),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "isAccessibleForFree": angebot.free_of_charge,
        "inLanguage": [sprache.code for sprache in angebot.sprachen.all()] or None,
        "audience": [{"@type": "Audience", "audienceType": group.name} for group in angebot.zielgruppen.all()] or None,
        "eventSchedule": [schedule(row) for row in angebot.schedules.all()],
        "location": place(angebot.treffpunkt, request)
        if at_place
        else {"@type": "Place", "name": str(angebot.quartier)},
    }
    if next_dates:
        data["startDate"] = next_dates[0].date.isoformat()
    if at_place and angebot.treffpunkt.traeger:
        data["organizer"] = organization(angebot.treffpunkt.traeger)
    return compact(data)


def quartier(quartier, treffpunkte, request):
    return compact(
        {
            "@context": CONTEXT,
            "@type": "Place",
            "name": quartier.name,
            "description": quartier.description or None,
            "url": absolute(request, quartier.public_url),
            "containsPlace": [place(treffpunkt, request) for treffpunkt in treffpunkte],
        }
    )


def compact(data):
    """Leave out what is empty: schema.org readers take a missing property better than an empty one."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}
