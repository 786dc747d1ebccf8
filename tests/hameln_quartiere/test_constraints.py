"""Integrity lives in the database as well as in forms: each rule refuses bad data at both levels."""

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.test import RequestFactory

from tests import factories as f

D = datetime.date
T = datetime.time

# (factory, bad values, field the error belongs to, German message at that field)
CASES = {
    "stelle-fte-zero": (f.StelleFactory, {"fte": "0"}, "fte", "Der Stellenanteil muss größer als 0 sein."),
    "stelle-end-before-start": (
        f.StelleFactory,
        {"start": D(2019, 6, 1), "end": D(2019, 1, 1)},
        "end",
        "Das Ende darf nicht vor dem Beginn liegen.",
    ),
    "user-role-ressort": (
        f.UserFactory,
        {"role": "qm", "ressort": "familie_soziales"},
        "ressort",
        "Diese Rolle gehört zum Ressort",
    ),
    "user-leadership-without-ressort": (
        f.UserFactory,
        {"role": "leitung", "ressort": ""},
        "ressort",
        "Die Leitung gehört zu einem der beiden Ressorts.",
    ),
    "treffpunkt-longitude": (
        f.TreffpunktFactory,
        {"latitude": 52, "longitude": 200},
        "longitude",
        "kleiner oder gleich 180",
    ),
    "schedule-valid-until-before-from": (
        f.ScheduleFactory,
        {"valid_from": D(2019, 6, 1), "valid_until": D(2019, 1, 1)},
        "valid_until",
        "Das Ende darf nicht vor dem Beginn liegen.",
    ),
    "schedule-interval": (f.ScheduleFactory, {"interval": 9}, "interval", "kleiner oder gleich 8"),
    "jahresziel-year": (f.JahreszielFactory, {"year": 2200}, "year", "kleiner oder gleich 2100"),
    "kennzahl-year": (f.KennzahlFactory, {"year": 1800}, "year", "größer oder gleich 1990"),
    "jahresziel-assessment-statement": (
        f.JahreszielFactory,
        {"assessment": "reached", "assessment_statement": ""},
        "assessment_statement",
        "Eine Bewertung braucht eine Begründung.",
    ),
    "treffpunkt-latitude": (
        f.TreffpunktFactory,
        {"latitude": 95, "longitude": 9},
        "latitude",
        "kleiner oder gleich 90",
    ),
    "treffpunkt-half-coordinates": (
        f.TreffpunktFactory,
        {"latitude": 52, "longitude": None},
        "longitude",
        "Bitte Breiten- und Längengrad angeben oder keinen von beiden.",
    ),
    "treffpunkt-closed-before-opened": (
        f.TreffpunktFactory,
        {"opened_on": D(2019, 5, 1), "closed_on": D(2018, 1, 1)},
        "closed_on",
        "Das Ende darf nicht vor dem Beginn liegen.",
    ),
    "angebot-without-place": (
        f.AngebotFactory,
        {"treffpunkt": None, "is_mobile": False, "quartier": f.QuartierFactory},
        "treffpunkt",
        "Ein Angebot, das nicht mobil ist, findet in einem Treffpunkt statt.",
    ),
    "schedule-ends-before-start": (
        f.ScheduleFactory,
        {"start_time": T(17), "end_time": T(15)},
        "end_time",
        "Die Endzeit muss nach der Anfangszeit liegen.",
    ),
    "schedule-weekly-without-weekday": (
        f.ScheduleFactory,
        {"weekday": None},
        "weekday",
        "Bitte einen Wochentag wählen.",
    ),
    "schedule-monthly-without-week": (
        f.ScheduleFactory,
        {"kind": "monthly", "week_of_month": None},
        "week_of_month",
        "Bitte eine Woche des Monats wählen.",
    ),
    "schedule-single-without-date": (
        f.ScheduleFactory,
        {"kind": "single", "weekday": None, "date": None},
        "date",
        "Bitte das Datum angeben.",
    ),
    "teilnahme-month-not-first": (
        f.TeilnahmeFactory,
        {"period": "month", "date": D(2019, 3, 15)},
        "date",
        "am ersten Tag des Monats",
    ),
    "teilnahme-negative": (f.TeilnahmeFactory, {"participants": -1}, "participants", "größer oder gleich 0"),
    "handlungskonzept-end-before-start": (
        f.HandlungskonzeptFactory,
        {"start_year": 2020, "end_year": 2018},
        "end_year",
        "Das Ende darf nicht vor dem Beginn liegen.",
    ),
    "massnahme-progress-over-100": (f.MassnahmeFactory, {"progress": 150}, "progress", "kleiner oder gleich 100"),
    "massnahme-end-before-start": (
        f.MassnahmeFactory,
        {"start": D(2019, 6, 1), "end": D(2019, 1, 1)},
        "end",
        "Das Ende darf nicht vor dem Beginn liegen.",
    ),
    "massnahme-traeger-without-operator": (
        f.MassnahmeFactory,
        {"owner": "traeger", "owner_traeger": None},
        "owner_traeger",
        "Bitte den verantwortlichen Träger angeben.",
    ),
    "sachstand-progress-over-100": (f.SachstandFactory, {"progress": 101}, "progress", "kleiner oder gleich 100"),
}


