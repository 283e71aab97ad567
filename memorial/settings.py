"""Settings for the memorial archive.

One module for every environment: production differs from development only by
environment variables (see the README's "Deploying" section). Nothing here reads a
secret from the repository; for local use, `manage.py quickstart` writes a git-ignored
`.env` (DEBUG=1 and a generated secret key) that is read first, and variables set in
the environment win over it (memorial/envfile.py).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from memorial.envfile import load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

load_env_file()


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of trimmed items."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For local use, run "
            "'python manage.py quickstart' once: it writes a .env with DEBUG=1 and a "
            "secret key of its own."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its widgets win.
    "modeltranslation",
    "archive.apps.ArchiveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "import_export",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Errors under /api/ as problem+json, also Django's debug pages (DEBUG=1).
    "archive.api.problems.ProblemMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it sees a view's exception first: a failed database or storage is
    # a 503 (a full disk a 507), never a 500 (archive/faults.py).
    "archive.faults.ServiceUnavailableMiddleware",
    # Last of all: refuses logins from locked-out accounts and addresses.
    "axes.middleware.AxesMiddleware",
]

# Staff logins: after LOGIN_FAILURE_LIMIT failures, the account AND the client
# address are each locked out (429) for LOGIN_LOCKOUT_MINUTES; a success resets.
# The address is read by archive/client_address.py (TRUSTED_PROXIES), so a forged
# X-Forwarded-For neither escapes nor resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses inactive users, so a deactivated user's session ends at once.
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "archive.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Attempts and lockouts are not shown in the admin (every model there is covered
# by the permission matrix); see and clear them with manage.py axes_list_attempts,
# axes_reset_username USERNAME and axes_reset_ip ADDRESS.
AXES_ENABLE_ADMIN = False

# Two-factor login (archive/two_factor.py): optional for staff; with this on,
# required for Publishers and superusers.
ARCHIVE_2FA_FOR_PUBLISHERS = env_bool("ARCHIVE_2FA_FOR_PUBLISHERS", default=False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Memorial archive")
# Security keys and passkeys (WebAuthn, archive/security_keys.py). The relying party id
# is the site's domain (a key registered for it works on it and its subdomains);
# the origins are the exact addresses staff open the admin at. Both must match the
# browser's address bar, or keys can neither be added nor used.
WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "localhost")
WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", OTP_TOTP_ISSUER)
WEBAUTHN_ORIGINS = env_list("WEBAUTHN_ORIGINS", "http://localhost:8000")
# A challenge is good for one answer, within this many seconds.
WEBAUTHN_CHALLENGE_SECONDS = env_int("WEBAUTHN_CHALLENGE_SECONDS", 120)

ROOT_URLCONF = "memorial.urls"
WSGI_APPLICATION = "memorial.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "memorial" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise
# (postgres://user:password@host:5432/name).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # Before a request's first query, a kept connection is tested (on
        # PostgreSQL a `SELECT 1` round trip, and only when it has been idle for
        # DATABASE_HEALTH_CHECK_IDLE seconds): after a database restart, a request
        # meets a dead connection (a 503) only within that time of the last one.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", default=True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_POOL"
):
    # psycopg's connection pool, one per worker process (pip install
    # "psycopg[pool]"), instead of one kept connection per worker: for threaded
    # workers, or to cap connections. Measured no faster than kept connections
    # with sync workers (docs/performance.md). Pooled connections are not kept
    # by Django (CONN_MAX_AGE 0); health checks become the pool's check.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
        "timeout": env_float("DATABASE_POOL_TIMEOUT", 10.0),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with the health check above skipped for a connection
    # used less than DATABASE_HEALTH_CHECK_IDLE seconds ago (memorial/postgresql).
    DATABASES["default"]["ENGINE"] = "memorial.postgresql"
DATABASE_HEALTH_CHECK_IDLE = env_float("DATABASE_HEALTH_CHECK_IDLE", 1.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (the API under gunicorn) proceed while a curator writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Connections persist (DATABASE_CONN_MAX_AGE, as for PostgreSQL): opening one
    # costs ~3 ms (Django registers its SQL functions on each), more than an
    # API answer from the response cache.
    # Tests use a file too, not Django's shared-cache in-memory default: with it, a
    # second connection gets "table is locked" at once instead of waiting, so
    # tests of concurrent requests could not run as they do in production.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SQLITE_TEST_NAME") or str(BASE_DIR / "test-db.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: the archive's content is kept in English, French, Dutch and German.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("de", _("German")),
]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",)}
# jQuery UI for the admin's language tabs, served from our static files (no CDN).
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "memorial" / "static"]

# Media. Originals and source documents live in private storage that no public URL
# reaches; renditions of public images live in public storage.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
PUBLIC_MEDIA_ROOT = MEDIA_ROOT / "public"
PRIVATE_MEDIA_ROOT = MEDIA_ROOT / "private"


def s3_storages(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    public_domain: str | None = None,
    addressing_style: str | None = None,
    prefix: str = "",
) -> dict[str, dict]:
    """The public and private storages on one S3 bucket (used here and by the tests).

    Existing objects are never overwritten. Originals, source files and renditions
    of non-public images go under `private/` with a private ACL and are only ever
    streamed by permission-checked views. Renditions of public images go under
    `public/`; give that prefix public read in the bucket policy (or serve it from
    S3_PUBLIC_DOMAIN). Their names are unique per file, so they are cached for a year.
    """
    from botocore.config import Config

    common = {
        # Reads never hang: a storage that does not answer within the timeout is
        # a 503 (archive/faults.py), after at most STORAGE_MAX_ATTEMPTS tries.
        "client_config": Config(
            s3={"addressing_style": addressing_style or None},
            connect_timeout=env_float("STORAGE_TIMEOUT", 5.0),
            read_timeout=env_float("STORAGE_TIMEOUT", 5.0),
            retries={
                "total_max_attempts": env_int("STORAGE_MAX_ATTEMPTS", 2),
                "mode": "standard",
            },
        ),
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "addressing_style": addressing_style or None,
        "file_overwrite": False,
    }
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "location": f"{prefix}public",
                "querystring_auth": False,
                "custom_domain": public_domain or None,
                "object_parameters": {
                    "CacheControl": "public, max-age=31536000, immutable"
                },
            },
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "location": f"{prefix}private",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "object_parameters": {"CacheControl": "private, no-store"},
            },
        },
    }


_STATICFILES = {
    "BACKEND": (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
}
AWS_STORAGE_BUCKET_NAME = os.environ.get("S3_BUCKET", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES = {
        **s3_storages(
            bucket=AWS_STORAGE_BUCKET_NAME,
            endpoint_url=os.environ.get("S3_ENDPOINT_URL"),
            region=os.environ.get("S3_REGION"),
            access_key=os.environ.get("S3_ACCESS_KEY_ID"),
            secret_key=os.environ.get("S3_SECRET_ACCESS_KEY"),
            public_domain=os.environ.get("S3_PUBLIC_DOMAIN"),
            addressing_style=os.environ.get("S3_ADDRESSING_STYLE"),
        ),
        "staticfiles": _STATICFILES,
    }
else:
    STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(PUBLIC_MEDIA_ROOT), "base_url": MEDIA_URL},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
        },
        "staticfiles": _STATICFILES,
    }

# Upload limits (see archive/uploads.py).
ARCHIVE_MAX_IMAGE_BYTES = env_int("ARCHIVE_MAX_IMAGE_BYTES", 50 * 1024 * 1024)
ARCHIVE_MAX_IMAGE_PIXELS = env_int("ARCHIVE_MAX_IMAGE_PIXELS", 150_000_000)
ARCHIVE_MAX_DOCUMENT_BYTES = env_int("ARCHIVE_MAX_DOCUMENT_BYTES", 100 * 1024 * 1024)
# A spreadsheet import larger than this is refused before it is read (500 people
# with biographies are well under 1 MB).
ARCHIVE_IMPORT_MAX_BYTES = env_int("ARCHIVE_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Imports run in one transaction, which a dry run rolls back (archive/imports.py).
IMPORT_EXPORT_USE_TRANSACTIONS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# How long a signed draft-preview link stays valid, in seconds.
ARCHIVE_PREVIEW_MAX_AGE = env_int("ARCHIVE_PREVIEW_MAX_AGE", 7 * 24 * 3600)

# Public base URL used for absolute links in API responses and IIIF manifests when
# no request is at hand (exports, management commands).
ARCHIVE_PUBLIC_BASE_URL = os.environ.get(
    "ARCHIVE_PUBLIC_BASE_URL", "http://127.0.0.1:8000"
)

# With REDIS_URL, every worker shares the cache: API rate-limit counts and rendered
# answers. CACHE_KEY_PREFIX keeps deployments sharing one Redis apart.
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Rendered API answers (archive/api/caching.py): keyed by the archive version, so
    # a per-process memory cache is safe; Redis shares it between processes.
    "api": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}api",
        }
        if os.environ.get("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api",
            "OPTIONS": {"MAX_ENTRIES": env_int("API_CACHE_MAX_ENTRIES", 2000)},
        }
    ),
}

# Security. Secure by default; local development relaxes only what HTTP needs.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /health/ over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *env_list("CSP_IMG_SOURCES")],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# CORS: exhibition apps read the API from any origin, without credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["authorization", "if-none-match", "if-modified-since", "accept"]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Content-Language",
    "Language-Fallbacks",
]

# Proxies in front of the app that each append to X-Forwarded-For (0: none, the
# peer address is the client). Read by archive/client_address.py for login
# lockouts and API rate limits (DRF's own NUM_PROXIES is deliberately not set: the
# throttle asks archive/client_address.py). API_NUM_PROXIES is its former name.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", env_int("API_NUM_PROXIES", 0))

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "archive.api.authentication.ApiKeyAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["archive.api.throttling.ApiRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "archive.api.schema.ArchiveAutoSchema",
    "EXCEPTION_HANDLER": "archive.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Memorial archive API",
    "DESCRIPTION": (
        "Read-only JSON API of the memorial archive (Holocaust and resistance in "
        "Belgium, 1940-1945) for exhibition apps: web exhibitions, museum kiosks and "
        "mobile guides. Send `Authorization: Api-Key <key>` to also see records "
        "released for exhibitions only. Errors are application/problem+json "
        "(RFC 9457)."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No request leaves the archive: the validator badge would call swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": False,
    "ENUM_NAME_OVERRIDES": {
        "RecordTypeEnum": "archive.api.context.RECORD_TYPES",
        "ItemTypeEnum": "archive.api.context.ITEM_TYPES",
        "ChangeActionEnum": "archive.api.context.CHANGE_ACTIONS",
        "SourceKindEnum": "archive.models.SourceKind",
        "EventKindEnum": "archive.models.EventKind",
        "PlaceKindEnum": "archive.models.PlaceKind",
        "OrganisationKindEnum": "archive.models.OrganisationKind",
        "TestimonyKindEnum": "archive.models.TestimonyKind",
        "NameVariantKindEnum": "archive.models.NameVariant.Kind",
        "TestimonyRoleEnum": "archive.models.TestimonyParticipant.Role",
        "GenderEnum": "archive.models.Gender",
        "QualifierEnum": "archive.models.Qualifier",
        "VocabularyEnum": "archive.models.Vocabulary",
    },
    "DISABLE_ERRORS_AND_WARNINGS": False,
}

# The API: throttling per client (anonymous clients by address); a rate is
# "<number>/<second|minute|hour|day>", empty to switch throttling off.
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "300/minute")
API_THROTTLE_CLIENT = os.environ.get("API_THROTTLE_CLIENT", "3000/minute")
# How long shared caches (and browsers) may keep a public API answer, in seconds.
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 60)
# How long the API keeps a rendered answer in its own cache (it is also dropped as
# soon as any content changes); 0 switches the response cache off.
API_RESPONSE_CACHE_SECONDS = env_int("API_RESPONSE_CACHE_SECONDS", 600)
# PostgreSQL: nested lists (a recognition's rescuers) come inside their records'
# query as JSON, one round trip instead of one per list (docs/performance.md).
API_INLINE_NESTED_LISTS = env_bool("API_INLINE_NESTED_LISTS", default=True)

# Background work (Celery; see docs/background-work.md). A broker URL
# (redis://127.0.0.1:6379/1 or amqp://guest:guest@127.0.0.1:5672//) sends tasks to
# `celery -A memorial worker`; empty (quickstart, tests) runs each task in process
# as it is queued, after the transaction that queued it has committed.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A task that fails in process is reported (archive.tasks), not raised at the caller.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "memorial")
# A message is acknowledged only once its task has finished, so a worker killed
# mid-task leaves it on the broker; every task is idempotent, so running it again
# is safe. One message at a time per worker process: nothing waits behind a slow one.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a message nobody acknowledged after this many seconds (a worker
# that died mid-task); longer than the slowest task (the fixity check).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 6 * 3600)
}
if restore_interval := env_int("CELERY_RESTORE_INTERVAL", 0):
    # How often a worker looks for such messages, in seconds. Kombu's default is
    # about 100 (a 10-second timer that looks every 10th time), which matters only
    # with a short visibility timeout, as in the worker test.
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "unacked_restore_interval": restore_interval,
        "unacked_restore_throttle": 1,
    }
# Periodic work, queued by `celery -A memorial beat` (the tasks: archive/tasks.py).
CELERY_BEAT_SCHEDULE = {
    # Publication times are to the minute.
    "publish-scheduled": {"task": "archive.publish_scheduled", "schedule": 60.0},
    # An embargo ends at midnight (Brussels); hourly also catches a missed run.
    "release-embargoes": {
        "task": "archive.release_embargoes",
        "schedule": crontab(minute=5),
    },
    # Page views counted in the cache (archive/visits.py) into the database.
    "flush-visits": {"task": "archive.flush_visits", "schedule": 300.0},
    "check-fixity": {
        "task": "archive.check_fixity",
        "schedule": crontab(day_of_week="sunday", hour=3, minute=30),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "celerybeat-schedule")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
