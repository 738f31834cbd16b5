from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Everything is served by the platform itself: no CDN, no web fonts, no trackers.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob:; "
    "font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response


class DatabaseBusyMiddleware:
    """A locked or unreachable database gives a 503 page asking to retry, not a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import OperationalError
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        if not isinstance(exception, OperationalError):
            return None
        logging.getLogger(__name__).warning(
            "database unavailable on %s: %s", request.path, exception
        )
        response = render(
            request,
            "core/error.html",
            {
                "code": 503,
                "title": _("服务繁忙"),
                "text": _("访问的人有点多，请稍等几秒后刷新页面。"),
            },
            status=503,
        )
        response["Retry-After"] = "2"
        return response
