"""Production: only tightens the base settings."""

from council.settings.base import *  # noqa: F403
from council.settings.base import env

SECRET_KEY = env("SECRET_KEY")  # no default in production: fail loudly if unset

DEBUG = False
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
