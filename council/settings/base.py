"""Settings for every environment, read from the process environment.

With no variable set, Council runs as the embedded default: SQLite, an in-memory
channel layer, Celery tasks run eagerly and e-mail is printed to the console.
Every variable is documented in README.md.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE
from csp.constants import SELF
from csp.constants import UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env(
    "SECRET_KEY", default="embedded-default-insecure-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=["http://127.0.0.1:8000", "http://localhost:8000"]
)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "guardian",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    # Social log-in (council/identity): the instance's apps (allauth's SocialApp, set up by the
    # superuser) and each council's own (CouncilSocialApp: all but Apple).
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.apple",
    "council.core",
    "council.accounts",
    "council.councils",
    "council.youth",  # birth dates, age ranges, a parent's consent under 15
    "council.verifications",  # what people have proved; what rooms, votes… require
    "council.groups",
    "council.rooms",
    "council.workshops",
    "council.voting.assembly",
    "council.voting.questions",
    "council.voting.ballots",
    "council.voting.polls",
    "council.consultation",
    "council.consultation.questionnaires",
    "council.consultation.petitions",
    "council.consultation.meetings",
    "council.budgeting",
    "council.identity",  # FranceConnect, ProConnect, councils' social log-ins: one client per council
    "council.demo",  # last: seeds every app's demo data (manage.py seed_demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "council.identity.csp.form_action_middleware",  # the log-out form may end at FranceConnect
    "council.councils.middleware.CurrentCouncilMiddleware",
    "council.councils.mfa.MFARequiredMiddleware",  # officials set up a second factor before anything else
    "council.youth.middleware.ParentalConsentMiddleware",  # under 15: a parent consents before the account is used
    "council.core.middleware.ServiceUnavailableMiddleware",  # last: sees view errors first
]

ROOT_URLCONF = "council.urls"
ASGI_APPLICATION = "asgi.application"

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
                "django.template.context_processors.i18n",
                "council.councils.context_processors.council_brand",
                "council.groups.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'council.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Sockets run their queries one at a time on Channels' database thread: reusing the
# connection instead of opening one per call doubles the connect rate.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: sockets write from several threads at once. A deferred
    # transaction that reads and then writes fails at once with "database is locked" when
    # another holds the write lock (SQLite cannot wait there: it would deadlock), which
    # closed a socket with 1011; IMMEDIATE takes the write lock at BEGIN, where the busy
    # timeout makes it wait its turn. WAL lets readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    # redis-py 8 defaults (5 s socket timeout, a pool that raises when full) kill idle
    # consumers and crash them during connection storms (django/channels_redis#422).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "council.core.channel_layer.ShieldedRedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "max_connections": 1000}],
                "capacity": 1500,
                "expiry": 60,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")  # instances sharing a broker
# With Redis, a task whose worker died is handed out again once this many seconds passed.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}

# Deadlines (workshop ends, warnings, closing countdowns, votes opening and closing) are applied by a sweep
# every DEADLINE_SWEEP_SECONDS: `celery -A council beat` (one process) where workers run; a
# loop inside the Daphne process where tasks run eagerly, since eager tasks ignore `eta`.
DEADLINE_SWEEP_SECONDS = env.float("DEADLINE_SWEEP_SECONDS", default=1.0)
DEADLINE_SWEEP_IN_SERVER = env.bool("DEADLINE_SWEEP_IN_SERVER", default=CELERY_TASK_ALWAYS_EAGER)
CELERY_BEAT_SCHEDULE = {
    "deadlines": {
        "task": "council.core.tasks.deadlines_apply",
        "schedule": DEADLINE_SWEEP_SECONDS,
        # a sweep nobody ran in time is replaced by the next one, not queued up behind it
        "options": {"expires": max(10.0, 5 * DEADLINE_SWEEP_SECONDS)},
    },
}

# Accounts nobody logged into for this many days are deleted (as their owner would: records kept by
# law stay, docs/personal-data.md), once a day by `celery -A council beat`; 0 turns it off.
INACTIVE_ACCOUNT_RETENTION_DAYS = env.int("INACTIVE_ACCOUNT_RETENTION_DAYS", default=0)
if INACTIVE_ACCOUNT_RETENTION_DAYS:
    CELERY_BEAT_SCHEDULE["inactive-accounts"] = {
        "task": "council.accounts.tasks.inactive_accounts_delete",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600.0},
    }

# Records kept by law (sign-in sheets, proxies, votes' electoral lists and boxes, the audit trail of
# paper ballots, the audit log: docs/personal-data.md) are deleted once a day by `celery -A council
# beat` when their retention is over: days per kind, as JSON ({"sittings": 3650, "audit_log": 1825});
# a kind not named is kept 2192 days (six years). Kinds: council/core/retention.py's registry.
KEPT_RECORD_RETENTION_DAYS = env.json("KEPT_RECORD_RETENTION_DAYS", default={})
CELERY_BEAT_SCHEDULE["kept-records"] = {
    "task": "council.core.tasks.kept_records_purge",
    "schedule": 24 * 3600.0,
    "options": {"expires": 3600.0},
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "council.core.permissions.RulesBackend",  # rules, answers remembered per unit of work
    "council.core.permissions.ObjectPermissionBackend",  # guardian, see there
    "allauth.account.auth_backends.AuthenticationBackend",
]
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]  # guardian's backend is hooked, as a subclass
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: e-mail is the login; verification is mandatory; failed log-ins are
# throttled per address (ip) and per account (key).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "council.accounts.adapter.CouncilAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
}
# Multi-factor log-in (allauth.mfa): an authenticator app (TOTP), security keys and passkeys
# (WebAuthn) and recovery codes, offered to everyone, required of administrators, vote officials
# and superusers (council/councils/mfa.py). WebAuthn needs a secure context: HTTPS, or
# http://localhost in development; its relying party is the host the page was served from.
MFA_ADAPTER = "council.accounts.mfa_adapter.CouncilMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# A code of the period before or after is accepted too: phones' clocks drift (RFC 6238, 5.2).
MFA_TOTP_TOLERANCE = 1
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Council")

# Social log-in (council/identity): a provider's account never links to an existing account by
# its e-mail unless the instance's superuser allowed it for that app (its `email_authentication`
# setting, or a FranceConnect or ProConnect client's "link by e-mail"); a council's own social
# log-in never does.
SOCIALACCOUNT_ADAPTER = "council.identity.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True  # where a superuser allowed linking: link for good
SOCIALACCOUNT_STORE_TOKENS = False
# allauth's generic OpenID Connect sends no nonce: ours sends one and checks it (council/identity/oidc.py).
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"provider_class": "council.identity.oidc.NonceOpenIDConnectProvider"},
}
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SOCIALACCOUNT_REQUESTS_TIMEOUT", default=10)
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Council <noreply@localhost>")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "frontend" / "src",
    ("vendor/leaflet", BASE_DIR / "frontend" / "node_modules" / "leaflet" / "dist"),
    # Leaflet's marker clustering (the map of a consultation's contributions, thousands of markers)
    ("vendor/markercluster", BASE_DIR / "frontend" / "node_modules" / "leaflet.markercluster" / "dist"),
    ("vendor/geoman", BASE_DIR / "frontend" / "node_modules" / "@geoman-io" / "leaflet-geoman-free" / "dist"),
    # Yjs and lib0 bundled into one ES module by `npm ci` (frontend/package.json, postinstall).
    ("vendor/yjs", BASE_DIR / "frontend" / "node_modules" / ".council-vendor" / "yjs"),
]
# The open data API (council/consultation/api): read-only and anonymous (no session, so no CSRF),
# JSON only, throttled per address; its OpenAPI schema is at /api/v1/schema/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("API_ANON_THROTTLE_RATE", default="120/minute")},
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Council open data API",
    "DESCRIPTION": "Published consultations, their visible contributions and comments. Read-only, public data only.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
# Reverse proxies in front of Daphne, each appending the address it saw to X-Forwarded-For:
# the client address is read that many entries from the right, and the scheme from the
# X-Forwarded-Proto the edge proxy wrote, for HTTP and WebSockets alike (council/core/proxy.py,
# which wraps the whole application in asgi.py).
# 0: no proxy, the headers are ignored. Daphne runs without --proxy-headers, and
# SECURE_PROXY_SSL_HEADER stays unset: the scheme comes from the same rule, so a client
# cannot claim HTTPS by sending the header itself. ALLAUTH_TRUSTED_PROXY_COUNT must stay 0
# (allauth then reads REMOTE_ADDR, already the client's).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Live rooms.
ROOM_MAX_FRAME_BYTES = env.int("ROOM_MAX_FRAME_BYTES", default=64 * 1024)  # room for SDP offers
# The process-wide hub (council/core/hub.py) subscribes once per group for all of a process's
# sockets; a socket with more than HUB_INBOX_LIMIT events waiting drops them and resyncs.
HUB_ENABLED = env.bool("HUB_ENABLED", default=True)
HUB_INBOX_LIMIT = env.int("HUB_INBOX_LIMIT", default=1000)
# An event for more sockets than this is put into their inboxes over several turns of the event
# loop, this many a turn, so that the acks and frames of the moment do not wait behind all of it.
HUB_DELIVERIES_PER_TURN = env.int("HUB_DELIVERIES_PER_TURN", default=100)
# A process serving sockets runs its full garbage collections itself (council/core/collector.py):
# at least GC_FULL_COLLECTION_SECONDS apart, when its sockets sent fewer than GC_QUIET_FRAMES
# frames in the last second, and at the latest every GC_FULL_COLLECTION_MAX_SECONDS; Python's own
# stalled the process ~0.3 s in the middle of a crowd's vote.
GC_QUIET_COLLECTIONS = env.bool("GC_QUIET_COLLECTIONS", default=True)
GC_FULL_COLLECTION_SECONDS = env.float("GC_FULL_COLLECTION_SECONDS", default=60.0)
GC_FULL_COLLECTION_MAX_SECONDS = env.float("GC_FULL_COLLECTION_MAX_SECONDS", default=600.0)
GC_QUIET_FRAMES = env.int("GC_QUIET_FRAMES", default=50)
# What connects read again and again, kept per process (council/core/process_cache.py): people's
# sessions and facts at most PROCESS_CACHE_SECONDS (0: keep nothing), dropped at once by the
# changes committed anywhere; rooms' shared views at most ROOM_VIEWS_SECONDS, dropped by any
# event the process hears.
PROCESS_CACHE_SECONDS = env.float("PROCESS_CACHE_SECONDS", default=60.0)
# asgi.py sets the start-up objects aside from the garbage collector (council/core/startup.py):
# a full collection then costs a few milliseconds instead of some 100 ms. False to compare.
GC_FREEZE_AT_START = env.bool("GC_FREEZE_AT_START", default=True)
ROOM_VIEWS_SECONDS = env.float("ROOM_VIEWS_SECONDS", default=2.0)
ROOM_MESSAGE_MAX_CHARS = env.int("ROOM_MESSAGE_MAX_CHARS", default=2000)
ROOM_RATE_LIMIT = env("ROOM_RATE_LIMIT", default="20/10")  # commands / seconds, per user
# Tries at the census check, per person and council: "5/3600" is 5 tries an hour (the list
# holds names and birth dates: guessing must stay slow).
CENSUS_CHECK_RATE_LIMIT = env("CENSUS_CHECK_RATE_LIMIT", default="5/3600")
# How long a code handed over by an official (post, in person) stays valid, in days.
VERIFICATION_CODE_DAYS = env.int("VERIFICATION_CODE_DAYS", default=60)
# Binding votes: ballots wait until at least this many are cast, then enter the box together,
# shuffled (all of them at closing); participation is announced at most once per this many seconds.
VOTE_BATCH_MIN = env.int("VOTE_BATCH_MIN", default=10)
VOTE_PARTICIPATION_COALESCE_SECONDS = env.float("VOTE_PARTICIPATION_COALESCE_SECONDS", default=1.0)
WORKSHOP_TIMER_WARNINGS = [int(s) for s in env.list("WORKSHOP_TIMER_WARNINGS", default=["300", "60"])]  # seconds left
# How often the hall's sign-in code (QR) changes; the previous code stays valid one more period.
ASSEMBLY_HALL_CODE_SECONDS = env.int("ASSEMBLY_HALL_CODE_SECONDS", default=120)
ROOM_HISTORY_ON_JOIN = env.int("ROOM_HISTORY_ON_JOIN", default=100)
ROOM_RESYNC_MAX = env.int("ROOM_RESYNC_MAX", default=1000)
ROOM_PRESENCE_LIST_MAX = env.int("ROOM_PRESENCE_LIST_MAX", default=200)
ROOM_PRESENCE_COALESCE_SECONDS = env.float("ROOM_PRESENCE_COALESCE_SECONDS", default=0.5)
# Live Q&A: a burst of upvotes is heard as one count per this many seconds (council/voting/questions).
QUESTIONS_VOTES_COALESCE_SECONDS = env.float("QUESTIONS_VOTES_COALESCE_SECONDS", default=1.0)

# Live polls: at most one tally per poll per this interval, across every server process.
# A coalesced tally waits longer in a crowd: at most this many deliveries a second per process
# for one tally (council/core/coalesce.py interval_for; a room of 1,500 per process: 1.5 s).
LIVE_DELIVERIES_PER_SECOND = env.int("LIVE_DELIVERIES_PER_SECOND", default=1000)
POLL_RESULTS_COALESCE_SECONDS = env.float("POLL_RESULTS_COALESCE_SECONDS", default=1.0)
# Consultations: a contribution's endorsement count reaches open pages at most once per interval.
CONSULTATION_ENDORSEMENTS_COALESCE_SECONDS = env.float("CONSULTATION_ENDORSEMENTS_COALESCE_SECONDS", default=1.0)
# At most one count of a petition's signatures per interval to its open pages (council/consultation/petitions/live.py).
PETITIONS_SIGNATURES_COALESCE_SECONDS = env.float("PETITIONS_SIGNATURES_COALESCE_SECONDS", default=1.0)
# A questionnaire's results reach open results pages and meeting stages at most once per interval.
QUESTIONNAIRE_RESULTS_COALESCE_SECONDS = env.float("QUESTIONNAIRE_RESULTS_COALESCE_SECONDS", default=2.0)
# Participatory budgets: the count of submitted ballots reaches open pages at most once per interval.
BUDGET_PARTICIPATION_COALESCE_SECONDS = env.float("BUDGET_PARTICIPATION_COALESCE_SECONDS", default=1.0)
# Anonymous answers from the phone page, per client address (answers per window in seconds).
POLL_PHONE_RATE_LIMIT = env("POLL_PHONE_RATE_LIMIT", default="30/60")
# A live socket's row is refreshed every TTL/3 (one UPDATE per process); the row of a socket
# whose process was killed leaves the summaries within TTL, and is announced gone by a
# surviving process's heartbeat within TTL + TTL/3 (plus the coalescing delay).
ROOM_PRESENCE_TTL_SECONDS = env.int("ROOM_PRESENCE_TTL_SECONDS", default=45)
ROOM_MAX_SOCKETS_PER_PERSON = env.int("ROOM_MAX_SOCKETS_PER_PERSON", default=10)  # per process; then 4409
# Test runs only: a file every frame this process sends is appended to, one JSON line each,
# which the end-to-end and browser tests check against docs/asyncapi.yaml (tests/protocol.py).
FRAME_LOG = env("FRAME_LOG", default="")

# Video in live rooms (docs/media.md): media workers, ICE, followers.
MEDIA_ICE_SERVERS = env.json("MEDIA_ICE_SERVERS", default=[])  # [{"urls", "username", "credential"}]
MEDIA_UDP_PORT_MIN = env.int("MEDIA_UDP_PORT_MIN", default=0)  # 0: any free port
MEDIA_UDP_PORT_MAX = env.int("MEDIA_UDP_PORT_MAX", default=0)
MEDIA_MAX_FOLLOWERS = env.int("MEDIA_MAX_FOLLOWERS", default=200)  # receive-only people per room
# Without Redis the media worker runs inside the Daphne process, started on first use.
MEDIA_EMBEDDED_WORKER = env.bool("MEDIA_EMBEDDED_WORKER", default=not REDIS_URL)
MEDIA_WORKER_HEARTBEAT_SECONDS = env.float("MEDIA_WORKER_HEARTBEAT_SECONDS", default=2.0)
MEDIA_REPLY_TIMEOUT_SECONDS = env.float("MEDIA_REPLY_TIMEOUT_SECONDS", default=10.0)
MEDIA_KEY_PREFIX = env("MEDIA_KEY_PREFIX", default="council:media")

# The largest Pabulib (.pb) file the budget import page accepts, in bytes.
BUDGET_IMPORT_MAX_BYTES = env.int("BUDGET_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)

# Maps of zones (Leaflet); any tile server in the {z}/{x}/{y} scheme.
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# HTML, inserted as is by Leaflet (a link to the tiles' licence): only the operator sets it.
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def _origin(url: str) -> str:
    """The origin of a tile URL template, for the CSP ("{s}" subdomains become a wildcard)."""
    parts = urlsplit(url.replace("{s}", "*"))
    if not parts.scheme or not parts.netloc:  # tiles served by Council itself ("/static/tiles/…")
        return SELF
    return f"{parts.scheme}://{parts.netloc}"


# Content-Security-Policy (django-csp), for every page of every environment, tests included.
# Scripts come only from our own files: no inline script, no eval, no on…= handler
# (tests/core/test_security_headers.py walks the templates). Styles allow 'unsafe-inline':
# base.html sets the council's colours in a <style> from the database, seven templates carry
# a <style> block and breakdown_table.html draws its bars with style="width: N%". A nonce would
# cover the <style> blocks but not the attribute, and browsers ignore 'unsafe-inline' once a
# nonce is present. (Leaflet and Geoman position things through element.style, the CSSOM,
# which style-src does not restrict.) Style cannot run script; images and connections stay
# restricted, which limits what injected CSS could reach.
# connect-src 'self' covers the same-host ws:/wss: sockets (CSP 3; Chrome 71, Firefox,
# Safari 16); production.py adds wss:// of each allowed host for older Safari.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", _origin(MAP_TILE_URL)],  # data: for Leaflet's and Geoman's icons
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
