"""ASGI entry point: HTTP goes to Django, WebSockets through Origin check and session auth.

Everything first goes through TrustedProxyMiddleware, which sets the client address and
scheme from the headers our own proxies wrote (run Daphne without --proxy-headers).
Once it is all built, the start-up objects are frozen out of the garbage collector's full
collections (council/core/startup.py): they cost some 100 ms a collection otherwise.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings.base")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from council.core.handshake import format_debug_messages_lazily  # noqa: E402
from council.core.proxy import TrustedProxyMiddleware  # noqa: E402
from council.core.socket_auth import AuthMiddlewareStack  # noqa: E402
from council.core.startup import freeze_start_up_objects  # noqa: E402
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

format_debug_messages_lazily()  # Daphne's handshakes no longer format debug messages never written
# last: everything start-up made is set aside from the garbage collector (council/core/startup.py)
freeze_start_up_objects()
