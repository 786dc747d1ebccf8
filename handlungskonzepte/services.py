"""Progress updates on measures, the progress roll-up and the traceability chain of an action concept.

``record_progress`` is the one state change here: like the review services it takes a keyword-only actor, runs
in one transaction and writes the audit row with the change. The rest reads: each reader needs a fixed number
of queries however many entries a concept has, so that the pages built on them stay constant.
"""

from dataclasses import dataclass, field
from statistics import fmean

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hameln_quartiere.rules import may
from hameln_quartiere.services import ReviewError, log
from handlungskonzepte.models import Befund, Handlungsfeld, Massnahme, Sachstand, Ziel
from treffpunkte.models import Angebot

# --- Progress updates ----------------------------------------------------------------------------------------


@transaction.atomic
def record_progress(massnahme, *, actor, date, text, progress):
    """Add a dated progress update (Sachstand) to a measure and take the latest update's progress as the measure's.

    Progress updates are recorded directly, without review, at any review state (DESIGN.md): the measure's
    ``progress`` is written alone, so its review ``version`` and any proposed change (``pending``) stay as they
    are, and nobody's open edit form becomes stale. The latest update is the one with the latest date, so a
    late entry of an older update does not turn the measure's progress back.
    """
    massnahme = Massnahme.objects.select_for_update().get(pk=massnahme.pk)
    if not may(actor, "record_progress", massnahme):
        raise ReviewError(_("Only those who may edit this measure record its progress."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("A progress update reports what has happened; it cannot lie in the future.")})
    sachstand = Sachstand(massnahme=massnahme, date=date, text=text, progress=progress, author=actor)
    sachstand.full_clean()
    sachstand.save()
    before = massnahme.progress
    massnahme.progress = massnahme.sachstaende.latest().progress
    # ``updated_at`` too: a measure that gets progress updates is being worked on, not stale.
    massnahme.save(update_fields=["progress", "updated_at"])
    log(
        massnahme,
        "progress",
        actor=actor,
        data={
            "changes": {"progress": [str(before), str(massnahme.progress)]},
            "sachstand": sachstand.pk,
            "date": date.isoformat(),
            "text": text,
        },
    )
    return sachstand


# --- The progress roll-up ------------------------------------------------------------------------------------


def mean(values):
    """The average of ``values``, or ``None`` when there is none (nothing to say yet, which is not 0 %)."""
    values = [value for value in values if value is not None]
    return fmean(values) if values else None


@dataclass
class Rollup:
    """Progress in percent (a float, or ``None`` where nothing counts yet) of a concept, its fields and goals."""

    concept: float | None
    fields: dict = field(default_factory=dict)
    goals: dict = field(default_factory=dict)


def roll_up(field_ids, goal_fields, measure_links):
    """Roll measures' progress up to goals, fields of action and the action concept.

    The weights, level by level, all equal: a goal's progress is the plain average of the progress of the measures
    that serve it; a field's is the plain average of its goals; the concept's the plain average of its fields. So
    each goal weighs the same in its field however many measures it has, and each field the same in the concept
    however many goals it has: a field with one goal is not outweighed by one with ten. A measure serving two
    goals counts in both. Dropped measures do not count; a goal without a counting measure, and a field without
    such a goal, has no progress (``None``) and is left out of the average above it, rather than counted as 0 %.

    ``field_ids``: the concept's fields of action; ``goal_fields``: ``{goal id: field id}``; ``measure_links``:
    ``(goal id, progress)`` for each counting measure of each goal.
    """
    per_goal = {goal_id: [] for goal_id in goal_fields}
    for goal_id, progress in measure_links:
        per_goal.setdefault(goal_id, []).append(progress)
    goals = {goal_id: mean(values) for goal_id, values in per_goal.items() if goal_id in goal_fields}
    per_field = {field_id: [] for field_id in field_ids}
    for goal_id, field_id in goal_fields.items():
        per_field.setdefault(field_id, []).append(goals[goal_id])
    fields = {field_id: mean(values) for field_id, values in per_field.items()}
    return Rollup(concept=mean(fields.values()), fields=fields, goals=goals)


def measure_links(ziel_ids):
    """``(goal id, progress)`` of every measure that serves one of ``ziel_ids`` and is not dropped (one query)."""
    return list(
        Massnahme.ziele.through.objects.filter(ziel_id__in=ziel_ids)
        .exclude(massnahme__status=Massnahme.Status.DROPPED)
        .values_list("ziel_id", "massnahme__progress")
    )


def concept_rollup(konzept, *, felder=None, ziele=None):
    """The roll-up of one action concept (see ``roll_up``); pass its fields and goals when already read."""
    if felder is None:
        felder = list(Handlungsfeld.objects.filter(handlungskonzept=konzept))
    if ziele is None:
        ziele = list(Ziel.objects.filter(handlungsfeld__handlungskonzept=konzept).only("pk", "handlungsfeld_id"))
    goal_fields = {ziel.pk: ziel.handlungsfeld_id for ziel in ziele}
    return roll_up([feld.pk for feld in felder], goal_fields, measure_links(list(goal_fields)))


# --- The traceability chain ----------------------------------------------------------------------------------


