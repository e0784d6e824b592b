"""Settings shared by every mode. Everything that differs between machines comes
from the environment (see `environment.py`); nothing here is a secret."""

from pathlib import Path

from ptrevops.settings.environment import env_bool, env_list, services

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # ptrevops first: its `migrate` command (run as the table owner) overrides Django's.
    "ptrevops",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "clinics",
    "episodes",
    "billing",
    "analytics",
]

MIDDLEWARE = [
    "ptrevops.heap.FreezeHeapAfterWarmup",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ptrevops.logging.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ptrevops.tenancy.middleware.TenantMiddleware",
    "ptrevops.security.ContentSecurityPolicyMiddleware",
]

# Requests after which a worker freezes its heap again (ptrevops/heap.py).
GC_FREEZE_AFTER_REQUESTS = (50, 500)

ROOT_URLCONF = "ptrevops.urls"
WSGI_APPLICATION = "ptrevops.wsgi.application"

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
                "ptrevops.tenancy.context_processors.tenant",
            ],
        },
    }
]

_services = services()
DATABASES = {"default": _services.database}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# JIT compilation costs ~1 s per analytic statement and buys nothing at this
# product's row counts; its cost threshold is easily crossed by the planner's
# estimates for the metric CTEs, so it is off for every connection.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
REDIS_URL = _services.redis_url
# The role every request and task runs as. It owns nothing and is not a superuser,
# so PostgreSQL row-level security applies to it even when DATABASE_URL names one.
DATABASE_APP_ROLE = "ptrevops_app"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _services.redis_cache_url,
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinics.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# plotly.js is served from the plotly package itself: same version as the Python side,
# no CDN, nothing vendored into the repo.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/plotly", Path(__import__("plotly").__file__).parent / "package_data"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = _services.var_dir / "media"

# Sessions: a working day, gone when the browser closes, stored in Redis-backed cache + DB.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-allauth: email + password, no open sign-up (operators create organizations).
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "clinics.accounts.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
}
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ptrevops"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "ptrevops <no-reply@ptrevops.invalid>"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clinics.api.authentication.OrganizationTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "ptrevops.pagination.IdCursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_RATES": {"user": "6000/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ptrevops API",
    "DESCRIPTION": "Revenue operations for outpatient physical-therapy clinic groups.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a `status`: name each enum after its own choices.
    "ENUM_NAME_OVERRIDES": {
        "ImportStatusEnum": "clinics.choices.ImportStatus",
        "DenialStatusEnum": "billing.choices.DenialStatus",
    },
}

# Celery: Redis as broker and result store; tasks run for real in every mode.
CELERY_BROKER_URL = _services.celery_broker_url
CELERY_RESULT_BACKEND = _services.celery_broker_url
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_BEAT_SCHEDULE_FILENAME = str(_services.var_dir / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"

PTREVOPS_VAR_DIR = _services.var_dir

LOG_FORMAT = "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}

# The beat schedule is code: inboxes are checked every 5 minutes and each
# organization's is imported once a day at its own local hour.
CELERY_BEAT_SCHEDULE = {
    "scan-inboxes": {"task": "imports.scan_inboxes", "schedule": 300.0},
}
PTREVOPS_INBOX_DIR = __import__("os").environ.get("PTREVOPS_INBOX_DIR", "")
