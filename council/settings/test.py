"""Test settings: the database comes from DATABASE_URL (PostgreSQL in CI)."""

from council.settings.base import *  # noqa: F403

CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
DEADLINE_SWEEP_IN_SERVER = True  # as in the embedded default, whatever REDIS_URL says
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ROOM_PRESENCE_COALESCE_SECONDS = 0.05
# Python's own full collections in the test process, whose event loops come and go (the
# servers the end-to-end and browser tests start use base settings: the collector runs there).
GC_QUIET_COLLECTIONS = False
VOTE_PARTICIPATION_COALESCE_SECONDS = 0  # announced at once, where the test can see it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Connections kept open by Channels' database threads would stop the test database
# being dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
CONSULTATION_ENDORSEMENTS_COALESCE_SECONDS = 0.05
PETITIONS_SIGNATURES_COALESCE_SECONDS = 0.05
BUDGET_PARTICIPATION_COALESCE_SECONDS = 0.05
QUESTIONNAIRE_RESULTS_COALESCE_SECONDS = 0.05
