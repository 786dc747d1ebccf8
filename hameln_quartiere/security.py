"""Middleware for the security rules every response follows (BSI APP.3.1, OWASP ASVS level 2); the request
id is in ``hameln_quartiere.request_id``.

- ``SecurityHeadersMiddleware``: the Content Security Policy (the strictest one on downloads) and
  Permissions-Policy, which Django 5.2 does not set itself (it sets HSTS, X-Frame-Options, Referrer-Policy and
  nosniff from the settings), and ``Cache-Control: private`` on pages that read the session, so no shared
  cache keeps a person's page.
- ``SessionTimeoutMiddleware``: a login ends after ``SESSION_IDLE_TIMEOUT`` seconds without a request and
  ``SESSION_MAX_AGE`` seconds after it began, however active.
"""

import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import get_user
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger(__name__)


def tile_origin(url):
    """The origin a map tile URL template loads from (``{s}`` subdomains become a wildcard), or ``None``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def build_policy(directives, tile_url=""):
    """The header value of a Content Security Policy from ``{directive: [sources]}``; the map tile server, if
    one is configured, is added to the image sources."""
    directives = {name: list(sources) for name, sources in directives.items()}
    origin = tile_origin(tile_url) if tile_url else None
    if origin:
        directives.setdefault("img-src", ["'self'"]).append(origin)
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (a view may set its own stricter
    policy, e.g. for a download), and ``Cache-Control: private`` on responses that read the session.

    Public pages never read the session, so they stay cacheable by anyone (``verzeichnis.cache``)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy(settings.CONTENT_SECURITY_POLICY, settings.MAP_TILE_URL)
        self.permissions = ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Disposition", "").startswith("attachment"):
            # A download (an attachment, an export) is never a page: should a browser show it anyway, it may
            # run nothing and load nothing.
            response.headers.setdefault("Content-Security-Policy", "default-src 'none'; sandbox")
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and "public" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True)
        return response


LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
# Moving the idle timer on costs a session write; once a minute is precise enough.
SEEN_RESOLUTION = 60


@receiver(user_logged_in, dispatch_uid="session-timeout-login")
def _start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


def session_expired(session, now):
    """Whether a login session is over: idle too long, or older than the maximum. A session from before these
    rules (no clock yet) starts its clock now."""
    if LOGIN_AT not in session:
        session[LOGIN_AT] = session[SEEN_AT] = now
    login_at, seen_at = session[LOGIN_AT], session.get(SEEN_AT, now)
    return now - seen_at > settings.SESSION_IDLE_TIMEOUT or now - login_at > settings.SESSION_MAX_AGE


class SessionTimeoutMiddleware:
    """Ends a login after inactivity and after a maximum age (ASVS 3.3). After ``AuthenticationMiddleware``.

    The check runs when something asks for ``request.user``, not on every request: a public page never does,
    so it neither reads the session nor gets ``Vary: Cookie``. A request that did use the login moves the idle
    timer on, and the session is saved with a new expiry (``SESSION_COOKIE_AGE`` is the idle timeout), so the
    session store forgets an idle session by itself too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleLazyObject(lambda: self.checked_user(request))
        response = self.get_response(request)
        user = request.user
        evaluated = not isinstance(user, SimpleLazyObject) or user._wrapped is not empty
        if evaluated and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(SEEN_AT, 0) >= SEEN_RESOLUTION:
                request.session[SEEN_AT] = now
        return response

    def checked_user(self, request):
        user = get_user(request)
        if user.is_authenticated and session_expired(request.session, int(time.time())):
            logger.info("Session of %s ended after inactivity or at its maximum age.", user.get_username())
            request.user = user  # logout() reads it (the lazy object being set up would ask again)
            auth.logout(request)
            return AnonymousUser()
        return user
