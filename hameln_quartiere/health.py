"""``/healthz``: whether this app server can reach its database and its shared cache, for the load balancer.

Open to anyone (a load balancer has no login), it says nothing but "ok" or "unreachable": no versions, no
error texts. It is never cached, reads no session (so it sets no cookie) and has no language prefix.
"""

import logging

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
UNREACHABLE = "unreachable"
NOT_CONFIGURED = "not configured"


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Whatever the driver raises (refused, timed out, authentication): the server cannot serve pages.
        logger.exception("Health check: the database is unreachable")
        return UNREACHABLE
    return OK


def cache_status():
    """A process-local cache needs no check; a shared one (Redis) must answer a write and a read."""
    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        return NOT_CONFIGURED
    try:
        cache.set("healthz", OK, timeout=10)
        if cache.get("healthz") != OK:
            return UNREACHABLE
    except Exception:
        logger.exception("Health check: the cache is unreachable")
        return UNREACHABLE
    return OK


@never_cache
@require_safe
def healthz(request):
    """Anyone (the load balancer): 200 when the database and a configured shared cache answer, else 503."""
    status = {"database": database_status(), "cache": cache_status()}
    healthy = UNREACHABLE not in status.values()
    return JsonResponse(status, status=200 if healthy else 503)
