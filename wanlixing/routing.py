"""WebSocket routes: each app that speaks WebSocket exposes ``websocket_urlpatterns``."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings


def websocket_urlpatterns() -> list[Any]:
    patterns: list[Any] = []
    for label, _prefix in settings.PLATFORM_AREAS:
        try:
            module = import_module(f"wanlixing.{label}.routing")
        except ModuleNotFoundError as exc:
            if exc.name != f"wanlixing.{label}.routing":
                raise
            continue
        patterns.extend(module.websocket_urlpatterns)
    return patterns
