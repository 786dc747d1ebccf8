"""The public pages, feeds and open data are cached; any change to public content invalidates them all.

Every cached response is stored with the generation of public content it was made in (``PUBLIC``, see
``hameln_quartiere.cache``), which any save or delete of a model the public side reads moves on. Approving an
entry saves it, so the change is public as soon as the page has been computed again (meanwhile, under load,
other visitors get the previous version for the fraction of a second that takes). Saving something unapproved
moves it on too, which costs a cache miss and nothing else. With several server processes, use a shared cache
(REDIS_URL).
"""

import hashlib
from functools import wraps

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from hameln_quartiere.cache import Generation

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

PUBLIC = Generation("public", lambda: [apps.get_model(label) for label in PUBLIC_MODELS])


# How long one request may take to compute a page while the others serve its previous version.
COMPUTING_SECONDS = 30


def store(key, computing, generation, response):
    cache.set(key, (generation, response))
    cache.delete(computing)


def forget(key, computing):
    cache.delete_many([key, computing])


def cached_public(view):
    """Serve a public view from the cache while the content has not changed.

    The key holds the date, the language and the whole path with its query, so each filter combination and each
    language is its own entry; the entry holds the generation of public content it was made in. Only successful
    responses are stored. They carry nothing personal (the public layout never reads the session), so everyone
    shares them.

    After a change, the first request computes the page again; requests arriving meanwhile get the previous
    version instead of computing the same page too (at 50 visitors a second, a page that takes a quarter of a
    second would otherwise be computed a dozen times at once and keep everyone waiting for seconds). If the
    page is gone or fails (a withdrawn offer answers 404), the previous version is forgotten at once.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        # The date is part of the key: pages that show "today" turn over at midnight.
        key = f"public:{timezone.localdate()}:{get_language()}:{path}"
        generation = PUBLIC.current()
        found = cache.get(key)
        computing = f"{key}:{generation}:computing"
        if found is not None:
            made_in, response = found
            if made_in == generation or not cache.add(computing, 1, COMPUTING_SECONDS):
                return response
        try:
            response = view(request, *args, **kwargs)
        except Exception:
            forget(key, computing)
            raise
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render") and callable(response.render):
                response.add_post_render_callback(lambda rendered: store(key, computing, generation, rendered))
            else:
                store(key, computing, generation, response)
        else:
            # Gone, moved or failed (an offer withdrawn answers 404): nobody gets the previous page any more.
            forget(key, computing)
        response.headers.setdefault("Cache-Control", "public, max-age=300")
        return response

    return wrapped
