"""Security headers (ASVS 14.4) on public, portal and admin responses, and the deploy check of Django."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from hameln_quartiere.models import Role
from hameln_quartiere.security import build_policy, tile_origin
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pages(client, db, superuser):
    """A public page, a portal page and an admin page, each fetched over HTTPS as its audience would."""
    f.QuartierFactory(name="Kuckuck", slug="kuckuck")
    responses = {"public": client.get("/de/", secure=True)}
    client.force_login(f.UserFactory(role=Role.QM_COORDINATOR))
    responses["portal"] = client.get(reverse("portal"), secure=True)
    client.force_login(superuser)
    responses["admin"] = client.get(reverse("admin:index"), secure=True)
    assert {kind: response.status_code for kind, response in responses.items()} == dict.fromkeys(responses, 200)
    return responses


def directives(response):
    return {
        part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split(";") if part.strip()
    }


@pytest.mark.parametrize("kind", ["public", "portal", "admin"])
def test_every_kind_of_page_has_a_content_security_policy_without_inline_scripts(pages, kind):
    policy = directives(pages[kind])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in pages[kind]["Content-Security-Policy"]
    assert "'unsafe-eval'" not in pages[kind]["Content-Security-Policy"]


@pytest.mark.parametrize("kind", ["public", "portal", "admin"])
def test_every_kind_of_page_has_the_other_security_headers(pages, kind):
    response = pages[kind]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert len(response["X-Request-ID"]) == 32


def test_public_pages_stay_shared_and_staff_pages_private(pages):
    assert pages["public"]["Cache-Control"] == "public, max-age=300"
    assert "Cookie" not in pages["public"].get("Vary", "")
    assert "private" in pages["portal"]["Cache-Control"]
    assert "private" in pages["admin"]["Cache-Control"]


def test_the_session_and_csrf_cookies_are_secure_httponly_and_same_site(client, db, settings):
    f.UserFactory(username="anna")
    response = client.post(reverse("login"), {"username": "anna", "password": "geheim-test-passwort"}, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    csrf = client.get(reverse("login"), secure=True).cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies.get(
        settings.CSRF_COOKIE_NAME
    )
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"


def test_a_configured_tile_server_may_serve_the_map_images_and_nothing_else():
    policy = build_policy(
        {"img-src": ["'self'"], "script-src": ["'self'"]}, "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    )
    assert policy == "img-src 'self' https://*.tile.example.org; script-src 'self'"
    assert tile_origin("") is None
    assert tile_origin("javascript:alert(1)") is None


def test_the_deploy_check_is_clean_with_production_settings():
    # Without the test run's own variables (the browser tests allow async-unsafe calls, for one).
    test_only = {"DATABASE_URL", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="quartiere.hameln.de")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
