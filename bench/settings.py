"""Settings for the benchmark: the app's own settings, as production runs them, plus what a run over plain
HTTP on loopback needs. Only ``bench/run`` uses this module; the production URLconf never sees the ceiling view.
"""

from hameln_quartiere.settings import *  # noqa: F403

# The ceiling view lives in the bench URLconf only.
ROOT_URLCONF = "bench.urls"

# Loopback without TLS: no redirect to https, no HSTS, and cookies the load generator may send back over http.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# One line per request would cost more than some of the pages measured.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
