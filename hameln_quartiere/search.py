"""Search across every entry a person may see: the content entries under the review rule, and the operators.

On PostgreSQL the text is matched with full-text search in the German configuration (so "Treffpunkte" finds
"Treffpunkt") and ranked; every word is also matched as a part of a word, as the lists' search box does, so
"Sprach" still finds "Sprachcafé". On SQLite only the part-of-a-word match runs. The fields searched are the
lists' own ``search_fields``, so a "more results" link to the list shows the same kind of matches. They must be
single-valued (no many-to-many or reverse relations), or an entry would appear once per related row.

Each kind of entry costs one query, however many entries there are; scoping is ``visible_to(user)``, the same as
every portal page, so nothing outside the person's quarters appears.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from hameln_quartiere.views import PortalMixin
from handlungskonzepte.filters import BefundFilter, HandlungskonzeptFilter, MassnahmeFilter, ZielFilter
from quartiere.filters import JahreszielFilter
from treffpunkte.filters import AngebotFilter, TreffpunktFilter
from treffpunkte.models import Traeger
from zusammenarbeit.models import Sitzung
from zusammenarbeit.praxis import PraxisbeispielFilter

# How many hits of each kind the page shows; the list page behind "more" has the rest.
RESULTS_PER_TYPE = 10
# Longer input is cut: nobody types more, and the database should not parse pages of text.
MAX_QUERY_LENGTH = 200
# Control characters (NUL among them, which PostgreSQL refuses in any text) separate words like a space does.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Source:
    """One kind of entry to search: its model, the fields searched, and what a hit shows."""

    model: type
    fields: tuple
    title_field: str = "title"
    snippet_field: str = "description"

    @property
    def opts(self):
        return self.model._meta

    @property
    def quartier_lookup(self):
        return getattr(self.model, "quartier_lookup", None)

    def queryset(self, user):
        if self.quartier_lookup is None:
            # Operators belong to no quarter; everyone with a portal role sees them.
            return self.model.objects.all()
        return (
            self.model.objects.visible_to(user)
            .select_related(self.quartier_lookup)
            .defer(f"{self.quartier_lookup}__boundary")
        )

    def entry_url(self, entry):
        if hasattr(entry, "get_absolute_url"):
            return entry.get_absolute_url()
        return reverse(f"{self.opts.app_label}:{self.opts.model_name}-detail", args=[entry.pk])

    def list_url(self, text):
        url = reverse(f"{self.opts.app_label}:{self.opts.model_name}-list")
        return f"{url}?{urlencode({'q': text})}"

    def quartier(self, entry):
        if self.quartier_lookup is None:
            return None
        obj = entry
        for name in self.quartier_lookup.split("__"):
            obj = getattr(obj, name)
        return obj


def sources():
    """What the search looks through, in the order the results page shows it."""
    return [
        Source(TreffpunktFilter.Meta.model, TreffpunktFilter.search_fields, title_field="name"),
        Source(AngebotFilter.Meta.model, AngebotFilter.search_fields),
        Source(Traeger, ("name", "description", "street"), title_field="name"),
        Source(HandlungskonzeptFilter.Meta.model, HandlungskonzeptFilter.search_fields, snippet_field="summary"),
        Source(BefundFilter.Meta.model, BefundFilter.search_fields),
        Source(ZielFilter.Meta.model, ZielFilter.search_fields),
        Source(MassnahmeFilter.Meta.model, MassnahmeFilter.search_fields),
        Source(JahreszielFilter.Meta.model, JahreszielFilter.search_fields),
        # Meetings by their own fields: through the agenda items a meeting would be found once per item.
        Source(Sitzung, ("title", "place", "guests"), snippet_field="guests"),
        Source(PraxisbeispielFilter.Meta.model, PraxisbeispielFilter.search_fields, snippet_field="context"),
    ]


def words_match(fields, text):
    """Every word occurs (as part of a word, any case) in one of ``fields``: the lists' search box."""
    query = Q()
    for word in text.split():
        query &= Q.create([(f"{field}__icontains", word) for field in fields], connector=Q.OR)
    return query


def matching(queryset, fields, text, *, title_field):
    """The entries of ``queryset`` matching ``text``, best first."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(words_match(fields, text)).order_by(title_field, "pk")
    vector = SearchVector(*fields, config="german")
    query = SearchQuery(text, config="german", search_type="websearch")
    return (
        queryset.alias(document=vector)
        .annotate(rank=SearchRank(vector, query))
        .filter(Q(document=query) | words_match(fields, text))
        .order_by("-rank", title_field, "pk")
    )


@dataclass
class Hit:
    entry: object
    title: str
    url: str
    quartier: object
    snippet: str


@dataclass
class Group:
    source: Source
    hits: list
    has_more: bool
    more_url: str

    @property
    def opts(self):
        return self.source.opts


def search(text, user):
    """The entries ``user`` may see that match ``text``, grouped by kind; kinds without hits are left out."""
    groups = []
    for source in sources():
        rows = list(
            matching(source.queryset(user), source.fields, text, title_field=source.title_field)[: RESULTS_PER_TYPE + 1]
        )
        if not rows:
            continue
        hits = [
            Hit(
                entry=entry,
                title=str(entry),
                url=source.entry_url(entry),
                quartier=source.quartier(entry),
                snippet=getattr(entry, source.snippet_field, ""),
            )
            for entry in rows[:RESULTS_PER_TYPE]
        ]
        has_more = len(rows) > RESULTS_PER_TYPE
        groups.append(Group(source, hits, has_more, source.list_url(text) if has_more else None))
    return groups


class SearchView(PortalMixin, TemplateView):
    """``portal/suche/?q=…``: the search results page; without a query, a hint what can be searched."""

    template_name = "portal/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        text = " ".join(CONTROL_CHARACTERS.sub(" ", self.request.GET.get("q", "")).split())[:MAX_QUERY_LENGTH]
        groups = search(text, self.request.user) if text else []
        context.update(
            q=text,
            groups=groups,
            hit_count=sum(len(group.hits) for group in groups),
            searched=[source.opts.verbose_name_plural for source in sources()],
            per_type=RESULTS_PER_TYPE,
        )
        return context
