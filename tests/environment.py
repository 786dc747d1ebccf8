"""Loaded by pytest before Django's settings (``-p tests.environment`` in pyproject.toml).

The settings refuse to start without SECRET_KEY when DEBUG is off, and redirect plain HTTP to HTTPS; the
test client speaks plain HTTP to a throwaway key. Variables already set (DATABASE_URL in CI) win.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hameln_quartiere.settings")
