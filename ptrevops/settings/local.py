"""Settings for `make demo` and development: embedded services, debug on."""

from ptrevops.settings.base import *  # noqa: F403
from ptrevops.settings.environment import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = (
    __import__("os").environ.get("SECRET_KEY") or "insecure-local-only-key-not-for-production"
)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOG_FORMAT = "plain"
LOGGING["formatters"]["plain"] = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = "plain"  # noqa: F405
# Static files come from the finders; an empty STATIC_ROOT keeps whitenoise quiet.
STATIC_ROOT = PTREVOPS_VAR_DIR / "staticfiles"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
