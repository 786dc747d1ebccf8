"""The staff positions of one year: full-time equivalents per Ressort and funding source, who holds them, which
quarters they cover (DESIGN.md: Stelle, Förderung)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Min, Q
from django.utils import timezone
from django.views.generic import TemplateView

from hameln_quartiere.models import Ressort, Stelle
from hameln_quartiere.views import PortalMixin
from quartiere.forms import YearForm


@dataclass
class Group:
    """Positions that share something (a Ressort, a funding source, or both), with their sums."""

    stellen: list = field(default_factory=list)

    @property
    def fte(self):
        return sum((stelle.fte for stelle in self.stellen), Decimal(0))

    @property
    def holders(self):
        return len({stelle.holder_id for stelle in self.stellen if stelle.holder_id is not None})

    @property
    def quartiere(self):
        """The quarters the positions cover together, by name."""
        covered = {quartier.pk: quartier for stelle in self.stellen for quartier in stelle.quartiere.all()}
        return sorted(covered.values(), key=lambda quartier: quartier.name)


@dataclass
class FundingGroup(Group):
    funding: object = None


@dataclass
class RessortGroup(Group):
    ressort: str = ""
    label: str = ""
    by_funding: list = field(default_factory=list)


def active_in(year):
    """Positions that run for at least part of ``year``: started by its end, not ended before its start."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Q(start__lte=last) & (Q(end__isnull=True) | Q(end__gte=first))


def positions_of(year):
    """The positions of ``year`` per Ressort and, within it, per funding source; and the sums per funding source.

    Returns ``(ressorts, fundings, total)``: two lists of groups and a group of all positions.
    """
    stellen = sorted(
        Stelle.objects.filter(active_in(year))
        .select_related("holder", "funding")
        .prefetch_related("quartiere")
        .order_by("funding__name", "title", "pk"),
        # The Ressorts in the order of their choices (the coordinating one first), a stable sort keeps the rest.
        key=lambda stelle: Ressort.values.index(stelle.ressort),
    )
    ressorts = {}
    fundings = {}
    for stelle in stellen:
        ressort = ressorts.setdefault(
            stelle.ressort, RessortGroup(ressort=stelle.ressort, label=Ressort(stelle.ressort).label)
        )
        ressort.stellen.append(stelle)
        if not ressort.by_funding or ressort.by_funding[-1].funding.pk != stelle.funding_id:
            ressort.by_funding.append(FundingGroup(funding=stelle.funding))
        ressort.by_funding[-1].stellen.append(stelle)
        fundings.setdefault(stelle.funding_id, FundingGroup(funding=stelle.funding)).stellen.append(stelle)
    return (
        list(ressorts.values()),
        sorted(fundings.values(), key=lambda group: group.funding.name),
        Group(stellen=stellen),
    )


class StellenView(PortalMixin, TemplateView):
    """The staff positions of a year (``?jahr=2019``, the current year by default), for everyone with a role:
    per Ressort and funding source their full-time equivalents, holders and the quarters they cover, with the
    sums per Ressort, per funding source and in all. A position running for part of the year counts with its
    full share; its period is shown beside it.

    Five queries whatever the number of positions: the years there are, the positions with holder and funding
    source, their quarters, and the session and person every portal page reads.
    """

    template_name = "portal/stellen.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        this_year = timezone.localdate().year
        span = Stelle.objects.aggregate(first=Min("start"), last_start=Max("start"), last_end=Max("end"))
        first_year = span["first"].year if span["first"] else this_year
        last_year = max([this_year, *(span[key].year for key in ("last_start", "last_end") if span[key])])
        form = YearForm(self.request.GET, years=range(first_year, last_year + 1), default=this_year)
        ressorts, fundings, total = positions_of(form.year)
        # The matrix at a glance: a row per Ressort, a column per funding source, FTE in the cells.
        matrix = [
            (
                ressort,
                [sum((s.fte for s in ressort.stellen if s.funding_id == f.funding.pk), Decimal(0)) for f in fundings],
            )
            for ressort in ressorts
        ]
        context.update(form=form, year=form.year, ressorts=ressorts, fundings=fundings, total=total, matrix=matrix)
        return context
