"""Loaded by pytest before Django's settings (``-p tests.environment`` in pyproject.toml).

The settings refuse to start without SECRET_KEY when DEBUG is off, and redirect plain HTTP to HTTPS; the
test client speaks plain HTTP to a throwaway key. Variables already set (DATABASE_URL in CI) win.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hameln_quartiere.settings")

# WhiteNoise warns (an error under filterwarnings) when STATIC_ROOT does not exist; the live server of the
# browser tests builds its middleware once per session, before any per-test setting applies.
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="hameln-static-"))

# The browser tests' live server answers in threads; a connection they keep open would stop pytest-django from
# dropping the PostgreSQL test database at the end.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")
