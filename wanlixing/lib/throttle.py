"""Fixed-window rate limits in the cache (Redis when configured: they hold across workers)."""

from __future__ import annotations

import time

from django.core.cache import cache


def throttle_hit(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; return True when the caller is over ``limit`` in the window."""
    window = int(time.time() // window_seconds)
    cache_key = f"throttle:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 1):
        return False
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds + 1)
        return False
    return count > limit


def client_address(request) -> str:
    """The client's address; X-Forwarded-For is trusted only behind a configured proxy."""
    from django.conf import settings

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"
