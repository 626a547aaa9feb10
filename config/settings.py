"""Settings read from the environment.

DEBUG, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL come from the environment. With DEBUG off a
missing SECRET_KEY stops the process: a fallback secret in production is worse than no start.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.mail import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "config.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "authorities",
    "notices",
    "sso",
    "inspections",
    "improvement",
    "boards",
    "operations",
]

# The header middleware sits before WhiteNoise so static files carry the policies too; the
# no-store middleware sits after it, so static files keep WhiteNoise's long cache, and after
# authentication, which it needs. Axes goes last, as its documentation asks.
MIDDLEWARE = [
    "config.middleware.InputGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.IdleSessionClock",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "improvement.permissions.KeepReachPerRequest",
    "config.middleware.NoStoreForPrivateResponses",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "boards.navigation.menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker share the file, and a pack's build writes for seconds:
    # a write takes the lock when its transaction begins and waits up to 30 s for the other's,
    # rather than failing with "database is locked" after SQLite's 5 s or on a lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each process's own memory. What is cached is keyed so that it cannot go stale across
# processes or servers (the plan's stamp, improvement/plan_cache.py; the identity providers'
# documents expire on their own), so no shared cache server is needed. Sessions are not cached.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "2000"))},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Signs in only through a council's provider (sso.views.callback); never checks a password.
    "sso.backends.IdentityBackend",
]
LOGIN_URL = "login"
# By role: a plan's dashboard for its improvement leads, chairs and members, else My actions.
LOGIN_REDIRECT_URL = "dashboard:landing"
LOGOUT_REDIRECT_URL = "login"
# Two factors (docs/sign-in.md): the name authenticator apps show beside the code. A wrong code
# makes the next try wait 1, 2, 4, 8... seconds (django-otp), and counts towards django-axes'
# AXES_FAILURE_LIMIT as a wrong password does.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Improvement Tracker")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence and issued packs live here, private: /media/ is never routed. Files go out
# only through the download views, which check permission first (docs/files.md).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production start (bin/serve, gunicorn.conf.py). The project is an app only for its system
# checks (config/apps.py). Collected static files go to STATIC_ROOT; with DEBUG off a file missing
# from the manifest is linked by its plain name instead of making every page a 500
# (config/storage.py), and `check --deploy` warns when STATIC_ROOT has no manifest.
INSTALLED_APPS += ["config"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
if not DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "config.storage.ProductionStaticFilesStorage"}

# Background work (board packs) goes through the database to a worker, `manage.py db_worker`
# (bin/worker; `make run` and `make serve` start one). TASKS_BACKEND may name another backend of
# Django's task framework: "django_tasks.backends.immediate.ImmediateBackend" builds in the request
# and needs no worker (docs/operations.md).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# /health/ reports the task worker failing when a task has waited longer than this to start.
HEALTH_TASK_WAIT_MINUTES = int(os.environ.get("HEALTH_TASK_WAIT_MINUTES", 5))

# A pack still "building" after this long was left by a build that died (a worker killed
# mid-render); an improvement lead may then retry it. Longer than any real build takes.
PACK_BUILD_TIMEOUT_MINUTES = int(os.environ.get("PACK_BUILD_TIMEOUT_MINUTES", 30))

# A monitoring visit's finding with no action this many days after its letter (or the visit, with
# no letter) is told to the plan's improvement leads (manage.py notify_unanswered_findings).
UNANSWERED_FINDING_DAYS = int(os.environ.get("UNANSWERED_FINDING_DAYS", 28))
# An invitation to a plan (improvement/models/people.py) may be accepted for this many days.
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", 14))

# The weekdays (0 is Monday) on which the daily schedule (manage.py run_schedule) sends every
# lead their regular reminder digest; the pre-board reminders come on the boards' own days.
REMINDER_WEEKDAYS = tuple(
    int(day) for day in os.environ.get("REMINDER_WEEKDAYS", "0").split(",") if day.strip()
)

# Shown on every page of a board pack; councils set their own marking.
PROTECTIVE_MARKING = os.environ.get("PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")

# Spreadsheet uploads: limits stop a huge or hostile file before it is parsed.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 10 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 20_000))
# What a workbook's zip directory says it expands to; more is refused as a compression bomb.
IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
)
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# django-import-export allows every staff user to import and export unless these are set.
# Export needs view (or change) on the model; importing needs add and change on every model the
# plan workbook writes (improvement.importing.admin_views.IMPORT_WRITES).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
# Off: the library's escaping only drops a leading "="; improvement.importing.formats escapes
# every export (the admin offers only its formats: xlsx, csv, tsv, json).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# Evidence files officers attach to an action, each checked by its content (improvement/uploads.py).
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
EVIDENCE_EXTENSIONS = [
    *("pdf", "docx", "xlsx", "pptx", "doc", "xls", "ppt", "odt", "ods", "odp"),
    *("png", "jpg", "jpeg", "txt", "csv"),
]
EVIDENCE_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("EVIDENCE_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# A multipart body longer than this is stopped at its first file, before it is read whole:
# a little above the largest file any form takes, for the form's other fields.
UPLOAD_MAX_REQUEST_BYTES = int(
    os.environ.get(
        "UPLOAD_MAX_REQUEST_BYTES", max(EVIDENCE_MAX_BYTES, IMPORT_MAX_BYTES) + 1024 * 1024
    )
)
FILE_UPLOAD_HANDLERS = [
    "improvement.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Behind nginx, the URL prefix of an `internal` location over MEDIA_ROOT (e.g. "/protected/"):
# downloads answer with X-Accel-Redirect after the permission check. Behind Apache with
# mod_xsendfile, PRIVATE_FILES_SENDFILE=1 answers with X-Sendfile instead. Off: Django streams.
PRIVATE_FILES_ACCEL_REDIRECT = os.environ.get("PRIVATE_FILES_ACCEL_REDIRECT", "")
PRIVATE_FILES_SENDFILE = env_flag("PRIVATE_FILES_SENDFILE")

# Where evidence and packs are stored. "filesystem": MEDIA_ROOT, which several app servers and
# workers may share (an NFS or SMB mount). "s3": a private bucket of S3-compatible object storage
# (django-storages), for app servers with no shared disk; downloads are then streamed through the
# permission-checked views, so neither web-server hand-off above applies (docs/scale.md).
FILE_STORAGE = os.environ.get("FILE_STORAGE", "filesystem")
if FILE_STORAGE == "s3":
    if PRIVATE_FILES_ACCEL_REDIRECT or PRIVATE_FILES_SENDFILE:
        raise ImproperlyConfigured(
            "FILE_STORAGE=s3 keeps files off this machine's disk: unset "
            "PRIVATE_FILES_ACCEL_REDIRECT and PRIVATE_FILES_SENDFILE."
        )
    if not os.environ.get("S3_BUCKET"):
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET, the bucket's name.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            # Empty for AWS itself; the service's address for any other S3-compatible store.
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            # Unset: boto3's own chain (an instance role, ~/.aws, AWS_* variables).
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            # Private objects; a file is never overwritten, so a name always means one file.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif FILE_STORAGE != "filesystem":
    raise ImproperlyConfigured(
        f'FILE_STORAGE is "{FILE_STORAGE}": use "filesystem" (MEDIA_ROOT) or "s3".'
    )

# Sign-in lock-out (django-axes). Locked by username alone, not username + IP: council staff
# share a few office and VPN addresses, and someone guessing one officer's password from many
# addresses must still be stopped. The price is that anyone can lock a known username for the
# cool-off; an administrator can unlock it at once (admin: Access attempts, or
# `manage.py axes_reset_username USERNAME`).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the IP address in the lock-out key; see above for why it is not.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Hours until a locked username unlocks itself; 0 keeps it locked until an administrator acts.
_cooloff_hours = float(os.environ.get("AXES_COOLOFF_TIME", "1"))
AXES_COOLOFF_TIME = timedelta(hours=_cooloff_hours) if _cooloff_hours > 0 else None
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "improvement.accounts.locked_out"
# The log names the username and address of every failure and lock-out (never the password):
# what a council's security team asks for after an attack.
AXES_SENSITIVE_PARAMETERS = []

# Sessions end after this many hours without a request; a request starts the clock again,
# written at most once a minute (config.middleware.IdleSessionClock).
SESSION_IDLE_HOURS = float(os.environ.get("SESSION_IDLE_HOURS", "8"))
SESSION_COOKIE_AGE = int(SESSION_IDLE_HOURS * 3600)
SESSION_IDLE_CLOCK_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Outgoing e-mail (EMAIL_URL or EMAIL_HOST...); sets EMAIL_CONFIGURED, which offers password reset.
globals().update(email_settings(os.environ, debug=DEBUG))
# Mail sent by the worker has no request to take an address from: its links start with this.
# Unset, the first ALLOWED_HOSTS over HTTPS (or the development server's address with DEBUG).
SITE_NAME = os.environ.get("SITE_NAME", "Improvement Tracker")
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or (
    "http://127.0.0.1:8000" if DEBUG or not ALLOWED_HOSTS else f"https://{ALLOWED_HOSTS[0]}"
)

# Only the site's own scripts, styles and images; the board pack's charts are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# The admin's own templates (Django's, django-import-export's, django-simple-history's) carry a
# few inline styles and one inline handler. On admin pages only, the policy allows exactly these
# texts by their hashes (config.middleware.ContentSecurityPolicyMiddleware); nothing else inline.
CSP_ADMIN_INLINE = {
    "style-src": [
        "\n      #changelist table thead th:first-child {width: inherit}\n    ",
        "padding: 0;",
        "font-weight: bold;",
        "border-top: 0",
    ],
    "script-src": ["onSelectToggleChange(event)"],
}
# Every powerful browser feature off: the tracker uses none of them.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "usb",
        "xr-spatial-tracking",
    )
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer inside the council's network may probe the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Failed sign-ins (INFO) and lock-outs (WARNING) reach the console whatever LOG_LEVEL says.
    "loggers": {
        "axes": {"level": "INFO"},
        "improvement.accounts": {"level": "INFO"},
        # Every refused single sign-on, with its reason.
        "sso": {"level": "INFO"},
    },
}

# Single sign-on (sso/): client secrets typed in the admin are encrypted with a key derived from
# this, or from SECRET_KEY when it is unset; changing it means typing every secret in again.
SSO_SECRET_KEY = os.environ.get("SSO_SECRET_KEY", "")
