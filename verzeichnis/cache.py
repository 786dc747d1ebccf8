"""The public pages, feeds and open data are cached; any change to public content invalidates them all.

One mechanism: every cached response is stored under the current *content version*, a number in the cache
that any save or delete of a model the public side reads moves on (``connect_signals``). Approving an entry
saves it, so the change is public on the next request. Saving something unapproved moves the version too,
which costs a cache miss and nothing else. With several server processes, use a shared cache (REDIS_URL).
"""

import hashlib
from functools import wraps

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

VERSION_KEY = "public:version"
PUBLIC_MODELS = (
    "quartiere.Quartier",
    "treffpunkte.Traeger",
    "treffpunkte.Kontaktperson",
    "treffpunkte.Treffpunkt",
    "treffpunkte.Angebot",
    "treffpunkte.Schedule",
    "treffpunkte.Cancellation",
    "treffpunkte.Kategorie",
    "treffpunkte.Zielgruppe",
    "treffpunkte.Sprache",
)


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def next_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def invalidate(**kwargs):
    """Move the content version on, so every cached public response is out of date: now, and again once the
    change is committed. A page rendered in between read the rows before the commit and was stored under the
    intermediate version, which the second move leaves behind."""
    next_version()
    transaction.on_commit(next_version)


def connect_signals():
    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        post_save.connect(invalidate, sender=model, dispatch_uid=f"public-cache-save-{label}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"public-cache-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(invalidate, sender=field.remote_field.through, dispatch_uid=f"public-cache-{field}")


def cached_public(view):
    """Serve a public view from the cache while the content has not changed.

    The key holds the content version, the date, the language and the whole path with its query, so each filter
    combination and each language is its own entry. Only successful responses are stored. The responses
    carry nothing personal (the public layout never reads the session), so everyone shares them.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        # The date is part of the key: pages that show "today" turn over at midnight.
        key = f"public:{content_version()}:{timezone.localdate()}:{get_language()}:{path}"
        response = cache.get(key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render") and callable(response.render):
                response.add_post_render_callback(lambda rendered: cache.set(key, rendered))
            else:
                cache.set(key, response)
        response.headers.setdefault("Cache-Control", "public, max-age=300")
        return response

    return wrapped
