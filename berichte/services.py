"""Finalising a yearly report: the document as it is now becomes the next version, recorded in the audit log."""

from django.db import IntegrityError, transaction

from hameln_quartiere.services import log

from . import report
from .models import Jahresbericht

ATTEMPTS = 3


def finalise(year, quartier, *, by, note=""):
    """Store the report of ``year`` for ``quartier`` (``None``: the whole programme) as its next version.

    Two people finalising at the same moment get two versions, one after the other: the unique version number
    refuses the second insert, which then takes the next number.
    """
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                latest = Jahresbericht.objects.of_scope(year, quartier).values_list("version", flat=True).first()
                version = Jahresbericht(
                    year=year,
                    quartier=quartier,
                    version=(latest or 0) + 1,
                    document=report.build(year, quartier),
                    note=note.strip(),
                    finalised_by=by,
                )
                version.save()
                log(version, "finalised", actor=by, data={"year": year, "version": version.version})
                return version
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
