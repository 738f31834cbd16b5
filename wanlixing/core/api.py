"""Shared pieces of the HTTP API: the error type, authentication and the error shape.

Every error leaves the API as ``{"error": {"code": ..., "message": ...}}`` with a
Chinese message; validation errors add ``details``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.session import SessionAuth

from wanlixing.accounts.services import api_token_authenticate


class ApiError(Exception):
    """Raise from any API route: becomes ``{"error": {"code", "message"}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return {"error": body}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer wlx_…`` for app and mini-program clients."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
            # Token clients are not browsers: no CSRF cookie to check.
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return user


class OptionalAuth(APIKeyCookie):
    """Lets anonymous callers through; a valid token or session identifies the user."""

    param_name = "sessionid"

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = api_token_authenticate(header[7:].strip())
            if user is not None:
                request.user = user
                return user
        user = getattr(request, "user", None)
        return user if user is not None else AnonymousUser()

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return None


# Routes that need a signed-in user; web pages use the session, apps a bearer token.
AUTH = [TokenAuth(), SessionAuth()]
AUTH_OPTIONAL = [OptionalAuth()]