def resolve(values):
    return {key: value() if isinstance(value, type) else value for key, value in values.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_database_refuses_bad_data(case):
    factory, bad, _field, _message = CASES[case]
    model = factory._meta.model
    before = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**resolve(bad))
    assert model.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_validation_names_the_field_in_german(case):
    factory, bad, field, message = CASES[case]
    obj = factory()
    for key, value in resolve(bad).items():
        setattr(obj, key, value)
    with pytest.raises(ValidationError) as excinfo:
        obj.full_clean()
    assert field in excinfo.value.message_dict, excinfo.value.message_dict
    assert any(message in text for text in excinfo.value.message_dict[field]), excinfo.value.message_dict


def form_data(obj, form):
    data = {}
    for name, value in model_to_dict(obj).items():
        if name not in form.base_fields:
            continue
        if isinstance(value, list):
            data[name] = [item.pk for item in value]
        elif value is None:
            data[name] = ""
        else:
            data[name] = value
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_admin_form_shows_the_german_message_at_the_field(case, superuser):
    factory, bad, field, message = CASES[case]
    obj = factory()
    model_admin = admin.site._registry[type(obj)]
    request = RequestFactory().post("/")
    request.user = superuser
    form_class = model_admin.get_form(request, obj, change=True)
    data = form_data(obj, form_class)
    for key, value in resolve(bad).items():
        data[key] = "" if value is None else getattr(value, "pk", value)
    if "password" in form_class.base_fields:
        data["password"] = obj.password
    form = form_class(data=data, instance=obj)
    assert not form.is_valid()
    assert field in form.errors, form.errors
    assert any(message in text for text in form.errors[field]), form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "fields"),
    [
        (f.KennzahlFactory, ["quartier", "name", "year"]),
        (f.TeilnahmeFactory, ["angebot", "period", "date"]),
        (f.HandlungskonzeptFactory, ["quartier", "start_year"]),
        (f.JahreszielFactory, ["quartier", "year", "title"]),
        (f.IndikatorFactory, ["ziel", "name"]),
    ],
)
def test_unique_constraints_refuse_duplicates(factory, fields):
    first = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**{name: getattr(first, name) for name in fields})
    duplicate = factory.build(**{name: getattr(first, name) for name in fields})
    with pytest.raises(ValidationError):
        duplicate.validate_constraints()


@pytest.mark.django_db
def test_a_meeting_point_with_offers_cannot_move_to_another_quarter():
    angebot = f.AngebotFactory()
    treffpunkt = angebot.treffpunkt
    treffpunkt.quartier = f.QuartierFactory()
    with pytest.raises(ValidationError) as excinfo:
        treffpunkt.full_clean()
    assert "kann nicht in ein anderes Quartier verlegt werden" in excinfo.value.message_dict["quartier"][0]
