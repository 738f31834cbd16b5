"""WebSocket authentication: channels' stack, minus the database trip for anonymous sockets."""

from __future__ import annotations

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib.auth.models import AnonymousUser


class SessionAuthMiddleware(AuthMiddleware):
    """channels' AuthMiddleware without a database trip for sockets that carry no session.

    A live-quiz phone that joins by PIN has no session cookie; channels would still hand it
    to a database thread to find out that it is anonymous (about a fifth of a join's CPU).
    Sockets with a session are resolved exactly as channels does.
    """

    async def resolve_scope(self, scope):
        session = scope.get("session")
        if session is not None and session.session_key is None:
            scope["user"]._wrapped = AnonymousUser()
            return
        await super().resolve_scope(scope)


def websocket_auth_stack(inner):
    """Cookies → session → user, as channels' AuthMiddlewareStack, with SessionAuthMiddleware."""
    return CookieMiddleware(SessionMiddleware(SessionAuthMiddleware(inner)))
