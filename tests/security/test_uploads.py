"""Uploaded files (ASVS 12.4, 12.5): kept outside anything the web server serves, and handed out only by the
permission-checked download view, as a download that a browser neither sniffs nor runs."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.views.static import serve

from hameln_quartiere.models import Role
from tests import factories as f
from zusammenarbeit.models import Anlage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def anlage(db, media_root):
    kuckuck = f.QuartierFactory(name="Kuckuck", slug="kuckuck")
    gwa = f.UserFactory(role=Role.GWA, quartiere=[kuckuck])
    anlage = Anlage.objects.create(
        sitzung=f.SitzungFactory(quartier=kuckuck),
        file=ContentFile(PDF, name='Protokoll "Mai"<b>.pdf'),
        uploaded_by=gwa,
        size=len(PDF),
    )
    anlage.gwa = gwa
    return anlage


def every_pattern(patterns):
    for entry in patterns:
        if isinstance(entry, URLPattern):
            yield entry
        else:
            yield from every_pattern(entry.url_patterns)


def test_no_url_serves_the_media_folder():
    assert django_settings.MEDIA_URL in ("", "/")  # unset: nothing links to files directly
    assert not [pattern for pattern in every_pattern(get_resolver().url_patterns) if pattern.callback is serve]
    assert getattr(django_settings, "WHITENOISE_ROOT", None) is None


def test_the_media_folder_is_outside_what_whitenoise_serves():
    media = Path(django_settings.MEDIA_ROOT).resolve()
    for served in [django_settings.STATIC_ROOT, *django_settings.STATICFILES_DIRS]:
        served = Path(served).resolve()
        assert not media.is_relative_to(served), served
        assert not served.is_relative_to(media), served


def test_a_stored_file_is_not_reachable_by_its_path(anlage, media_root):
    stored = Path(anlage.file.path)
    assert stored.read_bytes() == PDF
    assert stored.is_relative_to(media_root)
    client = Client()
    client.force_login(anlage.gwa)
    relative = stored.relative_to(media_root).as_posix()
    for url in (f"/media/{relative}", f"/static/{relative}", f"/{relative}", f"/de/{relative}"):
        assert client.get(url).status_code == 404, url


def test_the_download_is_an_attachment_that_is_neither_sniffed_nor_run(anlage):
    client = Client()
    client.force_login(anlage.gwa)
    response = client.get(reverse("zusammenarbeit:sitzung-anlage-download", args=[anlage.sitzung_id, anlage.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "<b>" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "private" in response["Cache-Control"]


def test_the_download_is_for_no_one_outside_the_meeting(anlage):
    url = reverse("zusammenarbeit:sitzung-anlage-download", args=[anlage.sitzung_id, anlage.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    stranger = Client()
    stranger.force_login(f.UserFactory(role=Role.GWA, quartiere=[f.QuartierFactory(name="Nordstadt")]))
    assert stranger.get(url).status_code == 404
