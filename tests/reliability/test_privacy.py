"""GDPR: the admin exports a person's data (Art. 15) and erases it (Art. 17); the audit log keeps the facts."""

import datetime
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from hameln_quartiere.models import AuditLogError, Comment, LogEntry, Notification, User
from hameln_quartiere.privacy import erase_person, erased_label
from hameln_quartiere.services import add_comment, log
from handlungskonzepte.models import Massnahme
from tests import factories as f
from treffpunkte.models import Angebot, Kontaktperson
from zusammenarbeit.models import KalenderZugang, Sitzung

# What an erased person is called (in the site language, "Gelöschte Person").
ERASED = erased_label()


def rows_mentioning(*words):
    """Every (table, column, id) whose text (or JSON) contains one of ``words``, in every table there is."""
    words = [word.lower() for word in words if word]
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values("pk", *(field.name for field in fields)):
            for field in fields:
                text = json.dumps(row[field.name], ensure_ascii=False).lower()
                found.extend((model._meta.label_lower, field.name, row["pk"]) for word in words if word in text)
    return found


@pytest.fixture
def demo(db):
    call_command("seed_demo", force=True, stdout=None)


@pytest.fixture
def jonas(demo):
    """The social worker of Kuckuck, with traces everywhere: a comment, a task, a measure, an admin's edit."""
    jonas = User.objects.get(username="gwa-kuckuck")
    jonas.email = "jonas.musterer@hameln.invalid"
    jonas.save()
    admin = User.objects.get(username="admin")
    log(jonas, "changed", actor=admin, data={"changes": {"email": ["", "jonas.musterer@hameln.invalid"]}})
    massnahme = Massnahme.objects.order_by("pk").first()
    Massnahme.objects.filter(pk=massnahme.pk).update(contact_person=jonas)
    add_comment(massnahme, actor=User.objects.get(username="qm"), text="Jonas Musterer übernimmt das, bitte anrufen.")
    add_comment(massnahme, actor=jonas, text="Mache ich bis Freitag.")
    f.AufgabeFactory(assignee=jonas, title="Einladung verschicken", due=datetime.date(2019, 6, 1))
    KalenderZugang.objects.create(user=jonas)
    Sitzung.objects.filter(pk=Sitzung.objects.order_by("pk").first().pk).update(guests="Gast: Jonas Musterer (GWA)")
    return jonas


def post_action(client, model, action, pks, **extra):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.post(url, {"action": action, "_selected_action": pks, **extra})


def test_admin_exports_everything_that_refers_to_a_staff_member(admin_client, jonas):
    response = post_action(admin_client, User, "export_personal_data", [jonas.pk])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["email"] == "jonas.musterer@hameln.invalid"
    assert data["person"]["quarters"] == ["Kuckuck"]
    rows = data["referring_rows"]
    assert "Mache ich bis Freitag." in [row["fields"]["text"] for row in rows["hameln_quartiere.comment.author"]]
    assert rows["hameln_quartiere.logentry.actor"]  # what they did
    assert rows["handlungskonzepte.massnahme.contact_person"]
    assert "Einladung verschicken" in [row["fields"]["title"] for row in rows["zusammenarbeit.aufgabe.assignee"]]
    assert rows["hameln_quartiere.notification.recipient"]
    assert rows["zusammenarbeit.kalenderzugang.user"][0]["fields"]["token"] == "***"  # a secret stays out
    assert "password" not in json.dumps(data["person"])
    assert any(row["fields"]["action"] == "hameln_quartiere.user.changed" for row in data["history_of_the_person"])


def test_erasing_a_staff_member_leaves_no_trace_of_them_but_keeps_the_facts(admin_client, jonas):
    words = ("Jonas Musterer", "gwa-kuckuck", "jonas.musterer@hameln.invalid")
    assert len(rows_mentioning(*words)) > 5
    log_ids = set(LogEntry.objects.values_list("pk", flat=True))
    comment_count = Comment.objects.filter(author=jonas).count()

    confirm = post_action(admin_client, User, "erase_personal_data", [jonas.pk])
    assert confirm.status_code == 200 and b'name="confirm"' in confirm.content
    assert rows_mentioning(*words)  # nothing erased before confirming
    response = post_action(admin_client, User, "erase_personal_data", [jonas.pk], confirm="yes")

    assert response.status_code == 302
    assert rows_mentioning(*words) == []
    jonas.refresh_from_db()
    assert (jonas.is_active, jonas.has_usable_password(), jonas.email, str(jonas)) == (
        False,
        False,
        "",
        ERASED,
    )
    assert not jonas.quartiere.exists() and not KalenderZugang.objects.filter(user=jonas).exists()
    assert not Notification.objects.filter(recipient=jonas).exists()
    # Every reference stays, now to the erased person; every log entry stays, and the erasure is one more.
    assert Comment.objects.filter(author=jonas).count() == comment_count
    assert Massnahme.objects.filter(contact_person=jonas).exists()
    assert log_ids < set(LogEntry.objects.values_list("pk", flat=True))
    erased = LogEntry.objects.get(action="privacy.erased")
    assert (erased.object_id, erased.object_repr) == (str(jonas.pk), ERASED)
    assert erased.actor.username == "stadtadmin"
    assert LogEntry.objects.filter(actor=jonas).count() > 0


def test_erasing_an_operator_contact(admin_client, demo):
    erika = Kontaktperson.objects.get(name="Erika Musterfrau")
    Kontaktperson.objects.filter(pk=erika.pk).update(email="erika@verein.invalid", phone="05151 123456")
    angebot = Angebot.objects.order_by("pk").first()
    Angebot.objects.filter(pk=angebot.pk).update(contact="Erika Musterfrau, Tel. 05151 123456")
    log(erika, "changed", actor=None, data={"changes": {"phone": ["", "05151 123456"]}})

    exported = json.loads(post_action(admin_client, Kontaktperson, "export_personal_data", [erika.pk]).content)
    assert exported["person"]["phone"] == "05151 123456"
    assert exported["history_of_the_person"]

    erase_person(erika, actor=User.objects.get(username="admin"))

    remaining = rows_mentioning("Erika Musterfrau", "erika@verein.invalid", "05151 123456")
    assert remaining == [], [
        (r, LogEntry.objects.filter(pk=r[2]).values("data", "object_repr").first()) for r in remaining
    ]
    erika.refresh_from_db()
    assert (erika.name, erika.email, erika.phone, erika.is_public) == (ERASED, "", "", False)
    angebot.refresh_from_db()
    assert angebot.contact == f"{ERASED}, Tel. {ERASED}"


def test_the_audit_log_stays_append_only_after_an_erasure(jonas):
    erase_person(jonas, actor=None)
    entry = LogEntry.objects.filter(actor=jonas).first()

    entry.object_repr = "changed"
    with pytest.raises(AuditLogError):
        entry.save()
    with pytest.raises(AuditLogError):
        LogEntry.objects.filter(pk=entry.pk).update(object_repr="x")
    with pytest.raises(AuditLogError):
        entry.delete()
