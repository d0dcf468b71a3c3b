"""Settings shared by every environment. Environment variables are read only through
``zhonglou.settings.environment``; see README.md for the table of variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from .environment import (
    read_bool,
    read_broker,
    read_cache,
    read_choice,
    read_database,
    read_email,
    read_int,
    read_list,
    read_str,
    read_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = read_bool("DEBUG", False)
ALLOWED_HOSTS = read_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = read_list("CSRF_TRUSTED_ORIGINS", [])

DATABASES = {"default": read_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "zhonglou.admin_site.ZhonglouAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "django_htmx",
    "zhonglou.ops",
    "accounts",
    "indicators",
    "assessments",
    "actions",
    "notifications",
    "dossier",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhonglou.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhonglou.sessions.SessionLimitsMiddleware",
    # An unknown /api/ URL answers the API's JSON 404 also when DEBUG shows Django's page.
    "zhonglou.api.errors.ApiNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the login page with a message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhonglou.urls"
WSGI_APPLICATION = "zhonglou.wsgi.application"
ASGI_APPLICATION = "zhonglou.asgi.application"

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
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One login page for everyone (the admin's sends its visitors there).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Password guessing (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is refused, the right password included, for
# LOGIN_COOLOFF_MINUTES or until an administrator deletes the attempt in the admin (Axes ›
# Access attempts). Both /login/ and /admin/login/ are guarded; attempts live in the database,
# so every gunicorn worker counts the same failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after the
# login whatever the activity (zhonglou.sessions.SessionLimitsMiddleware); the cookie lasts
# no longer than the absolute limit.
SESSION_IDLE_SECONDS = read_int("SESSION_IDLE_MINUTES", 60) * 60
SESSION_MAX_SECONDS = read_int("SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS

# Content-Security-Policy (django-csp) on every response: scripts only from this site (the
# pages' JSON data sits in <script type="application/json"> blocks, which are not run), no
# inline or evaluated script. Inline styles stay allowed: ECharts and the admin set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

AXES_FAILURE_LIMIT = read_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=read_int("LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.views.client_ip"
AXES_VERBOSE = False  # no start-up banner in every management command
# Behind N reverse proxies that append to X-Forwarded-For, the client is the N-th address from
# the right; 0 (the default) trusts REMOTE_ADDR only, so a client cannot pick its address.
TRUSTED_PROXY_COUNT = read_int("TRUSTED_PROXY_COUNT", 0)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# ECharts and htmx come from npm (package.json); they are served from node_modules, never copied
# into git.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(read_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Uploads of values (the Excel template, the body of the API's batch endpoint), bounded so
# that no file can exhaust the server; evidence files have their own limit
# (indicators.models.values.EVIDENCE_MAX_BYTES). An .xlsx file is a zip: its members are
# refused beyond UPLOAD_MAX_UNCOMPRESSED_BYTES in all (read from the zip's directory, before
# anything is decompressed). A cell longer than UPLOAD_MAX_CELL_CHARS is refused and quoted
# only by its first characters.
UPLOAD_MAX_BYTES = read_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
UPLOAD_MAX_UNCOMPRESSED_BYTES = read_int("UPLOAD_MAX_UNCOMPRESSED_BYTES", 40 * 1024 * 1024)
UPLOAD_MAX_CELL_CHARS = read_int("UPLOAD_MAX_CELL_CHARS", 2000)
UPLOAD_MAX_ROWS = read_int("UPLOAD_MAX_ROWS", 5000)

_email = read_email("EMAIL_URL", "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
    if _email.get(_key):
        globals()[_key] = _email[_key]
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
DEFAULT_FROM_EMAIL = read_str("DEFAULT_FROM_EMAIL", "zhonglou@localhost")
# The site's address as its users reach it: the links in e-mails and robot messages.
SITE_URL = read_url("SITE_URL", "http://127.0.0.1:8000")

# Celery: without a broker, tasks run eagerly in-process (the laptop default).
CELERY_BROKER_URL = read_broker("CELERY_BROKER_URL")
# Where a recompute runs after a write (assessments/recompute.py): the Celery worker when there
# is a broker, else a background thread of the web process; "inline" scores in the request.
ASSESSMENT_RECOMPUTE = read_choice(
    "ASSESSMENT_RECOMPUTE",
    ("celery", "thread", "inline"),
    "thread" if CELERY_BROKER_URL is None else "celery",
)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_BROKER_URL is None:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = read_str(
    "CELERY_RESULT_BACKEND",
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else None,
)
CELERY_RESULT_EXPIRES = 3600
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = read_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = read_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing gives up quickly when the broker is down: the write that queued the task has
# committed already, and the snapshots are marked stale for the nightly run to catch up.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Brings back any snapshot left stale (e.g. after a broker outage) and re-checks the rest.
    "recompute-all-nightly": {
        "task": "assessments.recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Deadline reminders, overdue notices (values and corrective actions) and escalations (once
    # per element or action, day and recipient however often it runs).
    "notifications-reminders-daily": {
        "task": "notifications.send_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # The leaders' digest, Monday morning.
    "notifications-digest-weekly": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=8, minute=0, day_of_week=1),
    },
    # Deliveries whose retry is due (and any a stopped process left pending).
    "notifications-retry-deliveries": {
        "task": "notifications.deliver_due",
        "schedule": crontab(minute="*/5"),
    },
    # Evidence packages older than EVIDENCE_PACKAGE_DAYS, their files with them, and the
    # partial files of builds that died.
    "dossier-clean-packages-daily": {
        "task": "dossier.clean_packages",
        "schedule": crontab(hour=3, minute=30),
    },
}
ASSESSMENT_BATCH_SIZE = read_int("ASSESSMENT_BATCH_SIZE", 50)
# Notifications (the notifications app): where the e-mails and webhook posts of a committed
# write are sent from (as ASSESSMENT_RECOMPUTE: the worker, a background thread, or inline);
# a failed delivery is tried again after NOTIFICATION_RETRY_SECONDS × 4^(attempts − 1)
# (capped at an hour), NOTIFICATION_MAX_ATTEMPTS times in all.
NOTIFICATION_DELIVERY = read_choice(
    "NOTIFICATION_DELIVERY", ("celery", "thread", "inline"), ASSESSMENT_RECOMPUTE
)
NOTIFICATION_RETRY_SECONDS = read_int("NOTIFICATION_RETRY_SECONDS", 60)
NOTIFICATION_MAX_ATTEMPTS = read_int("NOTIFICATION_MAX_ATTEMPTS", 6)
NOTIFICATION_WEBHOOK_TIMEOUT = read_int("NOTIFICATION_WEBHOOK_TIMEOUT", 5)
# Reminders: REMINDER_DAYS_BEFORE days before a deadline, then daily once overdue; after
# ESCALATION_DAYS overdue the department's head is told too.
REMINDER_DAYS_BEFORE = read_int("REMINDER_DAYS_BEFORE", 7)
ESCALATION_DAYS = read_int("ESCALATION_DAYS", 14)
# Evidence packages (ZIPs under MEDIA_ROOT/dossiers/) are kept this many days after they were
# asked for, then deleted with their rows: the requester downloads one and asks again later.
# At least a day: 0 would delete a package the moment it is built, before its download.
EVIDENCE_PACKAGE_DAYS = read_int("EVIDENCE_PACKAGE_DAYS", 7, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.HasRole"],
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.api.throttling.ApiKeyRateThrottle",
        "accounts.api.throttling.SessionUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": read_str("API_KEY_RATE", "3000/hour"),
        "user": read_str("API_USER_RATE", "10000/hour"),
    },
    "DEFAULT_PAGINATION_CLASS": "zhonglou.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zhonglou.api.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "zhonglou API",
    "DESCRIPTION": (
        "Indicators, yearly values and explained scores of ecological-civilization "
        "demonstration-zone applications. Authenticate with an API key (header `X-API-Key`) "
        "issued by an administrator, or with a browser session. Every error has the body "
        '`{"code", "message", "details"}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH of a value is not a partial update: it requires the version read (409 if stale).
    "COMPONENT_SPLIT_PATCH": False,
    "ENUM_NAME_OVERRIDES": {
        "ValueStatusEnum": "indicators.choices.ValueStatus",
        "EditionStatusEnum": "indicators.choices.EditionStatus",
        "ActionStatusEnum": "actions.choices.ActionStatus",
        "ProgressEnum": "assessments.choices.Progress",
        "EndpointKindEnum": "notifications.choices.EndpointKind",
    },
}
CACHES = {"default": read_cache("CACHE_URL", "locmem://")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": read_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
