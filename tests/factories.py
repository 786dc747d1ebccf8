"""factory-boy factories for every model; a test names only what matters to it."""

import datetime

import factory
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from hameln_quartiere.models import Comment, Foerderquelle, Notification, Ressort, Role, Stelle, User
from handlungskonzepte import models as hk
from quartiere.models import Jahresziel, Kennzahl, Quartier
from treffpunkte import models as tp
from zusammenarbeit import models as za


class EntryFactory(DjangoModelFactory):
    """A content entry under the review rule; ``approved=True`` makes it live, as an approval would."""

    class Meta:
        abstract = True

    class Params:
        approved = factory.Trait(
            review_state="approved",
            approved_at=factory.LazyFunction(timezone.now),
            submitted_at=factory.LazyFunction(timezone.now),
        )


class QuartierFactory(DjangoModelFactory):
    class Meta:
        model = Quartier
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@hameln.invalid")
    password = factory.django.Password("geheim-test-passwort")
    role = Role.GWA
    ressort = factory.LazyAttribute(
        lambda u: {"qm": Ressort.STADTENTWICKLUNG, "leitung": Ressort.STADTENTWICKLUNG}.get(
            u.role, "" if u.role in ("admin", "") else Ressort.FAMILIE_SOZIALES
        )
    )

    @factory.post_generation
    def quartiere(self, create, extracted, **kwargs):
        if create and extracted:
            self.quartiere.set(extracted)


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Gruppe {n}")


class FoerderquelleFactory(DjangoModelFactory):
    class Meta:
        model = Foerderquelle
        django_get_or_create = ("name",)

    name = "Modellvorhaben Hameln k.a.n.(n')s."
    kind = Foerderquelle.Kind.MODEL_FUNDING


class StelleFactory(DjangoModelFactory):
    class Meta:
        model = Stelle

    title = "Gemeinwesenarbeit"
    ressort = Ressort.FAMILIE_SOZIALES
    fte = "0.75"
    funding = factory.SubFactory(FoerderquelleFactory)
    start = datetime.date(2019, 1, 1)


class KennzahlFactory(DjangoModelFactory):
    class Meta:
        model = Kennzahl

    quartier = factory.SubFactory(QuartierFactory)
    name = "Einwohnerinnen und Einwohner"
    year = 2019
    value = 4200
    unit = "Personen"


class JahreszielFactory(EntryFactory):
    class Meta:
        model = Jahresziel

    quartier = factory.SubFactory(QuartierFactory)
    year = 2019
    title = factory.Sequence(lambda n: f"Jahresziel {n}")


class KategorieFactory(DjangoModelFactory):
    class Meta:
        model = tp.Kategorie
        django_get_or_create = ("name",)

    name = "Begegnung"


class ZielgruppeFactory(DjangoModelFactory):
    class Meta:
        model = tp.Zielgruppe
        django_get_or_create = ("name",)

    name = "Familien"


class SpracheFactory(DjangoModelFactory):
    class Meta:
        model = tp.Sprache
        django_get_or_create = ("code",)

    code = "de"
    name = "Deutsch"


class TraegerFactory(DjangoModelFactory):
    class Meta:
        model = tp.Traeger

    name = factory.Sequence(lambda n: f"Nachbarschaftsverein {n} e. V.")
    kind = tp.Traeger.Kind.ASSOCIATION


class KontaktpersonFactory(DjangoModelFactory):
    class Meta:
        model = tp.Kontaktperson

    traeger = factory.SubFactory(TraegerFactory)
    name = factory.Faker("name", locale="de_DE")


class TreffpunktFactory(EntryFactory):
    class Meta:
        model = tp.Treffpunkt

    name = factory.Sequence(lambda n: f"Treffpunkt {n}")
    slug = factory.Sequence(lambda n: f"treffpunkt-{n}")
    quartier = factory.SubFactory(QuartierFactory)
    traeger = factory.SubFactory(TraegerFactory)
    status = tp.Treffpunkt.Status.ACTIVE


class AngebotFactory(EntryFactory):
    class Meta:
        model = tp.Angebot

    title = factory.Sequence(lambda n: f"Angebot {n}")
    treffpunkt = factory.SubFactory(TreffpunktFactory)
    quartier = factory.SelfAttribute("treffpunkt.quartier")
    kategorie = factory.SubFactory(KategorieFactory)


class ScheduleFactory(DjangoModelFactory):
    class Meta:
        model = tp.Schedule

    angebot = factory.SubFactory(AngebotFactory)
    kind = tp.Schedule.Kind.WEEKLY
    weekday = tp.Schedule.Weekday.TUESDAY
    start_time = datetime.time(15, 0)
    end_time = datetime.time(17, 0)


