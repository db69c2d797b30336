"""ASGI entry point: HTTP goes to Django, WebSockets through Origin check and session auth.

Everything first goes through TrustedProxyMiddleware, which sets the client address and
scheme from the headers our own proxies wrote (run Daphne without --proxy-headers).
Once loaded, the garbage collector is set for a server (council/core/garbage_collection.py).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings.base")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from council.core.garbage_collection import tune_for_server  # noqa: E402
from council.core.proxy import TrustedProxyMiddleware  # noqa: E402
from council.core.socket_auth import AuthMiddlewareStack  # noqa: E402
from council.routing import websocket_urlpatterns  # noqa: E402

application = TrustedProxyMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)

tune_for_server()  # after everything above is loaded: see council/core/garbage_collection.py