def _scoped(queryset, user):
    """What ``user`` may see in the portal; without a logged-in person, what the public sees: approved entries."""
    if user is None or not user.is_authenticated:
        return queryset.approved()
    return queryset.visible_to(user)


@dataclass
class Chain:
    """Finding → goals that answer it → measures for those goals → offers that carry them out, and back.

    Every entry is one object however often it appears, with its neighbours as lists: ``befund.chain_ziele``,
    ``ziel.chain_befunde``, ``ziel.chain_massnahmen``, ``massnahme.chain_ziele``, ``massnahme.chain_angebote``,
    ``angebot.chain_massnahmen``. ``links`` says whether the entries link to their portal pages (not in public).
    """

    konzept: object
    befunde: list
    ziele: list
    massnahmen: list
    angebote: list
    links: bool

    @property
    def goals_without_findings(self):
        return [ziel for ziel in self.ziele if not ziel.chain_befunde]

    @property
    def measures_without_goals(self):
        return [massnahme for massnahme in self.massnahmen if not massnahme.chain_ziele]

    @property
    def measures_without_offers(self):
        return [massnahme for massnahme in self.massnahmen if not massnahme.chain_angebote]

    def __bool__(self):
        return bool(self.befunde or self.ziele or self.massnahmen)


def traceability_chain(konzept, *, user):
    """The chain of ``konzept`` as far as ``user`` may see it (``None`` or anonymous: approved entries only).

    It holds the concept's findings, the goals in its fields of action or answering its findings, the concept's
    measures and those serving these goals, and the offers that carry the measures out. Six queries, whatever
    the number of entries.
    """
    befunde = list(_scoped(Befund.objects.filter(handlungskonzept=konzept), user).select_related("beteiligungsformat"))
    # Two subqueries rather than joins: a goal answering several findings is still one row.
    ziele = list(
        _scoped(Ziel.objects.all(), user)
        .filter(
            Q(handlungsfeld__handlungskonzept=konzept)
            | Q(pk__in=Ziel.befunde.through.objects.filter(befund__handlungskonzept=konzept).values("ziel_id"))
        )
        .select_related("handlungsfeld")
        .order_by("handlungsfeld__position", "handlungsfeld__title", "title", "pk")
    )
    massnahmen = list(
        _scoped(Massnahme.objects.all(), user)
        .filter(
            Q(handlungskonzept=konzept)
            | Q(
                pk__in=Massnahme.ziele.through.objects.filter(ziel_id__in=[ziel.pk for ziel in ziele]).values(
                    "massnahme_id"
                )
            )
        )
        .order_by("start", "title", "pk")
    )
    befund_by_id = {befund.pk: befund for befund in befunde}
    ziel_by_id = {ziel.pk: ziel for ziel in ziele}
    massnahme_by_id = {massnahme.pk: massnahme for massnahme in massnahmen}
    for befund in befunde:
        befund.chain_ziele = []
    for ziel in ziele:
        ziel.chain_befunde, ziel.chain_massnahmen = [], []
    for massnahme in massnahmen:
        massnahme.chain_ziele, massnahme.chain_angebote = [], []

    answers = Ziel.befunde.through.objects.filter(ziel_id__in=ziel_by_id, befund_id__in=befund_by_id)
    for ziel_id, befund_id in answers.values_list("ziel_id", "befund_id"):
        ziel_by_id[ziel_id].chain_befunde.append(befund_by_id[befund_id])
        befund_by_id[befund_id].chain_ziele.append(ziel_by_id[ziel_id])

    serves = Massnahme.ziele.through.objects.filter(ziel_id__in=ziel_by_id, massnahme_id__in=massnahme_by_id)
    for ziel_id, massnahme_id in serves.values_list("ziel_id", "massnahme_id"):
        ziel_by_id[ziel_id].chain_massnahmen.append(massnahme_by_id[massnahme_id])
        massnahme_by_id[massnahme_id].chain_ziele.append(ziel_by_id[ziel_id])

    angebote = {}
    carried_out = (
        Massnahme.angebote.through.objects.filter(
            massnahme_id__in=massnahme_by_id, angebot__in=_scoped(Angebot.objects.all(), user)
        )
        .select_related("angebot__treffpunkt")
        .order_by("angebot__title", "angebot_id")
    )
    for link in carried_out:
        angebot = angebote.setdefault(link.angebot_id, link.angebot)
        if not hasattr(angebot, "chain_massnahmen"):
            angebot.chain_massnahmen = []
        angebot.chain_massnahmen.append(massnahme_by_id[link.massnahme_id])
        massnahme_by_id[link.massnahme_id].chain_angebote.append(angebot)

    for befund in befunde:
        befund.chain_ziele.sort(key=_by_title)
    for ziel in ziele:
        ziel.chain_befunde.sort(key=_by_title)
        ziel.chain_massnahmen.sort(key=_by_title)
    for massnahme in massnahmen:
        massnahme.chain_ziele.sort(key=_by_title)
    for angebot in angebote.values():
        angebot.chain_massnahmen.sort(key=_by_title)
    return Chain(
        konzept=konzept,
        befunde=befunde,
        ziele=ziele,
        massnahmen=massnahmen,
        angebote=list(angebote.values()),
        links=user is not None and user.is_authenticated,
    )


def _by_title(obj):
    return (str(obj).casefold(), obj.pk)