class TeilnahmeFactory(DjangoModelFactory):
    class Meta:
        model = tp.Teilnahme

    angebot = factory.SubFactory(AngebotFactory)
    date = factory.Sequence(lambda n: datetime.date(2019, 1, 1) + datetime.timedelta(days=n))
    participants = 12


class HandlungskonzeptFactory(EntryFactory):
    class Meta:
        model = hk.Handlungskonzept

    quartier = factory.SubFactory(QuartierFactory)
    title = factory.LazyAttribute(lambda o: f"Integriertes Handlungskonzept {o.quartier}")
    start_year = factory.Sequence(lambda n: 2000 + n % 90)
    end_year = factory.LazyAttribute(lambda o: o.start_year + 3)


class BeteiligungsformatFactory(DjangoModelFactory):
    class Meta:
        model = hk.Beteiligungsformat

    handlungskonzept = factory.SubFactory(HandlungskonzeptFactory)
    kind = hk.Beteiligungsformat.Kind.SWOT
    title = "Stärken-Schwächen-Analyse"
    date = datetime.date(2018, 5, 14)
    participants = 18


class BefundFactory(EntryFactory):
    class Meta:
        model = hk.Befund

    handlungskonzept = factory.SubFactory(HandlungskonzeptFactory)
    kind = hk.Befund.Kind.NEED
    title = factory.Sequence(lambda n: f"Befund {n}")


class HandlungsfeldFactory(DjangoModelFactory):
    class Meta:
        model = hk.Handlungsfeld

    handlungskonzept = factory.SubFactory(HandlungskonzeptFactory)
    title = factory.Sequence(lambda n: f"Handlungsfeld {n}")


class ZielFactory(EntryFactory):
    class Meta:
        model = hk.Ziel

    handlungsfeld = factory.SubFactory(HandlungsfeldFactory)
    title = factory.Sequence(lambda n: f"Ziel {n}")


class IndikatorFactory(DjangoModelFactory):
    class Meta:
        model = hk.Indikator

    ziel = factory.SubFactory(ZielFactory)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    baseline = 10
    target = 20


class MassnahmeFactory(EntryFactory):
    class Meta:
        model = hk.Massnahme

    handlungskonzept = factory.SubFactory(HandlungskonzeptFactory)
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    owner = hk.Massnahme.Owner.GWA
    start = datetime.date(2019, 1, 1)
    end = datetime.date(2019, 12, 31)


class SachstandFactory(DjangoModelFactory):
    class Meta:
        model = hk.Sachstand

    massnahme = factory.SubFactory(MassnahmeFactory)
    date = datetime.date(2019, 6, 30)
    text = "Läuft wie geplant."
    progress = 50


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment
        exclude = ("entry",)

    entry = factory.SubFactory(AngebotFactory)
    content_type = factory.LazyAttribute(lambda c: ContentType.objects.get_for_model(c.entry))
    object_id = factory.LazyAttribute(lambda c: c.entry.pk)
    author = factory.SubFactory(UserFactory)
    text = "Bitte die Uhrzeit ergänzen."


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Notification.Kind.SUBMITTED
    object_repr = "Sprachcafé"
    url = "/portal/"


class SitzungFactory(EntryFactory):
    class Meta:
        model = za.Sitzung

    kind = za.Sitzung.Kind.EXCHANGE
    # One meeting of a kind a day and quarter: each made on a day of its own, from 14 May 2019 on.
    date = factory.Sequence(lambda n: datetime.date(2019, 5, 14) + datetime.timedelta(days=n))
    place = "Stadtteiltreff Kuckucksnest"
    quartier = factory.SubFactory(QuartierFactory)


class TagesordnungspunktFactory(DjangoModelFactory):
    class Meta:
        model = za.Tagesordnungspunkt

    sitzung = factory.SubFactory(SitzungFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")


class AufgabeFactory(DjangoModelFactory):
    class Meta:
        model = za.Aufgabe

    title = factory.Sequence(lambda n: f"Aufgabe {n}")
    assignee = factory.SubFactory(UserFactory, role=Role.GWA)
    due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class PraxisbeispielFactory(EntryFactory):
    class Meta:
        model = za.Praxisbeispiel

    title = factory.Sequence(lambda n: f"Praxisbeispiel {n}")
    quartier = factory.SubFactory(QuartierFactory)
    context = "Entstanden im Quartier, für alle Nachbarinnen und Nachbarn."


class TransferFactory(DjangoModelFactory):
    class Meta:
        model = za.Transfer

    praxisbeispiel = factory.SubFactory(PraxisbeispielFactory)
    quartier = factory.SubFactory(QuartierFactory)
    driver = factory.SubFactory(UserFactory, role=Role.GWA)
