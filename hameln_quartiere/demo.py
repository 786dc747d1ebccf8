"""Demo data: a believable, entirely fictional year 2019 of “Hameln k.a.n.(n')s. gemeinsam”.

The content lives in ``demo_data.toml`` next to this module (German texts are data, not interface strings, so
they do not go through gettext); this module turns it into rows. People, operators, addresses, coordinates,
numbers and e-mail addresses are invented; operators and meeting points carry ``is_demo=True``.

Review states are set directly: there is no workflow to replay, and the demo needs entries in every state.
"""

import datetime
import random
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from handlungskonzepte.models import (
    Befund,
    Beteiligungsformat,
    Handlungsfeld,
    Handlungskonzept,
    Indikator,
    Massnahme,
    Sachstand,
    Ziel,
)
from quartiere.models import Jahresziel, Kennzahl, Quartier
from treffpunkte.models import (
    Angebot,
    Cancellation,
    Kategorie,
    Kontaktperson,
    Schedule,
    Sprache,
    Teilnahme,
    Traeger,
    Treffpunkt,
    Zielgruppe,
    schedule_dates,
)
from zusammenarbeit.models import Aufgabe, Praxisbeispiel, Sitzung, Tagesordnungspunkt, Transfer, TransferSchritt

from .models import REVIEWER_ROLES, Comment, Foerderquelle, ReviewedModel, ReviewState, Stelle, User
from .services import log

DATA_FILE = Path(__file__).with_name("demo_data.toml")
# Public on purpose: the command prints it, and it only ever protects demo databases.
DEMO_PASSWORD = "Hameln-Demo-2019!"  # noqa: S105
YEAR = 2019
KENNZAHL_YEARS = (2017, 2018, 2019)
RANDOM_SEED = 2019
WEEKDAYS = {name.lower(): value for name, value in Schedule.Weekday.__members__.items()}


class DemoDataError(Exception):
    """The database is not one the demo may be loaded into."""


@dataclass
class SeedResult:
    created: bool = False
    logins: list = field(default_factory=list)  # (username, what the login is for)
    kept_passwords: list = field(default_factory=list)  # logins that existed before and keep their password
    counts: dict = field(default_factory=dict)  # model name → rows created


def load_data():
    with DATA_FILE.open("rb") as file:
        return tomllib.load(file)


def is_seeded():
    """True when the demo operators or meeting points are already in the database."""
    return Traeger.objects.filter(is_demo=True).exists() or Treffpunkt.objects.filter(is_demo=True).exists()


def seed():
    """Load the demo programme in one transaction; once it is there, a second call changes nothing.

    Quarters, reference data, funding sources and logins are matched by their natural keys, so an admin who
    already created some of them keeps them (and an existing login keeps its password). Content (operators,
    meeting points, offers, action concepts) only goes into a database without content: demo entries mixed
    into real ones would be hard to take out again.
    """
    data = load_data()
    result = SeedResult(logins=[(login["username"], login["description"]) for login in data["logins"]])
    with transaction.atomic():
        if is_seeded():
            return result
        content = (Treffpunkt, Angebot, Handlungskonzept, Traeger, Jahresziel, Stelle)
        if any(model.objects.exists() for model in content):
            raise DemoDataError(
                "The database already holds operators, meeting points, offers, action concepts, yearly goals "
                "or staff positions; the demo data is meant for an empty database."
            )
        try:
            _Builder(data, result).build()
        except (ValidationError, IntegrityError) as error:
            raise DemoDataError(f"The demo data does not fit the data already in the database: {error}") from error
    result.created = True
    return result


