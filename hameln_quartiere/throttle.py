"""Login throttling against password guessing (ASVS 2.2.1): after repeated failed logins an account, and
separately an address, is locked for a while; every failure and every lockout is logged.

Why our own and not django-axes: an account and an address need different limits (the city's offices reach
the internet through few addresses, so a handful of typos there must not lock out everyone, while one account
gets few tries), axes has one limit for all; and the counts live in the cache (Redis when several servers
run, see ``REDIS_URL``), so there are no extra tables of user names and addresses to back up, export or erase.
The cost: with the in-memory cache of a single server, each worker process counts on its own.

The check is an authentication backend placed first: refusing there (``PermissionDenied``) stops Django's
``authenticate()`` before any password is tested, for the portal's login and the admin's alike.
"""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def client_address(request):
    """The address a request comes from. Behind ``TRUSTED_PROXY_COUNT`` reverse proxies it is the entry of
    ``X-Forwarded-For`` that the outermost of them added: entries further left are the client's own word."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count and _is_address(forwarded[-count]):
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def _is_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _keys(username, address):
    """Cache keys per account and per address; the user name hashed, so keys are short and name no one."""
    account = hashlib.sha256((username or "").casefold().encode()).hexdigest()
    keys = {"account": (f"login-fail:account:{account}", settings.LOGIN_FAILURE_LIMIT)}
    if address:  # a login without a request (a script, the test client) has none
        keys["address"] = (f"login-fail:address:{address}", settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    return keys


def locked(username, address):
    """Which of account and address are locked now (empty when neither)."""
    keys = _keys(username, address)
    found = cache.get_many([f"{key}:locked" for key, _limit in keys.values()])
    return [kind for kind, (key, _limit) in keys.items() if f"{key}:locked" in found]


def record_failure(username, address):
    """Count a failed login; at the limit, lock for ``LOGIN_LOCKOUT_MINUTES``. Failures are counted within a
    window of that length from the first one."""
    window = settings.LOGIN_LOCKOUT_MINUTES * 60
    for kind, (key, limit) in _keys(username, address).items():
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            failures = 1
        if failures >= limit:
            cache.set(f"{key}:locked", True, timeout=window)
            cache.delete(key)
            logger.warning(
                "Login locked for %s minutes: %s failures for %s (account %r, address %s).",
                settings.LOGIN_LOCKOUT_MINUTES,
                failures,
                kind,
                username,
                address,
            )


class LoginThrottleBackend:
    """Refuses every login attempt while the account or the address is locked; first in
    ``AUTHENTICATION_BACKENDS``. Authenticates no one itself."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        address = client_address(request) if request is not None else ""
        kinds = locked(username, address)
        if kinds:
            if request is not None:
                request.login_locked = True
            logger.warning("Login refused, %s locked (account %r, address %s).", " and ".join(kinds), username, address)
            raise PermissionDenied
        return None  # no ``get_user`` either: it never holds a session (and the test client's force_login skips it)


@receiver(user_login_failed, dispatch_uid="login-throttle-failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is not None and getattr(request, "login_locked", False):
        return  # refused unchecked: no password was tried
    username = credentials.get("username", "")
    address = client_address(request) if request is not None else ""
    logger.info("Failed login (account %r, address %s).", username, address)
    record_failure(username, address)


@receiver(user_logged_in, dispatch_uid="login-throttle-success")
def _forget_account_failures(sender, request, user, **kwargs):
    """A successful login is logged and clears the account's count, not the address's: a guesser with one
    account of their own must not reset the count of the address they guess from."""
    address = client_address(request) if request is not None else ""
    logger.info("Login (account %r, address %s).", user.get_username(), address)
    key, _limit = _keys(user.get_username(), "")["account"]
    cache.delete(key)


class ThrottledLoginMixin:
    """Says so when a login was refused because of too many failures, instead of "wrong password"."""

    def get_invalid_login_error(self):
        if getattr(self.request, "login_locked", False):
            return ValidationError(
                _("Too many failed logins. For your protection, logging in is paused for %(minutes)s minutes."),
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        return super().get_invalid_login_error()


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The portal's login form."""


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login form."""
