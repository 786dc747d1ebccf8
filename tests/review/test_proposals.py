"""A proposed change to an approved entry can be withdrawn, and one edited back to the approved values is none."""

import pytest
from django.urls import reverse

from hameln_quartiere.models import LogEntry, ReviewState
from hameln_quartiere.services import ReviewError, discard_proposal, save_entry, submit_for_review
from tests import factories as f
from treffpunkte.forms import AngebotForm
from treffpunkte.models import Angebot


@pytest.fixture
def live_angebot(kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck, approved=True)
    return f.AngebotFactory(quartier=kuckuck, treffpunkt=treffpunkt, title="Sprachcafé", approved=True)


def edit(angebot, user, **changes):
    angebot = Angebot.objects.get(pk=angebot.pk)
    data = {
        "title": angebot.title,
        "quartier": angebot.quartier_id,
        "treffpunkt": angebot.treffpunkt_id,
        "kategorie": angebot.kategorie_id,
        "free_of_charge": "on",
        "loaded_version": angebot.version,
        **changes,
    }
    form = AngebotForm(data, instance=angebot, user=user)
    assert form.is_valid(), form.errors
    return save_entry(form, actor=user)


def test_a_proposal_edited_back_to_the_approved_values_leaves_nothing_to_review(people, live_angebot):
    angebot = edit(live_angebot, people["gwa"], title="Sprachcafé international")
    assert angebot.pending == {**angebot.pending, "title": "Sprachcafé international"}

    angebot = edit(angebot, people["gwa"], title="Sprachcafé")

    assert angebot.pending is None
    assert angebot.review_state == ReviewState.APPROVED


def test_discarding_a_proposal_keeps_the_approved_version_and_records_it(client, people, live_angebot):
    angebot = edit(live_angebot, people["gwa"], title="Sprachcafé international")
    client.force_login(people["gwa"])
    url = reverse("treffpunkte:angebot-discard", args=[angebot.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"version": angebot.version})

    assert response.status_code == 302
    angebot.refresh_from_db()
    assert (angebot.title, angebot.pending, angebot.review_state) == ("Sprachcafé", None, ReviewState.APPROVED)
    assert LogEntry.objects.filter(action="treffpunkte.angebot.discarded", actor=people["gwa"]).exists()


def test_a_submitted_proposal_cannot_be_discarded_and_nothing_changes(client, people, live_angebot):
    angebot = submit_for_review(edit(live_angebot, people["gwa"], title="Neu"), actor=people["gwa"])
    client.force_login(people["gwa"])

    response = client.post(reverse("treffpunkte:angebot-discard", args=[angebot.pk]), {"version": angebot.version})

    assert response.status_code == 403
    angebot.refresh_from_db()
    assert angebot.pending["title"] == "Neu"
    assert angebot.review_state == ReviewState.SUBMITTED


def test_there_is_nothing_to_discard_without_a_proposal(people, live_angebot):
    with pytest.raises(ReviewError, match="keine vorgeschlagene Änderung"):
        discard_proposal(live_angebot, actor=people["gwa"])


def test_someone_outside_the_quarter_cannot_discard_a_proposal(client, people, live_angebot):
    angebot = edit(live_angebot, people["gwa"], title="Neu")
    client.force_login(people["gwa_other"])

    response = client.post(reverse("treffpunkte:angebot-discard", args=[angebot.pk]), {"version": angebot.version})

    assert response.status_code == 404
    assert Angebot.objects.get(pk=angebot.pk).pending is not None