class _Builder:
    def __init__(self, data, result):
        self.data = data
        self.result = result
        self.quartiere = {}
        self.users = {}
        self.kategorien = {}
        self.zielgruppen = {}
        self.sprachen = {}
        self.traeger = {}
        self.treffpunkte = {}
        self.angebote = {}
        self.massnahmen = {}

    def build(self):
        self.build_quartiere()
        self.build_reference_data()
        self.build_users()
        self.build_stellen()
        self.build_jahresziele()
        self.build_traeger()
        self.build_treffpunkte()
        self.build_angebote()
        self.build_teilnahmen()
        for spec in self.data["handlungskonzepte"]:
            self.build_handlungskonzept(spec)
        for spec in self.data["sitzungen"]:
            self.build_sitzung(spec)
        for spec in self.data["praxisbeispiele"]:
            self.build_praxisbeispiel(spec)

    def create(self, model, m2m=None, **values):
        return self.save(model(**values), m2m)

    def save(self, obj, m2m=None):
        """Save a new row after full_clean(), so that the demo never shows what a form would refuse."""
        if isinstance(obj, ReviewedModel):
            self.record_review(obj)
        obj.full_clean()
        obj.save()
        for name, related in (m2m or {}).items():
            getattr(obj, name).set(related)
        if isinstance(obj, ReviewedModel):
            self.record_history(obj)
        name = type(obj).__name__
        self.result.counts[name] = self.result.counts.get(name, 0) + 1
        return obj

    def record_review(self, entry):
        """Fill in who submitted and who approved a demo entry, as the review services would have."""
        if entry.review_state == ReviewState.DRAFT:
            return
        author = entry.created_by
        entry.submitted_by = author
        entry.submitted_ressort = author.ressort
        entry.submitted_at = timezone.now()
        if entry.review_state == ReviewState.APPROVED:
            entry.approved_by = self.reviewer_for(entry)
            entry.approved_at = entry.submitted_at

    def record_history(self, entry):
        """The steps of the review the demo entry went through, in its history tab, as the services log them."""
        log(entry, "created", actor=entry.created_by, data={"version": 1})
        if entry.review_state != ReviewState.APPROVED:
            entry.contributors.add(entry.created_by)
        if entry.review_state == ReviewState.DRAFT:
            return
        log(entry, "submitted", actor=entry.created_by)
        if entry.review_state == ReviewState.APPROVED:
            log(entry, "approved", actor=entry.approved_by)

    def reviewer_for(self, entry):
        """A person of the other Ressort who covers the entry's quarter."""
        quartier_id = entry.get_quartier_id()
        return next(
            user
            for user in self.users.values()
            if user.role in REVIEWER_ROLES and user.ressort != entry.created_by.ressort and user.covers(quartier_id)
        )

    def get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
        if created:
            self.result.counts[model.__name__] = self.result.counts.get(model.__name__, 0) + 1
        return obj

    def user(self, username):
        return self.users[username] if username else None

    # Quarters, reference data, people

    def build_quartiere(self):
        common_needs = self.data["common_development_needs"]
        for spec in self.data["quartiere"]:
            self.quartiere[spec["slug"]] = self.get_or_create(
                Quartier,
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "is_soziale_stadt": spec.get("is_soziale_stadt", False),
                    "description": spec["description"],
                    "development_needs": f"{common_needs} {spec['development_needs']}",
                },
            )
        for spec in self.data["kennzahlen"]:
            for slug, values in spec["values"].items():
                for year, value in zip(KENNZAHL_YEARS, values, strict=True):
                    self.get_or_create(
                        Kennzahl,
                        quartier=self.quartiere[slug],
                        name=spec["name"],
                        year=year,
                        defaults={"value": Decimal(str(value)), "unit": spec["unit"], "source": "Fiktive Demowerte"},
                    )

    def build_reference_data(self):
        reference = self.data["reference_data"]
        for name in reference["kategorien"]:
            self.kategorien[name] = self.get_or_create(Kategorie, name=name)
        for name in reference["zielgruppen"]:
            self.zielgruppen[name] = self.get_or_create(Zielgruppe, name=name)
        for code, name in reference["sprachen"].items():
            self.sprachen[code] = self.get_or_create(Sprache, code=code, defaults={"name": name})

    def build_users(self):
        # One hash for all six: the password is public anyway, and each hash takes a good part of a second.
        password_hash = None
        for spec in self.data["logins"]:
            username = spec["username"]
            existing = User.objects.filter(username=username).first()
            if existing is not None:
                self.result.kept_passwords.append(username)
                self.users[username] = existing
                continue
            user = User(
                username=username,
                first_name=spec["first_name"],
                last_name=spec["last_name"],
                email=f"{username}@example.org",
                role=spec["role"],
                ressort=spec["ressort"],
                is_staff=spec.get("is_staff", False),
                is_superuser=spec.get("is_superuser", False),
            )
            validate_password(DEMO_PASSWORD, user)
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user.password = password_hash
            quartiere = [self.quartiere[slug] for slug in spec.get("quartiere", [])]
            self.users[username] = self.save(user, m2m={"quartiere": quartiere})

    def build_stellen(self):
        funding = {}
        for spec in self.data["foerderquellen"]:
            funding[spec["key"]] = self.get_or_create(
                Foerderquelle,
                name=spec["name"],
                defaults={
                    "kind": spec["kind"],
                    "funder": spec.get("funder", ""),
                    "description": spec.get("description", ""),
                },
            )
        for spec in self.data["stellen"]:
            self.create(
                Stelle,
                m2m={"quartiere": [self.quartiere[slug] for slug in spec["quartiere"]]},
                title=spec["title"],
                ressort=spec["ressort"],
                holder=self.users[spec["holder"]],
                fte=Decimal(spec["fte"]),
                funding=funding[spec["funding"]],
                start=spec["start"],
                end=spec.get("end"),
            )

    def build_jahresziele(self):
        for spec in self.data["jahresziele"]:
            jahresziel = self.create(
                Jahresziel,
                quartier=self.quartiere[spec["quartier"]],
                year=spec["year"],
                title=spec["title"],
                description=spec["description"],
                review_state=spec["state"],
                created_by=self.users["qm"],
            )
            if "return_comment" in spec:
                log(
                    jahresziel,
                    "returned",
                    actor=self.reviewer_for(jahresziel),
                    data={"comment": spec["return_comment"]},
                )
                Comment.objects.create(
                    content_type=ContentType.objects.get_for_model(jahresziel),
                    object_id=jahresziel.pk,
                    author=self.reviewer_for(jahresziel),
                    kind=Comment.Kind.RETURN,
                    text=spec["return_comment"],
                )

    # Operators, meeting points, offers

    def build_traeger(self):
        for spec in self.data["traeger"]:
            key = spec["key"]
            traeger = self.create(
                Traeger,
                name=spec["name"],
                kind=spec["kind"],
                description=spec["description"],
                street=spec["street"],
                postal_code=spec["postal_code"],
                website=f"https://example.org/{key}",
                email=f"{key}@example.org",
                is_demo=True,
            )
            for person in spec["kontaktpersonen"]:
                self.create(
                    Kontaktperson,
                    traeger=traeger,
                    name=person["name"],
                    function=person["function"],
                    email=f"{_mailbox(person['name'])}@example.org",
                    is_public=person["is_public"],
                )
            self.traeger[key] = traeger

    def build_treffpunkte(self):
        references = {"quartier", "traeger", "latitude", "longitude", "state", "author"}
        for spec in self.data["treffpunkte"]:
            self.treffpunkte[spec["slug"]] = self.create(
                Treffpunkt,
                **{name: value for name, value in spec.items() if name not in references},
                quartier=self.quartiere[spec["quartier"]],
                traeger=self.traeger.get(spec.get("traeger")),
                latitude=Decimal(spec["latitude"]),
                longitude=Decimal(spec["longitude"]),
                email=f"{spec['slug']}@example.org" if spec["status"] == Treffpunkt.Status.ACTIVE else "",
                review_state=spec["state"],
                created_by=self.users[spec["author"]],
                is_demo=True,
            )

    def build_angebote(self):
        closed_days = dict(self.data["calendar"]["closed_days"])
        school_holidays = self.data["calendar"]["school_holidays"]
        for spec in self.data["angebote"]:
            angebot = self.create(
                Angebot,
                m2m={
                    "zielgruppen": [self.zielgruppen[name] for name in spec["zielgruppen"]],
                    "sprachen": [self.sprachen[code] for code in spec["sprachen"]],
                },
                title=spec["title"],
                description=spec["description"],
                **{name: spec[name] for name in Angebot.TRANSLATED_FIELDS if name in spec},
                quartier=self.quartiere[spec["quartier"]],
                treffpunkt=self.treffpunkte.get(spec.get("treffpunkt")),
                is_mobile=spec.get("is_mobile", False),
                kategorie=self.kategorien[spec["kategorie"]],
                free_of_charge=spec.get("free_of_charge", True),
                cost_note=spec.get("cost_note", ""),
                registration_required=spec.get("registration_required", False),
                contact=spec.get("contact", ""),
                review_state=spec["state"],
                created_by=self.users[spec["author"]],
            )
            schedules = [self.create(Schedule, angebot=angebot, **self.schedule_fields(t)) for t in spec["termine"]]
            recurring = [s for s in schedules if s.kind != Schedule.Kind.SINGLE]
            for date in schedule_dates(recurring, *_year(YEAR)):
                reason = closed_days.get(date)
                if reason is None and spec.get("school_term_only"):
                    reason = next((name for first, last, name in school_holidays if first <= date <= last), None)
                if reason:
                    self.create(Cancellation, angebot=angebot, date=date, reason=reason)
            self.angebote[spec["title"]] = angebot

    def schedule_fields(self, termin):
        start, end = termin["time"].split("-")
        fields = {
            "kind": termin["kind"],
            "start_time": datetime.time.fromisoformat(start),
            "end_time": datetime.time.fromisoformat(end),
            "valid_from": termin.get("valid_from"),
            "date": termin.get("date"),
            "place": termin.get("place", ""),
            "treffpunkt": self.treffpunkte.get(termin.get("treffpunkt")),
            "interval": termin.get("interval", 1),
            "week_of_month": termin.get("week_of_month"),
        }
        if "weekday" in termin:
            fields["weekday"] = WEEKDAYS[termin["weekday"]]
        return fields

    def build_teilnahmen(self):
        """A count for every date on which an offer took place in 2019; the same numbers on every run."""
        rng = random.Random(RANDOM_SEED)  # noqa: S311 - reproducible demo numbers, not security
        rows = []
        for spec in self.data["angebote"]:
            if "attendance" not in spec:
                continue
            angebot = self.angebote[spec["title"]]
            low, high = spec["attendance"]
            recorder = self.users["gwa-kuckuck" if spec["quartier"] == "kuckuck" else "gwa-quartiere"]
            cancelled = set(angebot.cancellations.values_list("date", flat=True))
            for date in sorted(set(schedule_dates(angebot.schedules.all(), *_year(YEAR))) - cancelled):
                rows.append(
                    Teilnahme(
                        angebot=angebot,
                        period=Teilnahme.Period.OCCURRENCE,
                        date=date,
                        participants=rng.randint(low, high),
                        recorded_by=recorder,
                    )
                )
        Teilnahme.objects.bulk_create(rows)
        self.result.counts["Teilnahme"] = len(rows)

    # Action concepts

    def build_handlungskonzept(self, spec):
        quartier = self.quartiere[spec["quartier"]]
        author = self.users[spec["author"]]
        previous = None
        if "previous" in spec:
            earlier = spec["previous"]
            previous = self.create(
                Handlungskonzept,
                quartier=quartier,
                title=spec["title"],
                start_year=earlier["start_year"],
                end_year=earlier["end_year"],
                summary=earlier["summary"],
                review_state="approved",
                created_by=self.users[earlier["author"]],
            )
        konzept = self.create(
            Handlungskonzept,
            quartier=quartier,
            title=spec["title"],
            start_year=spec["start_year"],
            end_year=spec["end_year"],
            summary=spec["summary"],
            previous=previous,
            review_state=spec["state"],
            created_by=author,
        )
        formate = {
            format_spec["kind"]: self.create(
                Beteiligungsformat,
                handlungskonzept=konzept,
                kind=format_spec["kind"],
                title=format_spec["title"],
                date=format_spec["date"],
                participants=format_spec["participants"],
                summary=format_spec.get("summary", ""),
            )
            for format_spec in spec["formate"]
        }
        befunde = {
            befund["key"]: self.create(
                Befund,
                handlungskonzept=konzept,
                beteiligungsformat=formate[befund["format"]],
                kind=befund["kind"],
                title=befund["title"],
                description=befund.get("description", ""),
                review_state=befund["state"],
                created_by=author,
            )
            for befund in spec["befunde"]
        }
        ziele = {}
        for position, feld_spec in enumerate(spec["felder"], start=1):
            feld = self.create(Handlungsfeld, handlungskonzept=konzept, title=feld_spec["title"], position=position)
            for ziel_spec in feld_spec["ziele"]:
                ziel = self.create(
                    Ziel,
                    m2m={"befunde": [befunde[key] for key in ziel_spec["befunde"]]},
                    handlungsfeld=feld,
                    title=ziel_spec["title"],
                    review_state=ziel_spec["state"],
                    created_by=author,
                )
                for indikator in ziel_spec["indikatoren"]:
                    self.create(
                        Indikator,
                        ziel=ziel,
                        name=indikator["name"],
                        unit=indikator["unit"],
                        baseline=Decimal(indikator["baseline"]),
                        baseline_year=indikator["baseline_year"],
                        target=Decimal(indikator["target"]),
                        actual=Decimal(indikator["actual"]),
                    )
                ziele[ziel.title] = ziel
        for massnahme in spec["massnahmen"]:
            self.build_massnahme(konzept, massnahme, ziele)

    def build_massnahme(self, konzept, spec, ziele):
        updates = spec.get("sachstaende", [])
        massnahme = self.create(
            Massnahme,
            m2m={
                "ziele": [ziele[title] for title in spec.get("ziele", [])],
                "partners": [self.traeger[key] for key in spec.get("partners", [])],
                "angebote": [self.angebote[title] for title in spec.get("angebote", [])],
            },
            handlungskonzept=konzept,
            title=spec["title"],
            description=spec.get("description", ""),
            owner=spec["owner"],
            owner_traeger=self.traeger.get(spec.get("owner_traeger")),
            treffpunkt=self.treffpunkte.get(spec.get("treffpunkt")),
            contact_person=self.users[spec["contact"]],
            start=spec["start"],
            end=spec.get("end"),
            status=spec["status"],
            progress=updates[-1]["progress"] if updates else 0,
            review_state=spec["state"],
            created_by=self.users[spec["author"]],
        )
        self.massnahmen[massnahme.title] = massnahme
        for update in updates:
            self.create(
                Sachstand,
                massnahme=massnahme,
                date=update["date"],
                text=update["text"],
                progress=update["progress"],
                author=self.users[spec["contact"]],
            )

    # Working together

    def build_sitzung(self, spec):
        start, end = (datetime.time.fromisoformat(part) for part in spec["time"].split("-"))
        sitzung = self.create(
            Sitzung,
            m2m={"teilnehmende": [self.users[name] for name in spec["teilnehmende"]]},
            kind=spec["kind"],
            title=spec["title"],
            date=spec["date"],
            start_time=start,
            end_time=end,
            place=spec["place"],
            quartier=self.quartiere.get(spec.get("quartier")),
            guests=spec.get("guests", ""),
            review_state=spec["state"],
            created_by=self.users[spec["author"]],
        )
        today = timezone.localdate()
        for position, item in enumerate(spec["tagesordnungspunkte"], start=1):
            punkt = self.create(
                Tagesordnungspunkt,
                sitzung=sitzung,
                position=position,
                title=item["title"],
                minutes=item.get("minutes", ""),
                status=item["status"],
                decision=item.get("decision", ""),
            )
            for task in item.get("aufgaben", []):
                due = task["due"] if "due" in task else today + datetime.timedelta(days=task["due_in_days"])
                done = task.get("status") == Aufgabe.Status.DONE
                self.create(
                    Aufgabe,
                    title=task["title"],
                    assignee=self.users[task["assignee"]],
                    due=due,
                    status=task.get("status", Aufgabe.Status.OPEN),
                    tagesordnungspunkt=punkt,
                    quartier=self.quartiere.get(task.get("quartier")),
                    created_by=sitzung.created_by,
                    done_at=timezone.make_aware(datetime.datetime.combine(due, datetime.time(12))) if done else None,
                )

    def build_praxisbeispiel(self, spec):
        praxis = self.create(
            Praxisbeispiel,
            title=spec["title"],
            quartier=self.quartiere[spec["quartier"]],
            angebot=self.angebote.get(spec.get("angebot")),
            massnahme=self.massnahmen.get(spec.get("massnahme")),
            context=spec["context"],
            needs_people=spec.get("needs_people", ""),
            needs_rooms=spec.get("needs_rooms", ""),
            needs_money=spec.get("needs_money", ""),
            steps=spec.get("steps", ""),
            lessons=spec.get("lessons", ""),
            contact=self.users[spec["contact"]],
            review_state=spec["state"],
            created_by=self.users[spec["author"]],
        )
        for spec_transfer in spec.get("transfers", []):
            driver = self.users[spec_transfer["driver"]]
            transfer = self.create(
                Transfer,
                praxisbeispiel=praxis,
                quartier=self.quartiere[spec_transfer["quartier"]],
                status=spec_transfer["status"],
                driver=driver,
                learnt=spec_transfer.get("learnt", ""),
                angebot=self.angebote.get(spec_transfer.get("angebot")),
            )
            for step in spec_transfer["steps"]:
                self.create(TransferSchritt, transfer=transfer, status=step["status"], note=step["note"], actor=driver)
            log(transfer, "created", actor=driver)


def _year(year):
    """The first and the last day of ``year``."""
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _mailbox(name):
    """``Erika Musterfrau`` → ``erika.musterfrau``."""
    return name.lower().replace(" ", ".").translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
