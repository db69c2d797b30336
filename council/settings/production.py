"""Production: only tightens the base settings.

`manage.py check --deploy --fail-level WARNING` passes with these settings (scripts/test runs it).
"""

from council.settings.base import *  # noqa: F403
from council.settings.base import ALLOWED_HOSTS
from council.settings.base import CONTENT_SECURITY_POLICY
from council.settings.base import env

SECRET_KEY = env("SECRET_KEY")  # no default in production: fail loudly if unset

DEBUG = False

# HTTPS only. Behind a proxy, the scheme comes from its X-Forwarded-Proto as read by
# council/core/proxy.py (TRUSTED_PROXY_COUNT), so the redirect does not loop.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Every cookie we set travels over HTTPS only.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
LANGUAGE_COOKIE_SECURE = env.bool("LANGUAGE_COOKIE_SECURE", default=True)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Safari before 16 does not let connect-src 'self' cover WebSockets: name them
# (an ALLOWED_HOSTS entry ".example.org" means the domain and its subdomains).
_SOCKETS = [f"wss://*{host}" if host.startswith(".") else f"wss://{host}" for host in ALLOWED_HOSTS if host != "*"]
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "connect-src": [*CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"], *_SOCKETS],
    },
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
