"""A programme year of two quarters, made from plain lists: the tests count from the lists, the report from
the database, and the two must agree. Each list mixes what counts (approved, in 2019) with what must not
(drafts, entries whose change is still under review, other years)."""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from hameln_quartiere.models import Ressort, Role
from handlungskonzepte.models import Befund, Beteiligungsformat, Massnahme
from quartiere.models import Jahresziel
from tests import factories as f
from treffpunkte.models import Traeger, Treffpunkt
from zusammenarbeit.models import Sitzung, Tagesordnungspunkt, TransferSchritt

YEAR = 2019
D = datetime.date


def moment(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@dataclass
class World:
    quartiere: dict
    qm: object
    gwa: object
    leitung: object
    # (quarter, status, opened, closed, approved, operator kind, operator id, object)
    treffpunkte: list = field(default_factory=list)
    angebote: list = field(default_factory=list)  # (quarter, category, groups, approved, runs in YEAR, object)
    teilnahmen: list = field(default_factory=list)  # (quarter, date, participants, counts)
    formate: list = field(default_factory=list)  # (quarter, kind, date, participants, counts)
    befunde: list = field(default_factory=list)  # (quarter, kind, counts)
    # (quarter, status at year end or None (not counted), progress at year end or None (unknown), object)
    massnahmen: list = field(default_factory=list)
    jahresziele: list = field(default_factory=list)  # (quarter, assessment, counts)
    transfers: list = field(default_factory=list)  # (from, into, status at year end or None)
    sitzungen: list = field(default_factory=list)  # (quarter or None, kind, decisions, counts)
    stellen: list = field(default_factory=list)  # (ressort, fte, counts)


@pytest.fixture
def world(db):
    rng = random.Random(2019)  # noqa: S311 - test data
    a = f.QuartierFactory(name="Altstadt", slug="altstadt")
    k = f.QuartierFactory(name="Kuckuck", slug="kuckuck")
    w = World(
        quartiere={"altstadt": a, "kuckuck": k},
        qm=f.UserFactory(username="qm", role=Role.QM_COORDINATOR),
        gwa=f.UserFactory(username="gwa-kuckuck", role=Role.GWA, quartiere=[k]),
        leitung=f.UserFactory(username="leitung", role=Role.LEADERSHIP),
    )

    # Meeting points: (quarter, status, opened, closed, approved, pending change)
    for quartier, status, opened, closed, approved, pending in [
        (a, Treffpunkt.Status.ACTIVE, D(2019, 3, 1), None, True, None),
        (a, Treffpunkt.Status.ACTIVE, D(2015, 1, 1), None, True, {"status": "geschlossen"}),
        (a, Treffpunkt.Status.CLOSED, D(2010, 1, 1), D(2019, 6, 30), True, None),
        (a, Treffpunkt.Status.ACTIVE, D(2019, 2, 1), None, False, None),  # a draft: not counted
        (a, Treffpunkt.Status.PLANNED, None, None, True, None),
        (k, Treffpunkt.Status.DORMANT, D(2018, 4, 1), None, True, None),
        (k, Treffpunkt.Status.ACTIVE, D(2020, 1, 1), None, True, None),  # opened after the year
        (k, Treffpunkt.Status.SETTING_UP, D(2019, 9, 1), None, True, None),
    ]:
        kind = rng.choice([Traeger.Kind.ASSOCIATION, Traeger.Kind.CHURCH])
        traeger = f.TraegerFactory(kind=kind)
        if quartier == k and status == Treffpunkt.Status.SETTING_UP:
            # An operator with meeting points in both quarters: once in the total.
            traeger = w.treffpunkte[0][-1].traeger
            kind = traeger.kind
        treffpunkt = f.TreffpunktFactory(
            quartier=quartier,
            status=status,
            opened_on=opened,
            closed_on=closed,
            approved=approved,
            traeger=traeger,
            pending=pending,
            review_state="submitted" if pending else ("approved" if approved else "draft"),
        )
        w.treffpunkte.append((quartier.slug, status, opened, closed, approved, kind, traeger.pk, treffpunkt))

    # Offers at an approved meeting point of their quarter, with a weekly time valid from/until.
    places = {q.slug: next(t[-1] for t in w.treffpunkte if t[0] == q.slug and t[4]) for q in (a, k)}
    categories = {name: f.KategorieFactory(name=name) for name in ("Begegnung", "Bildung", "Sport")}
    groups = {name: f.ZielgruppeFactory(name=name) for name in ("Familien", "Männer", "Kinder")}
    for quartier, category, group_names, approved, valid_from, valid_until in [
        (a, "Begegnung", ["Familien"], True, None, None),
        (a, "Bildung", ["Familien", "Kinder"], True, D(2019, 5, 1), None),
        (a, "Sport", [], False, None, None),  # a draft
        (k, "Begegnung", ["Männer"], True, None, D(2019, 12, 31)),
        (k, "Sport", ["Männer", "Kinder"], True, D(2018, 1, 1), D(2018, 12, 31)),  # ran in 2018 only
        (k, "Bildung", ["Kinder"], True, D(2019, 10, 1), None),
    ]:
        angebot = f.AngebotFactory(
            quartier=quartier, treffpunkt=places[quartier.slug], kategorie=categories[category], approved=approved
        )
        angebot.zielgruppen.set([groups[name] for name in group_names])
        f.ScheduleFactory(angebot=angebot, valid_from=valid_from, valid_until=valid_until)
        runs = (valid_from is None or valid_from <= D(YEAR, 12, 31)) and (
            valid_until is None or valid_until >= D(YEAR, 1, 1)
        )
        w.angebote.append((quartier.slug, category, group_names, approved, runs, angebot))
    # An approved offer whose change of category waits for review: it counts under its approved category.
    pending_offer = w.angebote[0][-1]
    pending_offer.pending = {"kategorie": categories["Sport"].pk, "title": "Neu"}
    pending_offer.review_state = "submitted"
    pending_offer.save()

    # Attendance: counts of all offers on random days of 2018, 2019 and 2020.
    for slug, _category, _groups, approved, _runs, angebot in w.angebote:
        days = rng.sample(range(0, 3 * 365), 25)
        for day in days:
            date = D(2018, 1, 1) + datetime.timedelta(days=day)
            participants = rng.randint(1, 40)
            f.TeilnahmeFactory(angebot=angebot, date=date, participants=participants)
            w.teilnahmen.append((slug, date, participants, approved and date.year == YEAR))

    # Participation formats of an approved and a draft action concept, and findings from them.
    concepts = {
        ("altstadt", True): f.HandlungskonzeptFactory(quartier=a, approved=True),
        ("kuckuck", True): f.HandlungskonzeptFactory(quartier=k, approved=True),
        ("kuckuck", False): f.HandlungskonzeptFactory(quartier=k),
    }
    for (slug, approved), concept in concepts.items():
        for kind, date, participants in [
            (Beteiligungsformat.Kind.SURVEY, D(2019, 4, 2), 31),
            (Beteiligungsformat.Kind.WORKSHOP, D(2019, 11, 20), 12),
            (Beteiligungsformat.Kind.SWOT, D(2018, 10, 1), 8),
        ]:
            fmt = f.BeteiligungsformatFactory(handlungskonzept=concept, kind=kind, date=date, participants=participants)
            w.formate.append((slug, kind, date, participants, approved and date.year == YEAR))
            for finding_kind, finding_approved in [(Befund.Kind.NEED, True), (Befund.Kind.STRENGTH, False)]:
                f.BefundFactory(
                    handlungskonzept=concept, beteiligungsformat=fmt, kind=finding_kind, approved=finding_approved
                )
                # Only findings of an approved action concept count.
                w.befunde.append((slug, finding_kind, approved and finding_approved and date.year == YEAR))

    # Measures: (quarter, status, start, end, progress, approved, progress updates, status at the end of 2019)
    running = Massnahme.Status.RUNNING
    for slug, status, start, end, progress, approved, updates, then, progress_then in [
        ("altstadt", running, D(2019, 1, 1), None, 50, True, [(D(2019, 6, 1), 30), (D(2020, 2, 1), 50)], running, 30),
        ("altstadt", Massnahme.Status.DONE, D(2018, 1, 1), D(2019, 8, 31), 100, True, [], Massnahme.Status.DONE, 100),
        ("altstadt", Massnahme.Status.DONE, D(2019, 1, 1), D(2020, 3, 1), 100, True, [], running, 100),
        ("kuckuck", Massnahme.Status.PLANNED, D(2019, 11, 1), None, 0, True, [], Massnahme.Status.PLANNED, 0),
        ("kuckuck", Massnahme.Status.PAUSED, D(2017, 1, 1), None, 20, True, [(D(2019, 12, 31), 25)], "pausiert", 25),
        ("kuckuck", running, D(2019, 1, 1), None, 40, False, [], None, None),  # a draft
        # Progress reported only after the year: unknown at its end, not today's value.
        ("kuckuck", running, D(2018, 1, 1), None, 70, True, [(D(2020, 6, 1), 70)], running, None),
        # Completed, with no end date: its recorded status is all there is.
        ("altstadt", Massnahme.Status.DONE, D(2018, 3, 1), None, 100, True, [], Massnahme.Status.DONE, 100),
        ("kuckuck", running, D(2016, 1, 1), D(2018, 12, 31), 90, True, [], None, None),  # over before 2019
    ]:
        concept = concepts[slug, True] if approved else concepts["kuckuck", False]
        massnahme = f.MassnahmeFactory(
            handlungskonzept=concept, status=status, start=start, end=end, progress=progress, approved=approved
        )
        for date, value in updates:
            f.SachstandFactory(massnahme=massnahme, date=date, progress=value)
        w.massnahmen.append((slug, then, progress_then, massnahme))

    # Yearly goals.
    for slug, year, assessment, approved in [
        ("altstadt", 2019, Jahresziel.Assessment.REACHED, True),
        ("altstadt", 2019, Jahresziel.Assessment.PARTLY, True),
        ("kuckuck", 2019, Jahresziel.Assessment.NOT_REACHED, True),
        ("kuckuck", 2019, Jahresziel.Assessment.OPEN, False),  # a draft
        ("kuckuck", 2018, Jahresziel.Assessment.REACHED, True),  # another year
    ]:
        f.JahreszielFactory(
            quartier=w.quartiere[slug],
            year=year,
            assessment=assessment,
            assessment_statement="" if assessment == "open" else "Begründet.",
            approved=approved,
        )
        w.jahresziele.append((slug, assessment, approved and year == YEAR))

    # Transfers with their steps: the status at the end of 2019 counts.
    practice_k = f.PraxisbeispielFactory(quartier=k, approved=True)
    practice_a = f.PraxisbeispielFactory(quartier=a, approved=True)
    practice_draft = f.PraxisbeispielFactory(quartier=k)
    for practice, into, steps, then in [
        (
            practice_k,
            a,
            [(D(2019, 2, 1), "idee"), (D(2019, 9, 1), "uebernommen"), (D(2020, 5, 1), "angepasst")],
            "uebernommen",
        ),
        (practice_a, k, [(D(2018, 2, 1), "idee"), (D(2019, 3, 1), "verworfen")], "verworfen"),
        (practice_draft, a, [(D(2019, 2, 1), "idee")], None),  # the practice is a draft
        (f.PraxisbeispielFactory(quartier=a, approved=True), k, [(D(2018, 5, 1), "idee")], None),  # not in 2019
    ]:
        transfer = f.TransferFactory(praxisbeispiel=practice, quartier=into, status=steps[-1][1], driver=w.gwa)
        for day, status in steps:
            TransferSchritt.objects.create(transfer=transfer, status=status, at=moment(day))
        w.transfers.append((practice.quartier.slug, into.slug, then))

    # Meetings with decided items; drafts and other years do not count.
    for quartier, kind, date, approved, decisions in [
        (k, Sitzung.Kind.EXCHANGE, D(2019, 5, 14), True, 2),
        (a, Sitzung.Kind.PROJECT_TEAM, D(2019, 6, 3), True, 1),
        (None, Sitzung.Kind.STEERING, D(2019, 3, 12), True, 3),
        (k, Sitzung.Kind.EXCHANGE, D(2019, 9, 10), False, 1),  # minutes not approved
        (a, Sitzung.Kind.PROJECT_TEAM, D(2018, 6, 3), True, 1),  # another year
    ]:
        sitzung = f.SitzungFactory(quartier=quartier, kind=kind, date=date, approved=approved)
        for _ in range(decisions):
            f.TagesordnungspunktFactory(sitzung=sitzung, status=Tagesordnungspunkt.Status.DECIDED, decision="Ja.")
        f.TagesordnungspunktFactory(sitzung=sitzung, status=Tagesordnungspunkt.Status.OPEN)
        w.sitzungen.append((quartier.slug if quartier else None, kind, decisions, approved and date.year == YEAR))

    # Staff positions.
    model, plan = f.FoerderquelleFactory(name="Modellförderung"), f.FoerderquelleFactory(name="Stellenplan")
    for ressort, fte, funding, start, end in [
        (Ressort.STADTENTWICKLUNG, Decimal("1.00"), plan, D(2017, 3, 1), None),
        (Ressort.FAMILIE_SOZIALES, Decimal("0.75"), model, D(2019, 1, 1), D(2019, 12, 31)),
        (Ressort.FAMILIE_SOZIALES, Decimal("0.75"), model, D(2019, 1, 1), D(2019, 12, 31)),
        (Ressort.FAMILIE_SOZIALES, Decimal("0.50"), model, D(2020, 1, 1), None),  # later
    ]:
        stelle = f.StelleFactory(ressort=ressort, fte=fte, funding=funding, start=start, end=end)
        stelle.quartiere.set([a, k])
        w.stellen.append((ressort, fte, start.year <= YEAR and (end is None or end.year >= YEAR)))

    for slug, year, value in [("altstadt", 2018, 5100), ("altstadt", 2019, 5240), ("kuckuck", 2019, 4505)]:
        f.KennzahlFactory(quartier=w.quartiere[slug], name="Einwohner", year=year, value=value, unit="Personen")
    return w
