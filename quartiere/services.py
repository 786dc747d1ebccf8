"""The yearly cycle of a quarter's goals: at year end each goal is assessed; what is unfinished goes on next year."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hameln_quartiere.models import ReviewState
from hameln_quartiere.rules import may
from hameln_quartiere.services import ReviewError, log
from quartiere.models import Jahresziel

# Past this year a goal cannot be carried over (the model's year range).
LAST_YEAR = 2100

UNFINISHED_ASSESSMENTS = frozenset({Jahresziel.Assessment.PARTLY, Jahresziel.Assessment.NOT_REACHED})


class CarryOverError(ReviewError):
    """The goal cannot be carried over as it is (finished, or next year has a goal of that title already)."""

    status = 409


def is_unfinished(jahresziel, *, today=None):
    """Whether the goal's work goes on: assessed as partly or not reached, or still not assessed after its year.

    Reads the row, that is the approved assessment once there is one: a proposed assessment counts when approved.
    """
    year = (today or timezone.localdate()).year
    return jahresziel.assessment in UNFINISHED_ASSESSMENTS or (
        jahresziel.assessment == Jahresziel.Assessment.OPEN and jahresziel.year < year
    )


def may_carry_over(user, jahresziel):
    """Whoever may add a yearly goal in the goal's quarter carries it over; a goal goes on once only."""
    return may(user, "add", jahresziel)


def successor_of(jahresziel):
    """Next year's goal this one was carried over to, or ``None``."""
    return Jahresziel.objects.filter(carried_over_from=jahresziel).first()


@transaction.atomic
def carry_over(jahresziel, *, actor):
    """Carry an unfinished goal over to next year: a new draft in the same quarter with the same title and
    description, linked back through ``carried_over_from``. Returns ``(next year's goal, created)``.

    A goal is carried over once. A second click, or two at the same time, finds the goal the first one created
    and returns it with ``created=False``: the source row is locked while we look, and the one-to-one link is
    unique in the database, so a race that slips past the lock still cannot create a second one.
    """
    source = Jahresziel.objects.select_for_update().get(pk=jahresziel.pk)
    if not may_carry_over(actor, source):
        raise ReviewError(_("Only those who may add a yearly goal in this quarter carry a goal over."))
    existing = successor_of(source)
    if existing is not None:
        return existing, False
    if not is_unfinished(source):
        raise CarryOverError(
            _(
                "Only an unfinished goal is carried over: one assessed as partly or not reached, or one still "
                "not assessed after its year."
            )
        )
    year = source.year + 1
    if year > LAST_YEAR:
        raise CarryOverError(_("The year must lie between 1990 and 2100."))
    if Jahresziel.objects.filter(quartier_id=source.quartier_id, year=year, title=source.title).exists():
        raise CarryOverError(_title_taken(year))
    successor = Jahresziel(
        quartier_id=source.quartier_id,
        year=year,
        title=source.title,
        description=source.description,
        carried_over_from=source,
        created_by=actor,
        review_state=ReviewState.DRAFT,
    )
    try:
        with transaction.atomic():
            successor.save()
    except IntegrityError:
        # Someone carried it over (or took the title) between our check and our insert.
        existing = successor_of(source)
        if existing is not None:
            return existing, False
        raise CarryOverError(_title_taken(year)) from None
    successor.contributors.add(actor)
    log(
        successor,
        "created",
        actor=actor,
        data={
            "changes": {
                "quartier": ["", str(source.quartier)],
                "year": ["", str(year)],
                "title": ["", successor.title],
                "description": ["", successor.description],
                "carried_over_from": ["", str(source)],
            },
            "version": successor.version,
            "carried_over_from": source.pk,
        },
    )
    return successor, True


def _title_taken(year):
    return _(
        "The quarter already has a yearly goal with this title for %(year)s. Link that goal to this one in its "
        "form instead."
    ) % {"year": year}
