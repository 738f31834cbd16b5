"""The WebSocket stack resolves users like channels, with no DB trip for anonymous sockets."""

from __future__ import annotations

from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.conf import settings

from wanlixing.core.websocket_auth import websocket_auth_stack

pytestmark = pytest.mark.django_db(transaction=True)


class WhoAmI(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        user = self.scope["user"]
        await self.send_json(
            {"authenticated": user.is_authenticated, "username": user.get_username()}
        )


async def _ask(headers):
    comm = WebsocketCommunicator(websocket_auth_stack(WhoAmI.as_asgi()), "/ws/", headers=headers)
    connected, _ = await comm.connect()
    assert connected
    answer = await comm.receive_json_from()
    await comm.disconnect()
    return answer


def _who(headers):
    return async_to_sync(_ask)(headers)


def test_socket_without_session_is_anonymous_without_asking_the_database():
    with mock.patch("channels.auth.get_user", side_effect=AssertionError("database asked")):
        answer = _who([])
    assert answer == {"authenticated": False, "username": ""}


def test_socket_with_a_logged_in_session_gets_its_user(client, learner):
    client.force_login(learner)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    answer = _who([(b"cookie", cookie.encode())])
    assert answer == {"authenticated": True, "username": learner.get_username()}


def test_socket_with_an_unknown_session_is_anonymous():
    cookie = f"{settings.SESSION_COOKIE_NAME}=abcdefghijklmnopqrstuvwxyz012345"
    answer = _who([(b"cookie", cookie.encode())])
    assert answer == {"authenticated": False, "username": ""}
