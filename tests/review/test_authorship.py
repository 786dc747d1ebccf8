"""Whose entry is it: everyone who wrote the version under review is its author, not only who submitted it."""

import pytest
from django.urls import reverse

from hameln_quartiere.models import ReviewState, Role
from hameln_quartiere.rules import may
from hameln_quartiere.services import ReviewError, approve, proposal_diff, save_entry, submit_for_review
from tests import factories as f
from treffpunkte.forms import AngebotForm
from treffpunkte.models import Angebot


def edit(angebot, user, **changes):
    data = {
        "title": angebot.title,
        "quartier": angebot.quartier_id,
        "treffpunkt": angebot.treffpunkt_id,
        "kategorie": angebot.kategorie_id,
        "zielgruppen": [zielgruppe.pk for zielgruppe in angebot.zielgruppen.all()],
        "free_of_charge": "on",
        "loaded_version": angebot.version,
        **changes,
    }
    form = AngebotForm(data, instance=Angebot.objects.get(pk=angebot.pk), user=user)
    assert form.is_valid(), form.errors
    return save_entry(form, actor=user)


@pytest.fixture
def live_angebot(kuckuck):
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck, approved=True)
    return f.AngebotFactory(quartier=kuckuck, treffpunkt=treffpunkt, title="Sprachcafé", approved=True)


def test_a_change_written_by_gwa_and_submitted_by_qm_is_not_approved_by_its_writer(people, live_angebot):
    angebot = edit(live_angebot, people["gwa"], title="Sprachcafé international")
    angebot = submit_for_review(angebot, actor=people["qm"])

    assert not may(people["gwa"], "review", angebot)
    with pytest.raises(ReviewError, match="Niemand prüft den eigenen Eintrag"):
        approve(angebot, actor=people["gwa"])
    assert Angebot.objects.get(pk=angebot.pk).title == "Sprachcafé"


def test_a_change_submitted_by_qm_goes_to_a_social_worker_who_did_not_write_it(people, kuckuck, live_angebot):
    colleague = f.UserFactory(role=Role.GWA, quartiere=[kuckuck])
    angebot = edit(live_angebot, people["gwa"], title="Sprachcafé international")
    angebot = submit_for_review(angebot, actor=people["qm"])

    assert list(Angebot.objects.awaiting_review_by(people["gwa"])) == []
    assert list(Angebot.objects.awaiting_review_by(colleague)) == [angebot]
    approve(angebot, actor=colleague)
    assert Angebot.objects.get(pk=angebot.pk).title == "Sprachcafé international"


def test_the_authors_of_a_version_start_afresh_after_its_approval(people, live_angebot):
    angebot = edit(live_angebot, people["qm"], title="Sprachcafé international")
    angebot = approve(submit_for_review(angebot, actor=people["qm"]), actor=people["gwa"])

    assert list(angebot.contributors.all()) == []
    angebot = edit(angebot, people["gwa"], title="Sprachcafé am Kuckuck")
    angebot = submit_for_review(angebot, actor=people["gwa"])
    assert may(people["qm"], "review", Angebot.objects.get(pk=angebot.pk))


def test_an_entry_submitted_by_an_admin_belongs_to_the_ressort_of_its_writers(people, live_angebot):
    angebot = edit(live_angebot, people["gwa"], title="Sprachcafé international")
    angebot = submit_for_review(angebot, actor=people["admin"])

    assert angebot.submitted_ressort == people["gwa"].ressort
    colleague = f.UserFactory(role=Role.GWA, quartiere=[angebot.quartier])
    assert not may(colleague, "review", Angebot.objects.get(pk=angebot.pk))
    assert may(people["qm"], "review", Angebot.objects.get(pk=angebot.pk))


def test_an_admin_cannot_override_on_a_change_they_wrote(people, live_angebot):
    angebot = edit(live_angebot, people["admin"], title="Sprachcafé international")
    angebot = submit_for_review(angebot, actor=people["gwa"])

    with pytest.raises(ReviewError):
        approve(angebot, actor=people["admin"], override_reason="Eilt.")


def test_a_proposal_naming_a_deleted_target_group_is_refused_on_approval_and_changes_nothing(people, live_angebot):
    zielgruppe = f.ZielgruppeFactory(name="Neuzugewanderte")
    angebot = edit(live_angebot, people["gwa"], zielgruppen=[zielgruppe.pk])
    angebot = submit_for_review(angebot, actor=people["gwa"])
    zielgruppe.delete()

    with pytest.raises(ReviewError, match="gelöscht"):
        approve(angebot, actor=people["qm"])
    angebot.refresh_from_db()
    assert angebot.review_state == ReviewState.SUBMITTED
    assert angebot.pending is not None


def test_a_proposal_naming_a_deleted_meeting_point_still_shows_and_is_refused_on_approval(
    client, people, kuckuck, live_angebot
):
    elsewhere = f.TreffpunktFactory(quartier=kuckuck)
    angebot = edit(live_angebot, people["gwa"], treffpunkt=elsewhere.pk)
    angebot = submit_for_review(angebot, actor=people["gwa"])
    elsewhere.delete()

    assert "(gelöscht)" in [row.new for row in proposal_diff(Angebot.objects.get(pk=angebot.pk))]
    client.force_login(people["qm"])
    assert client.get(reverse("treffpunkte:angebot-review", args=[angebot.pk])).status_code == 200
    with pytest.raises(ReviewError):
        approve(angebot, actor=people["qm"])


@pytest.mark.parametrize("person", ["qm", "gwa", "familie", "leitung"])
def test_the_django_admin_is_for_city_admins_only_even_with_the_staff_flag(client, people, person):
    user = people[person]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)

    response = client.get(reverse("admin:treffpunkte_angebot_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response.url
