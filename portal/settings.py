"""Colophon settings: one module, read from the environment.

Two modes share this file. The embedded default (``COLOPHON_ENV`` unset or ``embedded``) runs on
SQLite, runs Celery tasks in-process, keeps files on local disk and prints e-mails to the console,
so ``make run`` needs nothing else. Production (``COLOPHON_ENV=production``) takes every service
from the environment and refuses to start without the secrets it needs. The variables are listed
in ``.env.example`` and the README.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value is None else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


COLOPHON_ENV = env("COLOPHON_ENV", "embedded")
if COLOPHON_ENV not in {"embedded", "production"}:
    raise ImproperlyConfigured("COLOPHON_ENV must be 'embedded' or 'production'.")
PRODUCTION = COLOPHON_ENV == "production"


def required(name: str) -> str:
    value = env(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set when COLOPHON_ENV=production.")
    return value


# --- Core -----------------------------------------------------------------------------------

if PRODUCTION:
    SECRET_KEY = required("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
else:
    SECRET_KEY = env("SECRET_KEY", "embedded-only-insecure-key-never-used-in-production-0123456789")

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when COLOPHON_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A form sent with a stale or missing token gets the portal's 403 page, in the visitor's language.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"

# Public address of the portal, used in e-mails and in the integration link.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PORTAL_NAME = env("PORTAL_NAME", "Colophon")
SHOP_NAME = env("SHOP_NAME", "Imprimerie Colophon")
SHOP_EMAIL = env("SHOP_EMAIL", "atelier@colophon.test")
SHOP_PHONE = env("SHOP_PHONE", "")
# Postal address printed on quotes, one line per comma-separated item.
SHOP_ADDRESS_LINES = env_list("SHOP_ADDRESS_LINES", [])
QUOTE_VALIDITY_DAYS = env_int("QUOTE_VALIDITY_DAYS", 30)
# The seller's legal identity on invoices (subscriptions.invoicing): French invoices must carry them.
SHOP_LEGAL_NAME = env("SHOP_LEGAL_NAME", "Imprimerie Colophon SAS")
SHOP_LEGAL_FORM = env("SHOP_LEGAL_FORM", "SAS au capital de 50 000 €")
SHOP_STREET = env("SHOP_STREET", "12 rue des Typographes")
SHOP_POSTCODE = env("SHOP_POSTCODE", "59000")
SHOP_CITY = env("SHOP_CITY", "Lille")
SHOP_COUNTRY = env("SHOP_COUNTRY", "FR")
SHOP_SIRET = env("SHOP_SIRET", "83265432100013")
SHOP_RCS = env("SHOP_RCS", "RCS Lille Métropole 832 654 321")
SHOP_VAT_NUMBER = env("SHOP_VAT_NUMBER", "FR60832654321")
SHOP_IBAN = env("SHOP_IBAN", "FR7630006000011234567890189")
SHOP_BIC = env("SHOP_BIC", "AGRIFRPP")
INVOICE_PAYMENT_DAYS = env_int("INVOICE_PAYMENT_DAYS", 30)
# Chorus Pro (public schools' invoices): deposited through the API when these are set, else an admin queue.
CHORUS_PRO_CLIENT_ID = env("CHORUS_PRO_CLIENT_ID", "")
CHORUS_PRO_CLIENT_SECRET = env("CHORUS_PRO_CLIENT_SECRET", "")
CHORUS_PRO_LOGIN = env("CHORUS_PRO_LOGIN", "")
CHORUS_PRO_PASSWORD = env("CHORUS_PRO_PASSWORD", "")
CHORUS_PRO_API_URL = env("CHORUS_PRO_API_URL", "https://sandbox-api.piste.gouv.fr").rstrip("/")
CHORUS_PRO_TOKEN_URL = env("CHORUS_PRO_TOKEN_URL", "https://sandbox-oauth.piste.gouv.fr/api/oauth/token")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "template_partials",
    "allauth",
    "allauth.account",
    "import_export",
    "django_countries",
    "portal",
    "portal.search",
    "contacts",
    "orders",
    "submissions",
    "library",
    "files",
    "quotes",
    "figures",
    "drive",
    "subscriptions",
    "subscribers",
    "workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.access.ScopeMiddleware",
    "portal.audit.AuditActorMiddleware",
    "contacts.middleware.TermsAcceptanceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "portal.urls"
FORM_RENDERER = "portal.forms.PortalFormRenderer"
WSGI_APPLICATION = "portal.wsgi.application"
# WSGI applications mounted beside Django by portal/wsgi.py, outermost first: each takes the
# application it wraps and answers its own paths (signed document links at /documents/signed/,
# WebDAV at /dav/).
WSGI_WRAPPERS = ["portal.documents.signed.SignedDocumentDispatcher", "drive.dav.app.DavDispatcher"]
# How long a signed link to a stored document (local storage) stays valid, in seconds (at least).
DOCUMENT_LINK_SECONDS = env_int("DOCUMENT_LINK_SECONDS", 60)

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
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

if not PRODUCTION:
    # The embedded default keeps its database, uploads and e-mails under var/ (git-ignored).
    (BASE_DIR / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        required("DATABASE_URL")
        if PRODUCTION
        else env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'colophon.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer rather than failing at once (runserver threads, live tests).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -----------------------------------------------------------------------

REDIS_URL = required("REDIS_URL") if PRODUCTION else env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache that answers as an empty cache while Redis is down (portal/cache.py):
            # no page needs Redis (sessions are in the database).
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": env("CACHE_URL", REDIS_URL),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users and sign-in ----------------------------------------------------------------------

AUTH_USER_MODEL = "contacts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "contacts.adapters.AccountAdapter"
# The sign-in accepts an e-mail or a school's UAI code (contacts.forms.LoginForm).
ACCOUNT_FORMS = {"login": "contacts.forms.LoginForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PORTAL_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Staff and customers sign in through the same rate-limited view (see portal/urls.py).
ACCOUNT_RATE_LIMITS = {
    "login": env("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "reset_password": env("RATE_LIMIT_RESET_PASSWORD", "20/m/ip,5/m/key"),
    "reset_password_from_key": "20/m/ip",
}
# The client address the "ip" limits above count by. Behind the reverse proxy every request comes
# from the proxy's address, so one attacker would lock every customer out: take the client from
# X-Forwarded-For, the TRUSTED_PROXY_COUNT-th entry from the right (our outermost proxy appends
# it; entries left of it are the client's own writing), or from the one header the proxy sets
# (TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP; it then replaces the count).
# Production sits behind the one TLS-terminating proxy the README describes (the same trust as
# SECURE_PROXY_SSL_HEADER below); the embedded mode has none and counts by REMOTE_ADDR, so a forged
# X-Forwarded-For escapes nothing. The "key" limits count per e-mail whatever the address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER")
# Password-reset links expire after this many seconds (Django's token clock).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 2)
# Invitation and activation links sent to contacts work for this many hours.
CONTACT_INVITATION_HOURS = env_int("CONTACT_INVITATION_HOURS", 12)

# --- Languages and time ---------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Country lists (django-countries, names in the reader's language): France and its French-speaking
# neighbours first, then every country in alphabetical order.
COUNTRIES_FIRST = ["FR", "BE", "CH", "LU", "MC"]
TIME_ZONE = env("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploads above this size go to a temporary file on disk, never into the process's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Product files (PDF): largest upload, stopped while it streams; limits of the checks' child processes.
PRODUCT_FILE_MAX_BYTES = env_int("PRODUCT_FILE_MAX_BYTES", 2 * 1024**3)
# A school's purchase order (PDF) attached at checkout.
PURCHASE_ORDER_MAX_BYTES = env_int("PURCHASE_ORDER_MAX_BYTES", 20 * 1024**2)
PREFLIGHT_TIME_LIMIT = env_int("PREFLIGHT_TIME_LIMIT", 60)
PREFLIGHT_MEMORY_LIMIT = env_int("PREFLIGHT_MEMORY_LIMIT", 512 * 1024 * 1024)
# The one PDF intake (portal.pdf_intake), the same on every path that takes a PDF: the limits of its
# child process (a verdict within 10 s, whatever the file) and the bounds of an acceptable PDF.
PDF_INTAKE_TIMEOUT = env_int("PDF_INTAKE_TIMEOUT", 8)
PDF_INTAKE_MEMORY_LIMIT = env_int("PDF_INTAKE_MEMORY_LIMIT", 512 * 1024 * 1024)
PDF_MAX_PAGES = env_int("PDF_MAX_PAGES", 10_000)
PDF_MAX_OBJECTS = env_int("PDF_MAX_OBJECTS", 500_000)

STORAGE_BACKEND = env("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "s3":
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": required("AWS_STORAGE_BUCKET_NAME") if PRODUCTION else env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "access_key": env("AWS_ACCESS_KEY_ID"),
            "secret_key": env("AWS_SECRET_ACCESS_KEY"),
            # Never overwrite a stored file that happens to share a name; keys are generated anyway.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # Spool big downloads to disk instead of holding them in memory.
            "max_memory_size": 8 * 1024 * 1024,
        },
    }
elif STORAGE_BACKEND == "local":
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'.")
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{PORTAL_NAME} <noreply@colophon.test>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587 if PRODUCTION else 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", PRODUCTION)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

# --- Celery ---------------------------------------------------------------------------------

# Embedded default: no broker, tasks run in the web process when the transaction commits.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", REDIS_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "emails"
CELERY_TASK_ROUTES = {
    "portal.tasks.send_email": {"queue": "emails"},
    "*.tasks.send_*": {"queue": "emails"},
    "*.tasks.import_*": {"queue": "imports"},
    "*.tasks.backup_*": {"queue": "imports"},
    "figures.tasks.refresh_*": {"queue": "imports"},
    "*.tasks.export_*": {"queue": "imports"},
    "*.tasks.preflight_*": {"queue": "preflight"},
    "portal.tasks.relay_outbox": {"queue": "emails"},
    "portal.tasks.send_staff_digest": {"queue": "emails"},
    "portal.tasks.purge_daily": {"queue": "imports"},
    "portal.tasks.sweep_stale_jobs": {"queue": "imports"},
    "*.tasks.render_*": {"queue": "documents"},
    "drive.tasks.archive_*": {"queue": "imports"},
    "*.tasks.deposit_*": {"queue": "imports"},
}
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 660)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that does not answer is given up within seconds: the page goes on, the outbox keeps the work.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TIMEZONE = TIME_ZONE
# The operator's upkeep (see README, Operating): the daily purge and the sweep of stale jobs every 5 minutes.
CELERY_BEAT_SCHEDULE: dict = {
    "purge-daily": {"task": "portal.tasks.purge_daily", "schedule": crontab(hour=3, minute=30)},
    "staff-digest": {"task": "portal.tasks.send_staff_digest", "schedule": crontab(hour=7, minute=45)},
    "relay-outbox": {"task": "portal.tasks.relay_outbox", "schedule": 60.0},
    "sweep-stale-jobs": {"task": "portal.tasks.sweep_stale_jobs", "schedule": crontab(minute="*/5")},
    # The school shop: orders waiting for activation for more than 72 hours, to the shop (idempotent per day).
    "subscriptions-pending-activations": {
        "task": "subscriptions.tasks.send_pending_activation_digest",
        "schedule": crontab(hour=8, minute=5),
    },
}

# --- Upkeep (manage.py purge, integrity_check, status, rerun) -------------------------------

# Source files of finished contact imports are removed this many days after the import ended.
PURGE_IMPORT_DAYS = env_int("PURGE_IMPORT_DAYS", 30)
# A stored object no row names is removed by the purge once it is this many hours old (a broken upload).
PURGE_ORPHAN_HOURS = env_int("PURGE_ORPHAN_HOURS", 24)
# Documents rendered for one e-mail (quotes/<uuid>/...) are kept this many days for the e-mail's retries.
PURGE_EMAIL_ATTACHMENT_DAYS = env_int("PURGE_EMAIL_ATTACHMENT_DAYS", 7)
# "My files" attached to an order are removed this many days after that order was submitted.
DRIVE_MY_FILES_KEEP_DAYS = env_int("DRIVE_MY_FILES_KEEP_DAYS", 30)
# Finished background jobs (and their result files) are kept this many days.
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 90)
# The one notion of a stale job: a job "running" with no sign of life (heartbeat, every second while it
# works) for this many minutes lost its worker. A redelivered message may then take it over, the hourly
# sweep and the purge end it as failed, `status` flags it, `rerun` queues it again.
JOBS_STALE_MINUTES = env_int("JOBS_STALE_MINUTES", 15)

# E-mail outbox (portal.outbox): a message being sent is given back to the queue after this many
# seconds without news (its worker died); sent messages are kept this many days, failed ones until re-sent.
EMAIL_SENDING_LEASE_SECONDS = env_int("EMAIL_SENDING_LEASE_SECONDS", 120)
EMAIL_OUTBOX_KEEP_DAYS = env_int("EMAIL_OUTBOX_KEEP_DAYS", 30)
# The daily staff digest (07:45) goes to every active staff member, or to these addresses when set.
STAFF_DIGEST_EMAILS = env_list("STAFF_DIGEST_EMAILS", [])

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads nothing from it: the token is in a meta tag.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The reverse proxy overwrites X-Forwarded-Proto; gunicorn is reachable by it alone (see
    # FORWARDED_ALLOW_IPS in portal/gunicorn.conf.py and ALLAUTH_TRUSTED_PROXY_COUNT above).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # /healthz is probed over plain HTTP by the container health check.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# django-import-export: exports never start a cell with a formula (=, +, -, @ …).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_HTML_ON_EXPORT = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}
