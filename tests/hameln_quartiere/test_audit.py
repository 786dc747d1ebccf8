"""One append-only audit log: every admin save and delete is recorded with who, what and when."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from hameln_quartiere.models import AuditLogError, LogEntry
from hameln_quartiere.services import log
from tests import factories as f
from treffpunkte.models import Treffpunkt


def history(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).order_by("created_at", "pk")


@pytest.mark.django_db
def test_a_log_row_cannot_be_changed_or_deleted():
    entry = log(f.QuartierFactory(), "created", actor=None)

    entry.action = "quartiere.quartier.approved"
    with pytest.raises(AuditLogError):
        entry.save()
    with pytest.raises(AuditLogError):
        entry.delete()
    with pytest.raises(AuditLogError):
        LogEntry.objects.all().delete()
    with pytest.raises(AuditLogError):
        LogEntry.objects.update(action="x")
    assert LogEntry.objects.get().action == "quartiere.quartier.created"


@pytest.mark.django_db
def test_secrets_never_reach_the_log():
    entry = log(f.QuartierFactory(), "changed", actor=None, data={"password": "geheim", "name": "Kuckuck"})

    assert entry.data == {"password": "***", "name": "Kuckuck"}


def test_an_admin_edit_is_logged_with_the_fields_it_changed(admin_client, superuser):
    treffpunkt = f.TreffpunktFactory(name="Nachbarschaftstreff", status=Treffpunkt.Status.SETTING_UP)
    url = reverse("admin:treffpunkte_treffpunkt_change", args=[treffpunkt.pk])
    data = {
        "name": "Nachbarschaftstreff am Kuckuck",
        "slug": treffpunkt.slug,
        "quartier": treffpunkt.quartier_id,
        "traeger": treffpunkt.traeger_id,
        "status": Treffpunkt.Status.ACTIVE,
        "city": "Hameln",
        "loaded_version": treffpunkt.version,
        "angebote-TOTAL_FORMS": "0",
        "angebote-INITIAL_FORMS": "0",
        "angebote-MIN_NUM_FORMS": "0",
        "angebote-MAX_NUM_FORMS": "1000",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    entry = history(treffpunkt).get()
    assert entry.action == "treffpunkte.treffpunkt.changed"
    assert entry.actor == superuser
    assert entry.data["changes"]["name"] == ["Nachbarschaftstreff", "Nachbarschaftstreff am Kuckuck"]
    assert entry.data["changes"]["status"] == ["Im Aufbau", "Aktiv"]


def test_an_admin_delete_is_logged_and_the_log_outlives_the_entry(admin_client, superuser):
    kategorie = f.KategorieFactory(name="Sprachcafé")
    pk = kategorie.pk
    url = reverse("admin:treffpunkte_kategorie_delete", args=[pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    entry = LogEntry.objects.get(action="treffpunkte.kategorie.deleted")
    assert (entry.object_id, entry.object_repr, entry.actor) == (str(pk), "Sprachcafé", superuser)


def test_the_audit_log_cannot_be_edited_in_the_admin(admin_client):
    entry = log(f.QuartierFactory(), "created", actor=None)

    assert admin_client.get(reverse("admin:hameln_quartiere_logentry_add")).status_code == 403
    assert admin_client.post(reverse("admin:hameln_quartiere_logentry_delete", args=[entry.pk])).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
