"""Every page of the action concept side needs the same number of queries for 3 and for 30 entries.

Each test measures a page with 3 entries of each kind, adds 27 more (all linked to the first ones, so that the
pages of single entries grow too), measures again and pins the count. A logged-in social worker's request starts
with the session, the user and their quarters.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.handlungskonzepte.conftest import build_chain, client_for

FEW = 3
MANY = 30


def cross_link(rows):
    """Link the first row's entries with everyone's: its finding answered by every goal, and so on."""
    first = rows[0]
    for row in rows[1:]:
        row["ziel"].befunde.add(first["befund"])
        first["ziel"].befunde.add(row["befund"])
        first["massnahme"].ziele.add(row["ziel"])
        row["massnahme"].ziele.add(first["ziel"])
        first["massnahme"].angebote.add(row["angebot"])
        row["massnahme"].angebote.add(first["angebot"])
        f.IndikatorFactory(ziel=first["ziel"])
        f.SachstandFactory(massnahme=first["massnahme"])


def measure(client, url):
    """The queries of one GET of ``url``, after a first GET that fills the caches (content types, templates)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


PAGES = {
    "concept": lambda konzept, row: konzept.get_absolute_url(),
    "finding": lambda konzept, row: row["befund"].get_absolute_url(),
    "goal": lambda konzept, row: row["ziel"].get_absolute_url(),
    "measure": lambda konzept, row: row["massnahme"].get_absolute_url(),
    "chain": lambda konzept, row: reverse("handlungskonzepte:handlungskonzept-chain", args=[konzept.pk]),
    "offer chain": lambda konzept, row: reverse("handlungskonzepte:angebot-chain", args=[row["angebot"].pk]),
    "goal form": lambda konzept, row: reverse("handlungskonzepte:ziel-update", args=[row["ziel"].pk]),
}

# The pinned counts, read by a social worker of the quarter (the goal form by the coordinator, who edits goals).
# Beyond what every entry page reads (session, user, quarters, the entry, its contributors, comments, unread
# notifications): the concept reads its fields, goals, the measures' progress per goal, measures, findings and
# formats; the goal its findings, indicators and measures; the measure its goals with their findings, offers,
# progress updates and the practice examples it comes from or was adopted from (one query); the chain its findings,
# goals, measures and the three kinds of links.
PINNED = {
    "concept": 12,
    "finding": 7,
    "goal": 10,
    "measure": 14,
    "chain": 11,
    "offer chain": 10,
    "goal form": 8,
}


@pytest.mark.parametrize("page", PAGES)
def test_each_page_needs_the_same_queries_for_few_and_many_entries(
    people, konzept, page, django_assert_max_num_queries
):
    person = people["qm"] if page == "goal form" else people["gwa"]
    client = client_for(person)
    rows = build_chain(konzept, FEW)
    cross_link(rows)
    url = PAGES[page](konzept, rows[0])
    few = measure(client, url)

    rows += build_chain(konzept, MANY - FEW, offset=FEW)
    cross_link(rows)
    many = measure(client, url)

    assert len(many) == len(few), "\n".join(["--- few:", *few, "--- many:", *many])
    with django_assert_max_num_queries(PINNED[page]):
        client.get(url)
