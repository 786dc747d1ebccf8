"""``seed_demo --scale N``: the demo programme grown N-fold, for load tests and the benchmark in ``bench/``.

Scale 1 is the hand-written demo of ``demo.py``. For N > 1 that demo is loaded first (its quarters, reference
data and logins with the printed demo password) and N units of generated content are added to it, spread over
the ten years 2010–2019 and the four quarters. One unit is what a tenth of a bigger city's programme might
add: 2 operators, 4 meeting points, 50 offers with their times, 2,000 attendance counts, 40 measures with
progress updates, 4 goals and 6 findings; so scale 50 gives about 200 meeting points, 2,500 offers, 100,000
attendance counts and 2,000 measures.

The rows go in with ``bulk_create`` (one INSERT per batch, not per row): a scale-50 programme is a few hundred
thousand rows and has to load in seconds, not hours. So unlike the demo, generated rows skip ``full_clean()``;
the generator keeps to what the forms check, the database constraints enforce the rest, and a test cleans a
sample. Review states are set directly, as in the demo, with the history the review services would have
logged. Everything comes from one seeded random generator: the same scale gives the same rows on every run.
"""

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

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
)

from . import demo
from .cache import move_everything_on
from .models import Comment, LogEntry, ReviewedModel, ReviewState, User
from .services import action_code

# What one unit of scale adds.
PER_UNIT = {
    "traeger": 2,
    "treffpunkte": 4,
    "angebote": 50,
    "teilnahmen": 2000,
    "massnahmen": 40,
    "ziele": 4,
    "befunde": 6,
}
FIRST_YEAR, LAST_YEAR = 2010, demo.YEAR
HISTORY_START, HISTORY_END = datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31)
BATCH = 2000
# Generated meeting points carry this in their address; its presence means the scale content is there.
SLUG_MARK = "skaliert"
# The action concepts added for the earlier years, where a quarter has none then.
EARLIER_PERIODS = ((2010, 2012), (2013, 2017))
HOLIDAYS = ((1, 1, "Neujahr"), (12, 24, "Heiligabend"), (12, 25, "1. Weihnachtstag"), (12, 31, "Silvester"))

TREFFPUNKT_KINDS = (
    "Stadtteiltreff",
    "Nachbarschaftstreff",
    "Begegnungsstätte",
    "Familienzentrum",
    "Quartierstreff",
    "Gemeindehaus",
    "Bürgerhaus",
    "Jugendhaus",
)
STREETS = (
    "Lindenhof",
    "Am Markt",
    "Kastanienweg",
    "Weserufer",
    "Brunnenplatz",
    "Eichenstraße",
    "Mühlenweg",
    "Rosengarten",
    "Klütweg",
    "Bahnhofsviertel",
    "Ostertor",
    "Sonnenwinkel",
)
TRAEGER_KINDS = (
    ("Nachbarschaftsverein", Traeger.Kind.ASSOCIATION),
    ("Ev.-luth. Kirchengemeinde", Traeger.Kind.CHURCH),
    ("Sozialwerk", Traeger.Kind.WELFARE),
    ("Bewohnerinitiative", Traeger.Kind.INITIATIVE),
    ("Förderverein", Traeger.Kind.ASSOCIATION),
)
FIRST_NAMES = ("Anna", "Mehmet", "Olga", "Peter", "Fatma", "Lena", "Yusuf", "Irina", "Tobias", "Sara", "Ali", "Maria")
LAST_NAMES = ("Beispiel", "Muster", "Probe", "Exempel", "Vorlage", "Testfeld", "Fiktiv", "Modell")
OFFER_TITLES = {
    "Begegnung": ("Nachbarschaftscafé", "Frauenfrühstück", "Seniorennachmittag", "Spieleabend", "Offener Treff"),
    "Sprachcafé": ("Sprachcafé", "Deutsch im Alltag", "Konversationsrunde", "Lesekreis"),
    "Beratung": ("Mieterberatung", "Sozialberatung", "Computersprechstunde", "Formularhilfe"),
    "Bildung": ("Hausaufgabenhilfe", "Elternschule", "Computerkurs", "Nähkurs"),
    "Kinder und Jugend": ("Spielgruppe", "Jugendtreff", "Kindertheater", "Ferienwerkstatt"),
    "Bewegung": ("Lauftreff", "Sitzgymnastik", "Tanzgruppe", "Fußball im Park"),
    "Kultur": ("Malwerkstatt", "Chor", "Repair-Café", "Kochgruppe", "Gartengruppe"),
}
MEASURE_TOPICS = (
    "Aufwertung des Spielplatzes",
    "Nachbarschaftsfest",
    "Beteiligungswerkstatt",
    "Sprachpatenschaften",
    "Mietertreff",
    "Gemeinschaftsgarten",
    "Quartierszeitung",
    "Begrüßungsbesuche",
    "Beleuchtung der Wege",
    "Bewegungsangebote im Park",
    "Ehrenamtsbörse",
    "Kooperation mit der Grundschule",
)
FIELD_TOPICS = ("Zusammenleben – Vertiefung", "Bildung – Vertiefung", "Wohnumfeld – Vertiefung")
GOAL_TOPICS = (
    "Mehr Begegnung zwischen den Generationen",
    "Bessere Erreichbarkeit der Beratung",
    "Sichere und saubere Wege",
    "Mehr Ehrenamtliche im Quartier",
    "Gute Startbedingungen für Kinder",
    "Sprachkenntnisse im Alltag stärken",
)
FINDING_TOPICS = (
    "Wenige Orte für Jugendliche",
    "Engagierte Nachbarschaft",
    "Dunkle Wege am Abend",
    "Hoher Bedarf an Sprachkursen",
    "Leerstehende Ladenlokale",
    "Aktive Kirchengemeinde",
)
YEARLY_GOALS = ("Treffpunkte stärken", "Beteiligung ausbauen", "Angebote für Familien erweitern")


