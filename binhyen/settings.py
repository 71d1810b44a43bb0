"""All settings, from environment variables (one module, as in healthchecks).

BINHYEN_ENV selects the profile: "demo" (default, for a laptop), "test" or "production".
Production refuses to start without an explicit secret key and allowed hosts.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("BINHYEN_VAR_DIR", Path.cwd() / "var")).resolve()

ENV = os.environ.get("BINHYEN_ENV", "demo")
PRODUCTION = ENV == "production"


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY") or os.environ.get("BINHYEN_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when BINHYEN_ENV=production")
    # Demo and tests: generate once and keep it, so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _field_keys() -> list[str]:
    """Keys for personal data encrypted at rest (Fernet). The first encrypts; the rest still decrypt,
    so a key can be rotated by putting the new one first."""
    keys = env_list("BINHYEN_FIELD_KEYS")
    if keys:
        return keys
    if PRODUCTION:
        raise ImproperlyConfigured("BINHYEN_FIELD_KEYS must be set when BINHYEN_ENV=production")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "field_key"
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return [path.read_text().strip()]


FIELD_ENCRYPTION_KEYS = _field_keys()
# The address people reach this site at, for links in messages (tracking pages, deadline mail).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:" + os.environ.get("PORT", "8000")).rstrip("/")
DEBUG = env_bool("DEBUG", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when BINHYEN_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Set behind a reverse proxy that appends the client address to X-Forwarded-For (rate limits use it).
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "binhyen.core",
    "binhyen.audit",
    "binhyen.areas",
    "binhyen.accounts",
    "binhyen.api",
    "binhyen.web",
    "binhyen.tips",
    "binhyen.incidents",
    "binhyen.cameras",
    "binhyen.schemes",
    "binhyen.organisations",
    "binhyen.outreach",
    "binhyen.weapons",
    "binhyen.awards",
    "binhyen.patrols",
    "binhyen.stats",
    "binhyen.reports",
    "binhyen.datasets",
    "binhyen.assessment",
    "binhyen.alerts",
    "binhyen.demo",
    "binhyen.ops",
    "binhyen.synth",
]

MIDDLEWARE = [
    "binhyen.ops.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "binhyen.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "binhyen.audit.middleware.AuditContextMiddleware",
    "binhyen.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "binhyen.urls"
WSGI_APPLICATION = "binhyen.wsgi.application"

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
                "binhyen.web.context.navigation",
            ],
        },
    }
]

# --- Database: SQLite file by default, PostgreSQL when DATABASE_URL says so -------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'binhyen.sqlite3'}"
if DATABASE_URL.startswith("sqlite"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if "sqlite" in DATABASE_URL else 60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the task worker read while the other writes; IMMEDIATE
        # transactions take the write lock up front, so busy_timeout applies instead of failing late.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("BINHYEN_TEST_SQLITE") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, tasks ---------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
TASK_BACKEND = os.environ.get(
    "BINHYEN_TASK_BACKEND", "immediate" if ENV == "test" else "redis" if REDIS_URL else "database"
)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS: dict[str, dict[str, object]]
if TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASK_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("BINHYEN_TASK_BACKEND=redis needs REDIS_URL")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["binhyen.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: thousands of logins
    if ENV == "test"
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "binhyen.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "binhyen.accounts.passwords.NotReusedValidator"},
]
LOGIN_LOCKOUT_FAILURES = int(os.environ.get("BINHYEN_LOCKOUT_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("BINHYEN_LOCKOUT_MINUTES", "15"))
API_TOKEN_DAYS = int(os.environ.get("BINHYEN_API_TOKEN_DAYS", "30"))
DEMO_PASSWORD = os.environ.get("BINHYEN_DEMO_PASSWORD", "binhyen-demo")

# --- Language, time -------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "binhyen_language"

# --- Static files: vendored, served by WhiteNoise (no CDN) -----------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
AREA_IMPORT_MAX_BYTES = 5 * 1024 * 1024
# Tips: up to 5 photos or short videos, type checked by content.
TIP_MAX_FILES = 5
TIP_MAX_PHOTO_BYTES = int(os.environ.get("TIP_MAX_PHOTO_BYTES", 8 * 1024 * 1024))
TIP_MAX_VIDEO_BYTES = int(os.environ.get("TIP_MAX_VIDEO_BYTES", 40 * 1024 * 1024))
# Cameras not confirmed working for this many days are flagged as stale.
CAMERA_STALE_DAYS = int(os.environ.get("CAMERA_STALE_DAYS", "90"))
# Anonymous intake (web form, API, Open311, per client address): requests per window.
TIP_RATE_LIMIT = int(os.environ.get("TIP_RATE_LIMIT", "10"))
TIP_RATE_WINDOW_SECONDS = int(os.environ.get("TIP_RATE_WINDOW_SECONDS", "600"))
# Outbound SMS to reporters (issue 7 brings the full channel set): an HTTP gateway taking JSON.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")

# Alerts (the digital security gong): channels, rate limits (per second, all workers; 0 = none), retries.
ZALO_OA_ACCESS_TOKEN = os.environ.get("ZALO_OA_ACCESS_TOKEN", "")
ZALO_OA_API_URL = os.environ.get("ZALO_OA_API_URL", "https://openapi.zalo.me/v3.0/oa/message/cs")
WEBPUSH_VAPID_PRIVATE_KEY = os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY", "")  # PEM or base64url scalar
WEBPUSH_VAPID_SUBJECT = os.environ.get("WEBPUSH_VAPID_SUBJECT", "")  # mailto:…
ALERTS_WEBHOOK_SECRET = os.environ.get("ALERTS_WEBHOOK_SECRET", "")  # default: derived from SECRET_KEY
# Webhook URLs and Web Push endpoints come from subscribers: in production only public addresses.
ALERTS_ALLOW_PRIVATE_DESTINATIONS = env_bool("ALERTS_ALLOW_PRIVATE_DESTINATIONS", not PRODUCTION)
ALERTS_RATE_SMS = int(os.environ.get("ALERTS_RATE_SMS", "10"))
ALERTS_RATE_ZALO = int(os.environ.get("ALERTS_RATE_ZALO", "20"))
ALERTS_RATE_EMAIL = int(os.environ.get("ALERTS_RATE_EMAIL", "20"))
ALERTS_RATE_PUSH = int(os.environ.get("ALERTS_RATE_PUSH", "0"))
ALERTS_RATE_WEBHOOK = int(os.environ.get("ALERTS_RATE_WEBHOOK", "0"))
ALERTS_MAX_ATTEMPTS = int(os.environ.get("ALERTS_MAX_ATTEMPTS", "5"))
ALERTS_RETRY_BASE_SECONDS = float(os.environ.get("ALERTS_RETRY_BASE_SECONDS", "30"))
ALERTS_LEASE_SECONDS = int(os.environ.get("ALERTS_LEASE_SECONDS", "60"))
ALERTS_FANOUT_CHUNK = int(os.environ.get("ALERTS_FANOUT_CHUNK", "2000"))
ALERTS_FANOUT_FIRST_CHUNK = int(os.environ.get("ALERTS_FANOUT_FIRST_CHUNK", "200"))  # first delivery soon
ALERTS_SEND_LINGER_SECONDS = float(os.environ.get("ALERTS_SEND_LINGER_SECONDS", "5"))  # wait for next chunk
ALERTS_SEND_BATCH = int(os.environ.get("ALERTS_SEND_BATCH", "200"))
ALERTS_SEND_THREADS = int(os.environ.get("ALERTS_SEND_THREADS", "16"))
ALERTS_SENDERS_PER_CHANNEL = int(os.environ.get("ALERTS_SENDERS_PER_CHANNEL", "2"))
ALERTS_TICK_SECONDS = int(os.environ.get("ALERTS_TICK_SECONDS", "60"))
ALERTS_SIGNUP_RATE_LIMIT = int(os.environ.get("ALERTS_SIGNUP_RATE_LIMIT", "10"))  # sign-ups per address
ALERTS_SIGNUP_ADDRESS_LIMIT = int(os.environ.get("ALERTS_SIGNUP_ADDRESS_LIMIT", "3"))  # per email / phone
ALERTS_SIGNUP_RATE_WINDOW_SECONDS = int(os.environ.get("ALERTS_SIGNUP_RATE_WINDOW_SECONDS", "3600"))

# Map tiles for Leaflet. Offices on a LAN without Internet point this at a local tile server; with no
# tiles the maps still place and read pins by coordinates.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap")

# --- Email (reporter notifications) --------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bình Yên <khong-tra-loi@binhyen.local>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
if "EMAIL_HOST" not in os.environ and not PRODUCTION:
    # Demo: mail lands in var/mail as files, so it can be read without a mail server.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Logs: JSON lines in production (LOG_FORMAT=json|plain), one line per request (LOG_REQUESTS) -----
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "binhyen.ops.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "binhyen.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver already prints each request in the demo; gunicorn's access log is off (it has IPs).
        "binhyen.request": {"level": "INFO" if env_bool("LOG_REQUESTS", PRODUCTION) else "WARNING"},
    },
}
