"""Attachments of meetings: type, content and size checked, nothing stored when refused, downloadable only by
people who may see the meeting, removed with their file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hameln_quartiere.models import LogEntry
from hameln_quartiere.services import delete_entry
from tests import factories as f
from tests.zusammenarbeit.conftest import client_for
from zusammenarbeit.models import Anlage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 60
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_MAX_MB = 1
    return settings.MEDIA_ROOT


@pytest.fixture
def sitzung(kuckuck):
    return f.SitzungFactory(quartier=kuckuck)


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def upload(user, sitzung, name, content, title=""):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    url = reverse("zusammenarbeit:sitzung-anlage-upload", args=[sitzung.pk])
    return client_for(user).post(url, {"anlage-file": file, "anlage-title": title})


def download(client, anlage):
    return client.get(reverse("zusammenarbeit:sitzung-anlage-download", args=[anlage.sitzung_id, anlage.pk]))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("protokoll.exe", PDF, "type"),
        ("protokoll.txt", b"Nur Text", "type"),
        ("protokoll", PDF, "type"),
        ("bild.pdf", PNG, "content"),  # a picture renamed to .pdf
        ("tabelle.xlsx", PDF, "content"),  # a PDF renamed to .xlsx
        ("alt.doc", DOCX, "content"),  # a ZIP office file is no legacy .doc
    ],
)
def test_a_file_of_a_wrong_or_disguised_type_is_refused_and_nothing_is_stored(
    people, sitzung, media_root, name, content, code
):
    response = upload(people["gwa"], sitzung, name, content)

    assert response.status_code == 400
    form = response.context["anlage_form"]
    assert form.has_error("file", code)
    assert "The file was not stored" in response.content.decode() or "nicht gespeichert" in response.content.decode()
    assert not Anlage.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(people, sitzung, media_root):
    big = PDF + b"0" * (1024 * 1024)

    response = upload(people["gwa"], sitzung, "gross.pdf", big)

    assert response.status_code == 400
    assert response.context["anlage_form"].has_error("file", "size")
    assert "1 MB" in response.context["anlage_form"].errors["file"][0]
    assert not Anlage.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(("name", "content"), [("Protokoll Mai.pdf", PDF), ("Einladung.DOCX", DOCX)])
def test_an_allowed_file_is_stored_and_logged_on_the_meeting(people, sitzung, media_root, name, content):
    response = upload(people["gwa"], sitzung, name, content, title="Protokoll")

    anlage = Anlage.objects.get()
    assert response.status_code == 302
    assert response.url == f"{sitzung.get_absolute_url()}#anlagen"
    assert (anlage.sitzung, anlage.uploaded_by, anlage.size, anlage.title) == (
        sitzung,
        people["gwa"],
        len(content),
        "Protokoll",
    )
    (path,) = stored_files(media_root)
    assert path.read_bytes() == content
    assert " " not in path.name
    assert LogEntry.objects.filter(action="zusammenarbeit.sitzung.changed", object_id=str(sitzung.pk)).exists()


@pytest.fixture
def anlage(people, sitzung):
    assert upload(people["gwa"], sitzung, "Protokoll Mai.pdf", PDF).status_code == 302
    return Anlage.objects.get()


def test_an_attachment_is_downloaded_by_those_who_may_see_the_meeting(people, anlage):
    for role in ("gwa", "qm", "familie", "leitung"):
        response = download(client_for(people[role]), anlage)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="Protokoll_Mai.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_an_attachment_is_a_404_for_those_who_may_not_see_the_meeting(people, anlage):
    for role in ("gwa_nord", "gwa_sued"):
        assert download(client_for(people[role]), anlage).status_code == 404, role


def test_an_attachment_is_not_for_anonymous_visitors(client, anlage):
    response = download(client, anlage)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_attachment_is_found_only_under_its_own_meeting(people, anlage, kuckuck):
    other = f.SitzungFactory(quartier=kuckuck)

    url = reverse("zusammenarbeit:sitzung-anlage-download", args=[other.pk, anlage.pk])

    assert client_for(people["gwa"]).get(url).status_code == 404


def test_uploads_are_not_served_from_the_media_folder(people, anlage):
    assert client_for(people["gwa"]).get(f"/media/{anlage.file.name}").status_code == 404


def test_documents_are_attached_also_once_the_minutes_are_approved(people, kuckuck, media_root):
    approved = f.SitzungFactory(quartier=kuckuck, approved=True)

    assert upload(people["qm"], approved, "protokoll.pdf", PDF).status_code == 302
    assert Anlage.objects.filter(sitzung=approved).exists()


def test_readers_and_other_quarters_cannot_attach(people, sitzung, media_root):
    assert upload(people["familie"], sitzung, "protokoll.pdf", PDF).status_code == 403
    assert upload(people["gwa_nord"], sitzung, "protokoll.pdf", PDF).status_code == 404
    assert not Anlage.objects.exists()
    assert stored_files(media_root) == []


def test_removing_an_attachment_asks_first_then_removes_the_file(
    people, anlage, media_root, django_capture_on_commit_callbacks
):
    url = reverse("zusammenarbeit:sitzung-anlage-delete", args=[anlage.sitzung_id, anlage.pk])
    client = client_for(people["qm"])

    assert client.get(url).status_code == 200
    assert Anlage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert not Anlage.objects.exists()
    assert stored_files(media_root) == []


def test_readers_cannot_remove_an_attachment(people, anlage, media_root):
    url = reverse("zusammenarbeit:sitzung-anlage-delete", args=[anlage.sitzung_id, anlage.pk])

    assert client_for(people["familie"]).post(url).status_code == 403
    assert client_for(people["gwa_nord"]).post(url).status_code == 404
    assert Anlage.objects.exists()
    assert len(stored_files(media_root)) == 1


def test_deleting_a_draft_meeting_removes_its_attachments_files(
    people, anlage, media_root, django_capture_on_commit_callbacks
):
    sitzung = anlage.sitzung
    assert len(stored_files(media_root)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        delete_entry(sitzung, actor=people["gwa"])

    assert not Anlage.objects.exists()
    assert stored_files(media_root) == []
