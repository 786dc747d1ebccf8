"""Two app servers on one PostgreSQL and one Redis keep no state of their own.

Two gunicorn processes serve the same test database with ``REDIS_URL`` set: a login made through one is valid
on the other (sessions in the shared cache and the database), and a public page cached through one, and the
reviewer's remembered queue there, are fresh once a reviewer approved a change through the other (the
generations of hameln_quartiere/cache.py live in Redis).
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hameln_quartiere.models import Ressort, ReviewState, Role
from tests import factories as f
from tests.reliability.conftest import key_prefix, redis_url

PASSWORD = "Zwei-Server-Test-2019!"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: one cookie jar for every server it talks to (as behind one load balancer)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def request(self, base, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf_token(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def post_form(self, base, path, data):
        _status, page = self.request(base, path)
        return self.request(base, path, {**data, "csrfmiddlewaretoken": self.csrf_token(page)})


def database_url():
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def shared_redis(postgresql_only):
    url = redis_url()
    if url is None:
        pytest.skip("needs Redis at 127.0.0.1:6379 or REDIS_TEST_URL (CI runs one)")
    prefix = key_prefix()
    yield url, prefix
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def two_servers(shared_redis, tmp_path):
    url, prefix = shared_redis
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": url,
        "CACHE_KEY_PREFIX": prefix,
        # Plain HTTP on loopback, static files without collectstatic.
        "DEBUG": "true",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    servers, processes = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = open(tmp_path / f"server-{name}.log", "wb")  # noqa: SIM115 - closed with the process
            command = [sys.executable, "-m", "gunicorn", "hameln_quartiere.wsgi", "--bind", f"127.0.0.1:{port}"]
            command += ["--workers", "1", "--threads", "2", "--timeout", "60"]
            processes.append((subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log), log))
            servers.append(f"http://127.0.0.1:{port}")
        for base in servers:
            wait_until_healthy(base, tmp_path)
        yield servers
    finally:
        for process, log in processes:
            process.terminate()
            process.wait(timeout=30)
            log.close()


def wait_until_healthy(base, tmp_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.3)
    logs = "\n".join(path.read_text(errors="replace")[-3000:] for path in tmp_path.glob("server-*.log"))
    pytest.fail(f"{base} did not become healthy:\n{logs}")


def login(browser, base, user):
    status, _page = browser.post_form(base, reverse("login"), {"username": user.username, "password": PASSWORD})
    assert status == 302, "logged in"


def person(**kwargs):
    user = f.UserFactory(**kwargs)
    # The servers run the production hashers, not the tests' fast one.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    return user


def test_a_login_made_on_one_server_is_valid_on_the_other(two_servers, shared_redis):
    server_a, server_b = two_servers
    gwa = person(role=Role.GWA)
    browser = Browser()

    login(browser, server_a, gwa)
    status, page = browser.request(server_b, reverse("portal"))

    assert status == 200
    assert gwa.username in page or gwa.get_full_name() in page
    url, prefix = shared_redis
    assert any(b"django.contrib.sessions" in key for key in redis.Redis.from_url(url).scan_iter(f"{prefix}:*"))


def test_a_page_cached_on_one_server_is_fresh_there_after_an_approval_on_the_other(two_servers, shared_redis):
    server_a, server_b = two_servers
    kuckuck = f.QuartierFactory(name="Kuckuck", slug="kuckuck")
    gwa = person(role=Role.GWA, quartiere=[kuckuck])
    qm = person(role=Role.QM_COORDINATOR)
    treffpunkt = f.TreffpunktFactory(quartier=kuckuck, approved=True, description="Offener Treff am Nachmittag.")
    # The social worker proposed a new description and submitted it: the approved one stays live until approved.
    treffpunkt.pending = {"description": "Jetzt auch samstags geöffnet."}
    treffpunkt.review_state = ReviewState.SUBMITTED
    treffpunkt.submitted_by, treffpunkt.submitted_at = gwa, timezone.now()
    treffpunkt.submitted_ressort = Ressort.FAMILIE_SOZIALES
    treffpunkt.save()
    public_page = reverse("verzeichnis:treffpunkt", kwargs={"slug": treffpunkt.slug})
    anonymous = Browser()

    status, page = anonymous.request(server_b, public_page)
    assert status == 200 and "Offener Treff am Nachmittag." in page
    # The reviewer's queue, remembered on server B too (hameln_quartiere/cache.py).
    reviewer = Browser()
    login(reviewer, server_a, qm)
    status, queue = reviewer.request(server_b, reverse("review-queue"))
    assert status == 200 and treffpunkt.name in queue
    url, prefix = shared_redis
    keys = list(redis.Redis.from_url(url).scan_iter(f"{prefix}:*"))
    assert any(b":public:" in key for key in keys), "the public page is cached in Redis"
    assert any(b":data:" in key for key in keys), "the queue is remembered in Redis"

    review_url = reverse("treffpunkte:treffpunkt-review", args=[treffpunkt.pk])
    status, _page = reviewer.post_form(server_a, review_url, {"decision": "approve", "version": treffpunkt.version})
    assert status == 302, "approved"

    status, page = anonymous.request(server_b, public_page)
    assert status == 200
    assert "Jetzt auch samstags geöffnet." in page
    assert "Offener Treff am Nachmittag." not in page
    status, queue = reviewer.request(server_b, reverse("review-queue"))
    assert status == 200 and treffpunkt.name not in queue
