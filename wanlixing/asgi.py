"""ASGI entry point: HTTP through Django, WebSocket through channels."""

from __future__ import annotations

import gc
import os
import warnings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanlixing.settings")
# WhiteNoise serves static files with a synchronous iterator; under ASGI Django warns once
# per file. The files are small and served from the page cache, so the warning is noise.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from wanlixing.core.websocket_auth import websocket_auth_stack  # noqa: E402
from wanlixing.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            websocket_auth_stack(URLRouter(websocket_urlpatterns()))
        ),
    }
)

# Garbage collection: everything loaded so far (Django, the apps, the URL and WebSocket
# routes) lives as long as the process, so it is moved out of the collector's sight, and
# young objects are collected ten times less often. A live game makes many short-lived
# objects per frame; with the defaults the collector took about a fifth of a worker's CPU
# during a 2,000-player game (docs/readme/livequiz.md).
gc.collect()
gc.freeze()
gc.set_threshold(7000, 20, 20)