@dataclass
class ScaleResult:
    created: bool
    counts: dict


def is_scaled():
    return Treffpunkt.objects.filter(slug__contains=f"-{SLUG_MARK}-").exists()


def seed(scale, *, random_seed=demo.RANDOM_SEED):
    """Load the demo and add ``scale`` units of generated content, in one transaction. Returns the demo's
    ``SeedResult`` (logins, counts) with the generated rows added to its counts; a second call changes nothing."""
    with transaction.atomic():
        result = demo.seed()
        if is_scaled():
            result.created = False
            return result
        counts = _Generator(scale, random.Random(f"{random_seed}:{scale}")).build()  # noqa: S311 - demo data
        for name, count in counts.items():
            result.counts[name] = result.counts.get(name, 0) + count
        result.created = True
        # Bulk inserts send no signals: move every cached answer on once for all of them.
        move_everything_on()
    if connection.vendor == "postgresql":
        # Fresh planner statistics: without them PostgreSQL plans for the nearly empty tables it last saw.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result


class _Generator:
    def __init__(self, scale, rng):
        self.scale = scale
        self.rng = rng
        self.counts = {}
        self.now = timezone.now()
        self.quartiere = list(Quartier.objects.order_by("slug"))
        users = {
            user.username: user for user in User.objects.filter(username__in=["qm", "gwa-kuckuck", "gwa-quartiere"])
        }
        self.qm = users["qm"]
        # The community social worker of each quarter: one for the Soziale-Stadt area, one for the others.
        self.gwa = {q.pk: users["gwa-kuckuck" if q.slug == "kuckuck" else "gwa-quartiere"] for q in self.quartiere}
        self.kategorien = list(Kategorie.objects.order_by("name"))
        self.zielgruppen = list(Zielgruppe.objects.order_by("name"))
        self.sprachen = list(Sprache.objects.order_by("code"))
        self.german = next(sprache for sprache in self.sprachen if sprache.code == "de")
        self.history = []  # (entry, state) of every reviewed entry, for the audit log
        self.contributors = []  # (entry, user) for entries whose version is not approved yet

    def count(self, n):
        return n * self.scale

    def build(self):
        self.build_traeger()
        self.build_treffpunkte()
        self.build_angebote()
        self.build_teilnahmen()
        self.build_konzepte()
        self.build_massnahmen()
        self.build_jahresziele()
        self.build_kennzahlen()
        self.build_history()
        return self.counts

    # Helpers

    def insert(self, model, rows):
        """Bulk-insert ``rows`` and return them with their primary keys."""
        with _given_times(model):
            created = model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(created)
        return created

    def link(self, field, pairs):
        """Fill the through table of the many-to-many ``field`` (e.g. ``Angebot.zielgruppen``) from pairs."""
        through = field.through
        source = f"{field.field.model._meta.model_name}_id"
        target = f"{field.field.remote_field.model._meta.model_name}_id"
        if field.field.model is field.field.remote_field.model:
            raise ValueError("self-referencing many-to-many fields are not generated")
        rows = [through(**{source: a, target: b}) for a, b in dict.fromkeys(pairs)]
        through.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[through.__name__] = self.counts.get(through.__name__, 0) + len(rows)

    def date_between(self, first, last):
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def moment(self, day):
        """An aware time on ``day`` during office hours."""
        naive = datetime.datetime.combine(day, datetime.time(self.rng.randint(8, 17), self.rng.randint(0, 59)))
        return timezone.make_aware(naive)

    def review(self, entry, quartier_id, *, author=None, day=None):
        """Give a new entry an author and a review state (mostly approved), as the review services would."""
        author = author or self.rng.choice((self.qm, self.gwa[quartier_id]))
        reviewer = self.gwa[quartier_id] if author == self.qm else self.qm
        state = self.rng.choices(
            (ReviewState.APPROVED, ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.DRAFT),
            weights=(80, 10, 4, 6),
        )[0]
        entry.created_by = author
        entry.review_state = state
        if state == ReviewState.APPROVED:
            entry.submitted_at = self.moment(day or self.date_between(HISTORY_START, HISTORY_END))
            entry.approved_at = entry.submitted_at + datetime.timedelta(days=self.rng.randint(1, 14))
            entry.approved_by = reviewer
        elif state != ReviewState.DRAFT:
            # Waiting now: submitted in the last weeks.
            entry.submitted_at = self.now - datetime.timedelta(
                days=self.rng.randint(1, 60), hours=self.rng.randint(0, 9)
            )
        if state != ReviewState.DRAFT:
            entry.submitted_by = author
            entry.submitted_ressort = author.ressort
        entry._reviewer = reviewer
        return self.stamp(entry)

    def stamp(self, entry):
        """When the entry was written and last changed: its approval, its submission, or (a draft) its writing."""
        written = entry.submitted_at or self.now - datetime.timedelta(days=self.rng.randint(0, 120))
        entry.created_at = written - datetime.timedelta(days=self.rng.randint(0, 20), hours=self.rng.randint(0, 9))
        entry.updated_at = entry.approved_at or entry.submitted_at or entry.created_at
        return entry

    def after_insert(self, entries):
        """Record the history and the open authorship of reviewed entries once they have primary keys."""
        for entry in entries:
            self.history.append(entry)
            if entry.review_state != ReviewState.APPROVED:
                self.contributors.append(entry)

    # Operators and meeting points

    def build_traeger(self):
        rows = []
        for i in range(self.count(PER_UNIT["traeger"])):
            prefix, kind = TRAEGER_KINDS[i % len(TRAEGER_KINDS)]
            name = f"{prefix} {self.rng.choice(STREETS)} {i + 1}"
            key = slugify(name)
            rows.append(
                Traeger(
                    name=name,
                    kind=kind,
                    description=f"{prefix} im Quartier, seit {self.rng.randint(1980, 2015)} aktiv (fiktiv).",
                    street=f"{self.rng.choice(STREETS)} {self.rng.randint(1, 80)}",
                    postal_code="31785",
                    website=f"https://example.org/{key}",
                    email=f"{key}@example.org",
                    is_demo=True,
                )
            )
        self.traeger = self.insert(Traeger, rows)
        people = []
        for traeger in self.traeger:
            for _number in range(self.rng.randint(1, 2)):
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                people.append(
                    Kontaktperson(
                        traeger=traeger,
                        name=f"{first} {last}",
                        function=self.rng.choice(("Vorsitz", "Koordination", "Hauptamt")),
                        email=f"{demo._mailbox(first + ' ' + last)}@example.org",
                        is_public=self.rng.random() < 0.6,
                    )
                )
        self.insert(Kontaktperson, people)

    def build_treffpunkte(self):
        statuses = (
            (Treffpunkt.Status.ACTIVE, 70),
            (Treffpunkt.Status.SETTING_UP, 8),
            (Treffpunkt.Status.DORMANT, 5),
            (Treffpunkt.Status.CLOSED, 12),
            (Treffpunkt.Status.PLANNED, 5),
        )
        rows = []
        for i in range(self.count(PER_UNIT["treffpunkte"])):
            quartier = self.quartiere[i % len(self.quartiere)]
            name = f"{TREFFPUNKT_KINDS[i % len(TREFFPUNKT_KINDS)]} {self.rng.choice(STREETS)}"
            status = self.rng.choices([s for s, _w in statuses], weights=[w for _s, w in statuses])[0]
            opened = self.date_between(datetime.date(2005, 1, 1), datetime.date(2016, 12, 31))
            if status in (Treffpunkt.Status.PLANNED, Treffpunkt.Status.SETTING_UP):
                opened = None
            closed = self.date_between(opened, HISTORY_END) if status == Treffpunkt.Status.CLOSED else None
            treffpunkt = Treffpunkt(
                name=name,
                slug=f"{slugify(name)}-{SLUG_MARK}-{i + 1}",
                quartier=quartier,
                traeger=self.rng.choice(self.traeger) if self.rng.random() < 0.9 else None,
                status=status,
                description=f"{name}: ein Ort für Begegnung, Beratung und Angebote im Quartier {quartier.name}.",
                description_en="A place for meeting, advice and activities in the neighbourhood."
                if self.rng.random() < 0.5
                else "",
                street=f"{self.rng.choice(STREETS)} {self.rng.randint(1, 80)}",
                postal_code="31785",
                latitude=Decimal("52.1").quantize(Decimal("0.000001")) + Decimal(self.rng.randint(-9000, 9000)) / 10**6,
                longitude=Decimal("9.36").quantize(Decimal("0.000001"))
                + Decimal(self.rng.randint(-9000, 9000)) / 10**6,
                opening_hours="Mo–Fr 10–18 Uhr",
                step_free=self.rng.random() < 0.6,
                accessible_toilet=self.rng.random() < 0.4,
                in_praxisnetzwerk=self.rng.random() < 0.3,
                email=f"treff{i + 1}@example.org",
                opened_on=opened,
                closed_on=closed,
                is_demo=True,
            )
            rows.append(self.review(treffpunkt, quartier.pk, day=opened))
        self.treffpunkte = self.insert(Treffpunkt, rows)
        self.after_insert(self.treffpunkte)
        self.treffpunkte_by_quartier = {}
        for treffpunkt in self.treffpunkte:
            self.treffpunkte_by_quartier.setdefault(treffpunkt.quartier_id, []).append(treffpunkt)

    # Offers, their times, cancellations and attendance

    def build_angebote(self):
        open_points = [t for t in self.treffpunkte if t.status != Treffpunkt.Status.PLANNED]
        angebote, schedules = [], []
        for i in range(self.count(PER_UNIT["angebote"])):
            mobile = self.rng.random() < 0.03
            treffpunkt = None if mobile else self.rng.choice(open_points)
            quartier_id = treffpunkt.quartier_id if treffpunkt else self.quartiere[i % len(self.quartiere)].pk
            kategorie = self.rng.choice(self.kategorien)
            titles = OFFER_TITLES.get(kategorie.name, ("Offenes Angebot",))
            title = self.rng.choice(titles) + ("" if self.rng.random() < 0.7 else f" {self.rng.choice(STREETS)}")
            valid_from = self.date_between(HISTORY_START, datetime.date(LAST_YEAR, 6, 30))
            # About half the offers ended within the ten years; the others still run.
            ends = (treffpunkt is not None and treffpunkt.closed_on is not None) or self.rng.random() < 0.5
            valid_until = None
            if ends:
                valid_until = min(HISTORY_END, valid_from + datetime.timedelta(days=self.rng.randint(120, 1500)))
                if treffpunkt is not None and treffpunkt.closed_on is not None:
                    valid_until = max(valid_from, min(valid_until, treffpunkt.closed_on))
            angebot = Angebot(
                title=title,
                description=f"{title}: offen für alle, ohne Anmeldung (fiktives Angebot {i + 1}).",
                description_en=f"{title}: open to everyone." if self.rng.random() < 0.3 else "",
                quartier_id=quartier_id,
                treffpunkt=treffpunkt,
                is_mobile=mobile,
                kategorie=kategorie,
                free_of_charge=self.rng.random() < 0.85,
                registration_required=self.rng.random() < 0.2,
            )
            if not angebot.free_of_charge:
                angebot.cost_note = "2 € pro Termin"
            angebote.append(self.review(angebot, quartier_id, day=valid_from))
            schedules.append(self.schedules_for(angebot, valid_from, valid_until, mobile))
        self.angebote = self.insert(Angebot, angebote)
        self.after_insert(self.angebote)
        rows = []
        for angebot, times in zip(self.angebote, schedules, strict=True):
            for schedule in times:
                schedule.angebot = angebot
                rows.append(schedule)
        self.insert(Schedule, rows)
        self.schedules = {}
        for schedule in rows:
            self.schedules.setdefault(schedule.angebot_id, []).append(schedule)
        self.link(
            Angebot.zielgruppen,
            [(a.pk, z.pk) for a in self.angebote for z in self.rng.sample(self.zielgruppen, self.rng.randint(1, 2))],
        )
        self.link(
            Angebot.sprachen,
            [
                (a.pk, s.pk)
                for a in self.angebote
                for s in [self.german, *self.rng.sample(self.sprachen, self.rng.randint(0, 2))]
            ],
        )
        self.build_cancellations()

    def schedules_for(self, angebot, valid_from, valid_until, mobile):
        start = datetime.time(self.rng.randint(9, 19), self.rng.choice((0, 30)))
        end = (
            datetime.datetime.combine(valid_from, start) + datetime.timedelta(minutes=self.rng.choice((90, 120)))
        ).time()
        place = f"Spielplatz {self.rng.choice(STREETS)}" if mobile else ""
        kind = self.rng.choices(
            (Schedule.Kind.WEEKLY, Schedule.Kind.MONTHLY, Schedule.Kind.SINGLE), weights=(75, 20, 5)
        )[0]
        if mobile or kind == Schedule.Kind.SINGLE:
            last = valid_until or datetime.date(LAST_YEAR + 1, 6, 30)
            days = sorted({self.date_between(valid_from, last) for _n in range(self.rng.randint(2, 6))})
            return [
                Schedule(kind=Schedule.Kind.SINGLE, date=day, start_time=start, end_time=end, place=place)
                for day in days
            ]
        times = [
            Schedule(
                kind=kind,
                weekday=self.rng.randint(0, 5),
                interval=1 if kind == Schedule.Kind.MONTHLY or self.rng.random() < 0.8 else 2,
                week_of_month=self.rng.choice((1, 2, 3, -1)) if kind == Schedule.Kind.MONTHLY else None,
                start_time=start,
                end_time=end,
                valid_from=valid_from,
                valid_until=valid_until,
            )
        ]
        if self.rng.random() < 0.15:
            # A second weekday, e.g. a language café on Tuesdays and Thursdays.
            second = Schedule(**{f.attname: getattr(times[0], f.attname) for f in Schedule._meta.concrete_fields})
            second.pk = second.id = None
            second.weekday = (times[0].weekday + 2) % 6
            times.append(second)
        return times

    def occurrence_days(self, angebot_id, last=HISTORY_END):
        return sorted({day for s in self.schedules[angebot_id] for day in s.dates(HISTORY_START, last)})

    def build_cancellations(self):
        """The holidays on which a recurring offer would have met."""
        rows = []
        self.cancelled = {}
        for angebot in self.angebote:
            for day in self.occurrence_days(angebot.pk):
                reason = next((name for month, dom, name in HOLIDAYS if (day.month, day.day) == (month, dom)), None)
                if reason:
                    rows.append(Cancellation(angebot=angebot, date=day, reason=reason))
                    self.cancelled.setdefault(angebot.pk, set()).add(day)
        self.insert(Cancellation, rows)

    def build_teilnahmen(self):
        """Counts for the dates (or, for a third of the offers, the months) on which offers met, 2010–2019; as
        in practice, not every date was counted: a sample of the possible counts, of the size the scale asks."""
        candidates = []
        for angebot in self.angebote:
            recorder = self.gwa[angebot.quartier_id]
            days = [d for d in self.occurrence_days(angebot.pk) if d not in self.cancelled.get(angebot.pk, ())]
            if self.rng.random() < 1 / 3:
                for first in sorted({day.replace(day=1) for day in days}):
                    candidates.append((angebot.pk, Teilnahme.Period.MONTH, first, recorder, 4))
            else:
                candidates.extend((angebot.pk, Teilnahme.Period.OCCURRENCE, day, recorder, 1) for day in days)
        target = self.count(PER_UNIT["teilnahmen"])
        if len(candidates) > target:
            candidates = [candidates[i] for i in sorted(self.rng.sample(range(len(candidates)), target))]
        rows = [
            Teilnahme(
                angebot_id=angebot_id,
                period=period,
                date=day,
                participants=self.rng.randint(3, 25) * factor,
                recorded_by=recorder,
            )
            for angebot_id, period, day, recorder, factor in candidates
        ]
        self.insert(Teilnahme, rows)

    # Action concepts: earlier concepts, findings, goals, measures and their progress

    def build_konzepte(self):
        existing = {}
        for konzept in Handlungskonzept.objects.all():
            existing.setdefault(konzept.quartier_id, []).append((konzept.start_year, konzept.end_year))
        rows = []
        for quartier in self.quartiere:
            for first, last in EARLIER_PERIODS:
                if any(first <= end and start <= last for start, end in existing.get(quartier.pk, [])):
                    continue
                konzept = Handlungskonzept(
                    quartier=quartier,
                    title=f"Integriertes Handlungskonzept {quartier.name}",
                    start_year=first,
                    end_year=last,
                    summary="Fiktives früheres Handlungskonzept, aus der Beteiligung im Quartier entwickelt.",
                    created_by=self.qm,
                    review_state=ReviewState.APPROVED,
                    submitted_by=self.qm,
                    submitted_ressort=self.qm.ressort,
                    submitted_at=self.moment(datetime.date(first, 3, 1)),
                    approved_by=self.gwa[quartier.pk],
                    approved_at=self.moment(datetime.date(first, 4, 1)),
                )
                konzept._reviewer = konzept.approved_by
                rows.append(self.stamp(konzept))
        self.after_insert(self.insert(Handlungskonzept, rows))
        self.konzepte = list(Handlungskonzept.objects.order_by("quartier__slug", "start_year"))
        formate = [
            Beteiligungsformat(
                handlungskonzept=konzept,
                kind=kind,
                title=title,
                date=datetime.date(konzept.start_year - 1, month, 15),
                participants=self.rng.randint(15, 120),
            )
            for konzept in self.konzepte
            for kind, title, month in (
                (Beteiligungsformat.Kind.SURVEY, "Aktivierende Befragung (Nachtrag)", 9),
                (Beteiligungsformat.Kind.WALK, "Quartiersbegehung (Nachtrag)", 10),
            )
        ]
        formate = self.insert(Beteiligungsformat, formate)
        befunde = []
        for i in range(self.count(PER_UNIT["befunde"])):
            konzept = self.konzepte[i % len(self.konzepte)]
            befund = Befund(
                handlungskonzept=konzept,
                beteiligungsformat=formate[self.konzepte.index(konzept) * 2 + self.rng.randint(0, 1)],
                kind=self.rng.choice(Befund.Kind.values),
                title=f"{self.rng.choice(FINDING_TOPICS)} ({i + 1})",
            )
            befunde.append(self.review(befund, konzept.quartier_id, day=datetime.date(konzept.start_year, 1, 15)))
        befunde = self.insert(Befund, befunde)
        self.after_insert(befunde)
        felder = self.insert(
            Handlungsfeld,
            [
                Handlungsfeld(handlungskonzept=konzept, title=title, position=10 + position)
                for konzept in self.konzepte
                for position, title in enumerate(FIELD_TOPICS)
            ],
        )
        ziele = []
        for i in range(self.count(PER_UNIT["ziele"])):
            feld = felder[i % len(felder)]
            konzept = next(k for k in self.konzepte if k.pk == feld.handlungskonzept_id)
            ziel = Ziel(handlungsfeld=feld, title=f"{self.rng.choice(GOAL_TOPICS)} ({i + 1})")
            ziel._konzept = konzept
            ziele.append(self.review(ziel, konzept.quartier_id, day=datetime.date(konzept.start_year, 2, 1)))
        ziele = self.insert(Ziel, ziele)
        self.after_insert(ziele)
        self.insert(
            Indikator,
            [
                Indikator(
                    ziel=ziel,
                    name="Teilnehmende pro Jahr",
                    unit="Personen",
                    baseline=Decimal(baseline),
                    baseline_year=ziel._konzept.start_year - 1,
                    target=Decimal(baseline * 2),
                    actual=Decimal(self.rng.randint(baseline, baseline * 2)),
                )
                for ziel in ziele
                for baseline in [self.rng.randint(20, 200)]
            ],
        )
        befunde_by_konzept = {}
        for befund in befunde:
            befunde_by_konzept.setdefault(befund.handlungskonzept_id, []).append(befund)
        self.link(
            Ziel.befunde,
            [
                (ziel.pk, befund.pk)
                for ziel in ziele
                for befund in self.rng.sample(
                    befunde_by_konzept.get(ziel._konzept.pk, []),
                    min(2, len(befunde_by_konzept.get(ziel._konzept.pk, []))),
                )
            ],
        )
        self.ziele_by_konzept = {}
        for ziel in ziele:
            self.ziele_by_konzept.setdefault(ziel._konzept.pk, []).append(ziel)

    def build_massnahmen(self):
        angebote_by_quartier = {}
        for angebot in self.angebote:
            angebote_by_quartier.setdefault(angebot.quartier_id, []).append(angebot)
        rows = []
        for i in range(self.count(PER_UNIT["massnahmen"])):
            konzept = self.rng.choice(self.konzepte)
            quartier_id = konzept.quartier_id
            start = self.date_between(datetime.date(konzept.start_year, 1, 1), datetime.date(konzept.end_year, 6, 30))
            end = start + datetime.timedelta(days=self.rng.randint(90, 900)) if self.rng.random() < 0.8 else None
            cutoff = HISTORY_END
            if start > cutoff:
                status, progress = Massnahme.Status.PLANNED, 0
            elif end is not None and end < cutoff:
                status = self.rng.choices(
                    (Massnahme.Status.DONE, Massnahme.Status.DROPPED, Massnahme.Status.RUNNING), weights=(80, 10, 10)
                )[0]
                progress = 100 if status == Massnahme.Status.DONE else self.rng.randint(20, 90)
            else:
                status = self.rng.choices((Massnahme.Status.RUNNING, Massnahme.Status.PAUSED), weights=(90, 10))[0]
                progress = self.rng.randint(5, 90)
            owner = self.rng.choice(Massnahme.Owner.values)
            massnahme = Massnahme(
                handlungskonzept=konzept,
                title=f"{self.rng.choice(MEASURE_TOPICS)} {start.year} ({i + 1})",
                description="Fiktive Maßnahme aus dem Handlungskonzept.",
                owner=owner,
                owner_traeger=self.rng.choice(self.traeger) if owner == Massnahme.Owner.TRAEGER else None,
                treffpunkt=self.rng.choice(self.treffpunkte_by_quartier.get(quartier_id, [None])),
                start=start,
                end=end,
                status=status,
                progress=progress,
            )
            massnahme.contact_person = self.qm if owner == Massnahme.Owner.QM else self.gwa[quartier_id]
            rows.append(self.review(massnahme, quartier_id, day=min(start, HISTORY_END)))
        massnahmen = self.insert(Massnahme, rows)
        self.after_insert(massnahmen)
        self.link(
            Massnahme.ziele,
            [
                (m.pk, z.pk)
                for m in massnahmen
                for z in self.rng.sample(
                    self.ziele_by_konzept.get(m.handlungskonzept_id, []),
                    min(self.rng.randint(1, 2), len(self.ziele_by_konzept.get(m.handlungskonzept_id, []))),
                )
            ],
        )
        self.link(
            Massnahme.partners,
            [(m.pk, t.pk) for m in massnahmen for t in self.rng.sample(self.traeger, self.rng.randint(0, 2))],
        )
        self.link(
            Massnahme.angebote,
            [
                (m.pk, a.pk)
                for m in massnahmen
                if self.rng.random() < 0.3
                for a in [self.rng.choice(angebote_by_quartier.get(m.handlungskonzept.quartier_id, self.angebote))]
            ],
        )
        updates = []
        for massnahme in massnahmen:
            last = min(massnahme.end or HISTORY_END, HISTORY_END)
            if massnahme.progress == 0 or last < massnahme.start:
                continue
            steps = self.rng.randint(1, 3)
            days = sorted(self.date_between(massnahme.start, last) for _n in range(steps))
            for number, day in enumerate(days, start=1):
                updates.append(
                    Sachstand(
                        massnahme=massnahme,
                        date=day,
                        text=f"Sachstand {number}: die Maßnahme kommt voran (fiktiv).",
                        progress=massnahme.progress * number // steps,
                        author=massnahme.contact_person,
                    )
                )
        self.insert(Sachstand, updates)

    # The quarters' yearly goals and indicator values for the earlier years

    def build_jahresziele(self):
        rows = []
        for quartier in self.quartiere:
            for year in range(FIRST_YEAR, LAST_YEAR):
                assessment = self.rng.choice(
                    (Jahresziel.Assessment.REACHED, Jahresziel.Assessment.PARTLY, Jahresziel.Assessment.NOT_REACHED)
                )
                jahresziel = Jahresziel(
                    quartier=quartier,
                    year=year,
                    title=f"{self.rng.choice(YEARLY_GOALS)} ({year})",
                    description="Fiktives Jahresziel.",
                    assessment=assessment,
                    assessment_statement="Bewertung im Jahresgespräch (fiktiv).",
                    created_by=self.qm,
                    review_state=ReviewState.APPROVED,
                    submitted_by=self.qm,
                    submitted_ressort=self.qm.ressort,
                    submitted_at=self.moment(datetime.date(year, 1, 20)),
                    approved_by=self.gwa[quartier.pk],
                    approved_at=self.moment(datetime.date(year, 2, 1)),
                )
                jahresziel._reviewer = jahresziel.approved_by
                rows.append(self.stamp(jahresziel))
        self.after_insert(self.insert(Jahresziel, rows))

    def build_kennzahlen(self):
        """The demo's indicator values carried back to 2010, drifting a little from year to year."""
        first_known = Kennzahl.objects.values("quartier", "name").annotate(first=Max("year"))
        rows = []
        for row in first_known:
            latest = Kennzahl.objects.get(quartier=row["quartier"], name=row["name"], year=row["first"])
            known = set(
                Kennzahl.objects.filter(quartier=row["quartier"], name=row["name"]).values_list("year", flat=True)
            )
            value = latest.value
            for year in range(LAST_YEAR, FIRST_YEAR - 1, -1):
                value = (value * Decimal(self.rng.randint(95, 105)) / 100).quantize(Decimal("0.01"))
                if year not in known:
                    rows.append(
                        Kennzahl(
                            quartier_id=row["quartier"],
                            name=row["name"],
                            year=year,
                            value=value,
                            unit=latest.unit,
                            source="Fiktive Demowerte",
                        )
                    )
        self.insert(Kennzahl, rows)

    # History: the audit log and the open authorship of everything generated

    def build_history(self):
        """The review steps of every generated entry in the audit log, as ``services.log`` writes them; dates
        in the past, so the start page's stale list and the histories look like ten years of work."""
        types = {}
        logs, comments, contributors = [], [], {}
        for entry in self.history:
            model = type(entry)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model)
            content_type = types[model]
            author = entry.created_by

            def add(verb, actor, when, data=None, entry=entry, content_type=content_type):
                logs.append(
                    LogEntry(
                        content_type=content_type,
                        object_id=str(entry.pk),
                        object_repr=str(entry)[:300],
                        actor=actor,
                        action=action_code(entry, verb),
                        data=data or {},
                        created_at=when,
                    )
                )

            add("created", author, entry.created_at, {"version": 1})
            if entry.submitted_at is not None:
                add("submitted", author, entry.submitted_at)
            if entry.review_state == ReviewState.APPROVED:
                add("approved", entry.approved_by, entry.approved_at)
            if entry.review_state == ReviewState.RETURNED:
                text = "Bitte die Angaben zu Zeiten und Ort ergänzen."
                add("returned", entry._reviewer, entry.submitted_at + datetime.timedelta(hours=2), {"comment": text})
                comments.append(
                    Comment(
                        content_type=content_type,
                        object_id=entry.pk,
                        author=entry._reviewer,
                        kind=Comment.Kind.RETURN,
                        text=text,
                        created_at=entry.submitted_at + datetime.timedelta(hours=2),
                    )
                )
        for entry in self.contributors:
            contributors.setdefault(type(entry), []).append((entry.pk, entry.created_by_id))
        self.insert(LogEntry, logs)
        self.insert(Comment, comments)
        for model, pairs in contributors.items():
            self.link(model.contributors, pairs)


@contextmanager
def _given_times(model):
    """Keep the ``created_at`` and ``updated_at`` the generator gave reviewed entries (ten years of history)
    instead of the insert time that ``auto_now`` and ``auto_now_add`` would set."""
    if not issubclass(model, ReviewedModel):
        yield
        return
    fields = [model._meta.get_field("created_at"), model._meta.get_field("updated_at")]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
