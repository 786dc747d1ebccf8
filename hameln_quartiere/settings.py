"""Settings of Hameln Quartiere, read from the environment.

Unset variables give a first run on one machine: DEBUG off, the embedded SQLite file ``db.sqlite3``.
``make run`` sets DEBUG=true; production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README).
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from hameln_quartiere.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

# Required when DEBUG is off, but only where it is used: the web server refuses to start without it
# (wsgi.py), Django refuses to sign anything with an empty key, and `check --deploy` reports it. Commands
# that need no key (makemigrations, migrate) still run, so tooling works without production secrets.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - used with DEBUG on only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "hameln_quartiere",
    "quartiere",
    "treffpunkte",
    "handlungskonzepte",
    "verzeichnis",
    "zusammenarbeit",
    "berichte",
]

MIDDLEWARE = [
    # First, so every response and log line carries the request id (hameln_quartiere/request_id.py).
    "hameln_quartiere.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hameln_quartiere.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hameln_quartiere.security.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hameln_quartiere.urls"
WSGI_APPLICATION = "hameln_quartiere.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hameln_quartiere.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("DATABASE_URL", BASE_DIR / "db.sqlite3", conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
}
# The public pages, feeds and open data are cached (see verzeichnis/cache.py). In memory by default; with
# several server processes set REDIS_URL, so that an approval reaches every process at once.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several installations (or test runs) can share one Redis with a prefix each.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX"),
            # A Redis that is gone must fail a request (and /healthz) within seconds, not hang it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 300}
    )
}
# With a shared cache, sessions are read from it and written through to the database ("cached_db"): every app
# server sees a login at once, and a restarted or full Redis (it evicts keys) logs nobody out. Without Redis
# they stay in the database only: a per-process cache would not be shared between processes.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The portal remembers its costly per-person answers (start page, review queue, the attendance week) until any
# data changes (hameln_quartiere/cache.py). Only where every process sees the same cache: with Redis, or with the
# development server's single process. Several processes on in-memory caches would serve each other's old data.
PORTAL_CACHE = env_bool("PORTAL_CACHE", bool(REDIS_URL) or DEBUG)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "hameln_quartiere.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every login attempt while the account or address is locked (hameln_quartiere/throttle.py).
    "hameln_quartiere.throttle.LoginThrottleBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters; no composition rules, but no common or all-digit passwords.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal"
LOGOUT_REDIRECT_URL = "verzeichnis:start"

LANGUAGE_CODE = "de"
# German first; the public pages and the portal also speak these languages (Arabic right to left).
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
    ("ro", _("Romanian")),
    ("bg", _("Bulgarian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads on the local disk by default; on S3-compatible object storage (django-storages) when a bucket is named,
# so that several app servers share them. Either way they are only served through the permission-checked view.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
DEFAULT_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "location": env_str("AWS_LOCATION"),
            # Private objects; an upload never replaces another one with the same name.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The portal's maps draw tiles from this server (a URL template with {z}/{x}/{y}). Empty by default: then no
# page loads anything from another host, and the maps show the meeting points without a background map.
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")
# Attachments of meetings: PDF and office documents up to this size (in megabytes).
ATTACHMENT_MAX_MB = env_int("ATTACHMENT_MAX_MB", 10)
# After how many days without a change an entry counts as stale on the start page.
STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 90)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "quartiere@hameln.invalid")
# The address people reach the app at, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://localhost:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: everything on unless DEBUG; behind the city's web server, which terminates TLS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The load balancer asks for /healthz over plain HTTP, behind the TLS termination.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True  # no script reads the token from the cookie: forms carry it
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "hameln_quartiere.errors.csrf_failure"
# A login ends after this long without a request, and this long after it began however active (ASVS 3.3.2,
# hameln_quartiere/security.py). The session cookie and the stored session expire with the idle timeout.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_MAX_AGE = env_int("SESSION_MAX_HOURS", 12) * 60 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
# Login throttling (hameln_quartiere/throttle.py): this many failed logins lock an account, this many an
# address, each for LOGIN_LOCKOUT_MINUTES. Behind reverse proxies, TRUSTED_PROXY_COUNT says how many, so the
# client's address is read from X-Forwarded-For (else every login would come from the proxy's address).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Content Security Policy (hameln_quartiere/security.py adds the map tile server to img-src): scripts and styles
# only from this server, no inline scripts; Bootstrap's icons are data: images.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features no page uses are switched off.
PERMISSIONS_POLICY = dict.fromkeys(
    ("accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb"), "()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the request it belongs to (hameln_quartiere/request_id.py), "-" outside a request.
    "filters": {"request_id": {"()": "hameln_quartiere.request_id.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every step of a PDF, and every CSS rule they skip; only errors matter.
    "loggers": {name: {"level": "ERROR"} for name in ("weasyprint", "fontTools")},
}
