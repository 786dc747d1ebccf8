"""Cached answers that stay right: each is stored under a *generation*, a number in the cache that any save or
delete of the models it was computed from moves on. Nothing is ever invalidated by hand: a change makes every
answer computed before it unreachable, and they expire on their own.

Two generations:

* ``PUBLIC``: the public pages, feeds and open data (``verzeichnis.cache``), moved on by the models they show;
  after a change, visitors get the previous page while one request computes the new one.
* ``DATA``: the per-person answers of the portal and the admin (start page, review queue, lists, the
  attendance week; ``remember`` and ``{% remembered %}``), moved on by any model of the project's apps and of
  auth. Every change in the portal writes the audit log, so even a service that writes with ``update()``
  moves it on.

A generation lives in the cache, so it is as shared as the cache is: with several server processes the cache
must be shared (``REDIS_URL``), else one process would go on serving what another has changed. That is why
``remember`` is on only with a shared cache, or with the development server's single process
(``settings.PORTAL_CACHE``); the public pages were always cached and say so in the README.
"""

import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

# The apps whose models make up the programme's data, and auth, whose groups and permissions decide what an
# admin's pages show: a save of any of their models moves ``DATA`` on.
DATA_APPS = (
    "hameln_quartiere",
    "quartiere",
    "treffpunkte",
    "handlungskonzepte",
    "zusammenarbeit",
    "berichte",
    "auth",
)

# How long a remembered portal answer lives at most (a change makes it unreachable sooner).
REMEMBER_SECONDS = 600


class Generation:
    """A number in the cache that the saves and deletes of ``models`` (labels) move on."""

    def __init__(self, name, models):
        self.key = f"{name}:generation"
        self.name = name
        self.models = models

    def current(self):
        generation = cache.get(self.key)
        if generation is None:
            cache.add(self.key, 1, timeout=None)
            generation = cache.get(self.key, 1)
        return generation

    def _next(self):
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, 2, timeout=None)

    def move_on(self, **kwargs):
        """Now, and again once the change is committed: an answer computed in between read the rows before the
        commit and was stored under the intermediate generation, which the second move leaves behind."""
        self._next()
        transaction.on_commit(self._next)

    def connect_signals(self):
        for model in self.models():
            label = model._meta.label
            post_save.connect(self.move_on, sender=model, dispatch_uid=f"{self.name}-save-{label}")
            post_delete.connect(self.move_on, sender=model, dispatch_uid=f"{self.name}-delete-{label}")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(self.move_on, sender=through, dispatch_uid=f"{self.name}-m2m-{field}")


def _data_models():
    return [model for label in DATA_APPS for model in apps.get_app_config(label).get_models()]


DATA = Generation("data", _data_models)


def move_everything_on():
    """After writes that send no signals (bulk inserts of the demo data): every cached answer is out of date."""
    from verzeichnis.cache import PUBLIC

    for generation in (PUBLIC, DATA):
        generation.move_on()


def remember(user, name, compute, *parts):
    """``compute()``, or what it returned before for this person, ``name`` and ``parts``, if no data has changed
    since (``DATA``), it is the same day and the same language. ``compute`` must return something picklable
    that holds nothing of the request (no forms, no querysets)."""
    if not settings.PORTAL_CACHE:
        return compute()
    scope = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"data:{DATA.current()}:{timezone.localdate()}:{get_language()}:{user.pk}:{name}:{scope}"
    found = cache.get(key)
    if found is None:
        # In a tuple: an answer of None is remembered too.
        found = (compute(),)
        cache.set(key, found, timeout=REMEMBER_SECONDS)
    return found[0]
