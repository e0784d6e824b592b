"""Settings for the test suite: fast hashing, eager Celery for unit tests only."""

from ptrevops.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# The suite's process serves thousands of requests: nothing of it is to be kept.
GC_FREEZE_AFTER_REQUESTS = ()
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Static files come from the finders; an empty STATIC_ROOT keeps whitenoise quiet.
STATIC_ROOT = PTREVOPS_VAR_DIR / "staticfiles"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
# One test database per test process, so that several runs on one server (two
# developers, or CI beside a demo) never drop each other's database.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": __import__("os").environ.get("PTREVOPS_TEST_DB")
    or f"test_ptrevops_{__import__('os').getpid()}"
}
