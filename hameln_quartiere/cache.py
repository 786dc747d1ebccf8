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

import datetime
import hashlib
import logging
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
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

logger = logging.getLogger(__name__)

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
            # A counter lost (a cleared cache, a restarted or full Redis) starts again at the clock, never at a
            # number it had before: an answer stored under an old number is never taken for a new one.
            cache.add(self.key, time.time_ns(), timeout=None)
            generation = cache.get(self.key) or time.time_ns()
        return generation

    def _next(self):
        try:
            cache.incr(self.key)
        except ValueError:
            cache.add(self.key, time.time_ns(), timeout=None)

    def move_on(self, **kwargs):
        """Now, and again once the change is committed: an answer computed in between read the rows before the
        commit and was stored under the intermediate generation, which the second move leaves behind.

        A cache that cannot be reached does not undo the save: it is logged, and what was remembered expires on
        its own (REMEMBER_SECONDS, the cache's timeout for public pages)."""
        try:
            self._next()
        except Exception:
            logger.exception("The cache could not be told of a change (%s)", self.name)
        transaction.on_commit(self._next, robust=True)

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


def move_everything_on(**kwargs):
    """After writes that send no signals (bulk inserts, ``update()`` of many rows, migrations): every cached
    answer is out of date."""
    from verzeichnis.cache import PUBLIC

    for generation in (PUBLIC, DATA):
        generation.move_on()


def connect_signals():
    DATA.connect_signals()
    # Data migrations write through historical models, which send no signals the generations listen to.
    post_migrate.connect(move_everything_on, dispatch_uid="cache-move-on-after-migrate")


SIMPLE_PARTS = (str, int, datetime.date, type(None))


def remember(user, name, compute, *parts):
    """``compute()``, or what it returned before for this person, ``name`` and ``parts``, if no data has changed
    since (``DATA``), it is the same day and the same language. ``compute`` must return something picklable
    that holds nothing of the request (no forms, no querysets)."""
    if not settings.PORTAL_CACHE:
        return compute()
    if not all(isinstance(part, SIMPLE_PARTS) for part in parts):
        # An object's repr may hold its memory address: the answer would never be found again.
        raise TypeError(f"remember() takes strings, numbers, dates and None as parts, not {parts!r}")
    scope = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"data:{DATA.current()}:{timezone.localdate()}:{get_language()}:{user.pk}:{name}:{scope}"
    found = cache.get(key)
    if found is None:
        # In a tuple: an answer of None is remembered too.
        found = (compute(),)
        cache.set(key, found, timeout=REMEMBER_SECONDS)
    return found[0]
