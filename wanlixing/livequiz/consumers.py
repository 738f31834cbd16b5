"""WebSocket endpoints of a live game: player, host and big screen.

Plain ASGI applications rather than channels consumers: a socket here never needs the
channel layer (fan-out goes through ``hub.py``), and a frame is handled without a
thread hop. The frame protocol is described in docs/INTERFACES.md (livequiz).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from redis.exceptions import RedisError

from wanlixing.livequiz import live, wire
from wanlixing.livequiz.hub import hub
from wanlixing.livequiz.nicknames import NicknameError, nickname_clean, nickname_fold

log = logging.getLogger(__name__)

MAX_FRAME_CHARS = 2048
FRAMES_PER_SECOND = 10
# A socket that has this many frames waiting is too slow to keep up; it is dropped and
# may rejoin (its state is in the store).
MAX_QUEUED = 500
CLOSE = ""


def scope_address(scope: dict[str, Any]) -> str:
    """Same policy as wanlixing.lib.throttle.client_address, for a WebSocket scope."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                return value.decode("latin-1").split(",")[0].strip()
    client = scope.get("client") or ("unknown", 0)
    return str(client[0])


class Socket:
    """One connection: a receive loop and an outgoing queue drained by a writer task."""

    number: int | None = None

    def __init__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scope = scope
        self.receive = receive
        self.send = send
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.game_key: str | None = None
        self.window = 0
        self.window_count = 0
        self.closed = False
        # Set once accepted when the server lets frames be written to its transport
        # directly (wire.py); frames then skip the queue, the writer task and ASGI send.
        self.wire: wire.Wire | None = None
        # The writer task is between taking a frame from the queue and having sent it.
        self.sending = False
        self.task: asyncio.Task[Any] | None = None
        self.stopping = False
        self.receiving = False

    @classmethod
    def as_asgi(cls) -> Any:
        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            await cls(scope, receive, send).run()

        return app

    def push(self, text: str, frame: bytes | None = None) -> None:
        """Send ``text`` (``frame``: the same text already encoded by wire.text_frame, for
        a broadcast). Written at once when the socket has a wire and nothing queued;
        otherwise queued for the writer task, in order."""
        if self.closed:
            return
        if (
            self.wire is not None
            and text != CLOSE
            and not self.sending
            and self.queue.empty()
            and self.wire.write(frame if frame is not None else wire.text_frame(text))
        ):
            return
        if self.queue.qsize() >= MAX_QUEUED:
            self.closed = True
            self.queue.put_nowait(CLOSE)
            return
        self.queue.put_nowait(text)

    def reply(self, frame: dict[str, Any]) -> None:
        self.push(live.dumps(frame))

    def error(self, code: str) -> None:
        self.push(live.error_frame(code))

    async def _write(self) -> None:
        while True:
            text = await self.queue.get()
            self.sending = True
            if text == CLOSE:
                with contextlib.suppress(Exception):
                    await self.send({"type": "websocket.close", "code": 4000})
                return
            try:
                await self.send({"type": "websocket.send", "text": text})
            except Exception:  # the client went away; the receive loop ends the socket
                self.closed = True
                return
            self.sending = False

    def _writer_done(self, _writer: asyncio.Task[None]) -> None:
        # The socket is being closed (a CLOSE frame, a slow or vanished client): stop the
        # receive loop if it is waiting for a frame; otherwise it stops after this frame.
        if self.receiving and not self.stopping and self.task is not None:
            self.stopping = True
            self.task.cancel()

    async def run(self) -> None:
        message = await self.receive()
        if message["type"] != "websocket.connect":
            return
        if not await self.connect():
            await self.send({"type": "websocket.close", "code": 4404})
            return
        await self.send({"type": "websocket.accept"})
        self.wire = wire.wire_for(self.send)
        self.task = asyncio.current_task()
        writer = asyncio.create_task(self._write())
        writer.add_done_callback(self._writer_done)
        try:
            await self.opened()
            while not writer.done():
                self.receiving = True
                try:
                    message = await self.receive()
                except asyncio.CancelledError:
                    if not self.stopping:
                        raise
                    # Cancelled by _writer_done, not from outside: the socket is done.
                    assert self.task is not None
                    self.task.uncancel()
                    break
                finally:
                    self.receiving = False
                if message["type"] == "websocket.disconnect":
                    break
                if message["type"] == "websocket.receive":
                    await self.frame(message)
        finally:
            if self.game_key is not None:
                await hub().remove(self.game_key, self)
            if not writer.done():
                # Let queued frames (an error, a kick notice) go out before closing.
                self.queue.put_nowait(CLOSE)
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(writer, timeout=2)
                writer.cancel()

    async def frame(self, message: dict[str, Any]) -> None:
        text = message.get("text")
        if text is None:
            self.error("bad_frame")
            return
        if len(text) > MAX_FRAME_CHARS:
            self.error("frame_too_large")
            return
        second = int(time.monotonic())
        if second != self.window:
            self.window, self.window_count = second, 0
        self.window_count += 1
        if self.window_count > FRAMES_PER_SECOND:
            self.error("too_fast")
            return
        try:
            data = json.loads(text)
        except ValueError:
            self.error("bad_frame")
            return
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            self.error("bad_frame")
            return
        if data["type"] == "ping":
            self.reply({"type": "pong"})
            return
        try:
            await self.handle(data)
        except live.LiveError as exc:
            self.error(exc.code)
        except RedisError:
            # The store is overloaded or restarting: nothing was acknowledged, so the
            # phone may simply send the frame again.
            log.warning("livequiz store unavailable", exc_info=True)
            self.error("busy")

    async def connect(self) -> bool:
        raise NotImplementedError

    async def opened(self) -> None:
        return None

    async def handle(self, data: dict[str, Any]) -> None:
        raise NotImplementedError


class PlayerSocket(Socket):
    """/ws/live/play/<pin>/: join or rejoin, then answer."""

    status = ""
    teams: list[str] | None = None

    def push(self, text: str, frame: bytes | None = None) -> None:
        if text.startswith('{"type":"approved"'):
            self.status = "a"
        elif text.startswith('{"type":"kicked"'):
            self.status = "k"
        super().push(text, frame)

    async def connect(self) -> bool:
        pin = self.scope["url_route"]["kwargs"]["pin"]
        self.pin_game = await live.game_key_for_pin(pin)
        return self.pin_game is not None

    async def opened(self) -> None:
        assert self.pin_game is not None
        state = await live.game_state_for_greeting(self.pin_game)
        self.teams = json.loads(state.get("teams") or "[]")
        self.reply(
            {
                "type": "hello",
                "title": state.get("title", ""),
                "teams": self.teams,
                "status": state.get("status", ""),
            }
        )

    async def handle(self, data: dict[str, Any]) -> None:
        kind = data["type"]
        if kind == "join":
            await self.join(data)
        elif kind == "answer":
            if self.number is None or self.game_key is None:
                raise live.LiveError("not_joined")
            if self.status != "a":
                raise live.LiveError("waiting_approval")
            ack = await live.answer_submit(
                game_key=self.game_key,
                number=self.number,
                index=data.get("index"),
                choice=data.get("choice"),
            )
            self.push(ack)
        else:
            raise live.LiveError("bad_action")

    async def join(self, data: dict[str, Any]) -> None:
        if self.number is not None:
            raise live.LiveError("bad_state")
        key = self.pin_game
        assert key is not None
        token = data.get("token")
        if token:
            joined = await live.player_rejoin(game_key=key, token=token)
        else:
            try:
                nickname = nickname_clean(data.get("nickname"))
            except NicknameError as exc:
                self.push(live.error_frame(exc.code, exc.message))
                return
            user = self.scope.get("user")
            user_id = user.pk if user is not None and user.is_authenticated else None
            team = data.get("team")
            joined = await live.player_join(
                game_key=key,
                nickname=nickname,
                folded=nickname_fold(nickname),
                team=str(team) if team is not None else "",
                user_id=user_id,
                address=scope_address(self.scope),
                teams=self.teams,
            )
        self.number = joined.number
        self.status = joined.status
        self.game_key = key
        await hub().add_player(key, joined.number, self)
        self.reply(
            {
                "type": "joined",
                "player": {
                    "id": joined.number,
                    "nickname": joined.nickname,
                    "team": joined.team,
                    "status": "active" if joined.status == "a" else "waiting",
                },
                "token": joined.token,
            }
        )
        await self.sync(joined)

    async def sync(self, joined: live.Joined) -> None:
        """Bring a (re)joined player to the current state of the game."""
        key, number = self.game_key, self.number
        assert key is not None
        assert number is not None
        if joined.state is not None and joined.standing is not None:
            state, (rank, score) = joined.state, joined.standing
        else:
            state, (rank, score) = await live.state_and_standing(key, number)
        status = state.get("status", "")
        index = int(state.get("qidx", -1))
        frame: dict[str, Any] = {
            "type": "state",
            "status": status,
            "score": score,
            "rank": rank,
            "players": int(state.get("players", 0)),
        }
        if status in ("open", "paused") and index >= 0:
            q = (await live.questions(key))[index]
            deadline = int(state["deadline_ms"])
            if status == "paused":
                remaining = int(state.get("remaining_ms", 0))
            else:
                remaining = max(0, deadline - int(time.time() * 1000))
            frame["question"] = live.question_public(q, int(state["nq"]))
            frame["remaining_ms"] = max(0, remaining - 500)
            frame["answered"] = await live.own_answer(key, number, index)
        self.reply(frame)
        if status == "closed" and index >= 0:
            self.reply(await live.closed_frame(key, index))
        elif status == "ended":
            self.reply(await live.ended_frame(key))


class StaffSocket(Socket):
    """Host and screen sockets: only for staff who may run the game."""

    async def connect(self) -> bool:
        from wanlixing.livequiz.services import game_get_for_host

        key = self.scope["url_route"]["kwargs"]["key"]
        user = self.scope.get("user")
        if user is None:
            return False
        try:
            await database_sync_to_async(game_get_for_host)(user=user, key=key)
        except (PermissionDenied, Http404):
            return False
        self.game_key = key
        return True

    async def opened(self) -> None:
        key = self.game_key
        assert key is not None
        await hub().add_staff(key, self)
        state = await live.game_state(key)
        index = int(state.get("qidx", -1))
        if state.get("status") in ("open", "paused") and index >= 0:
            deadline = int(state["deadline_ms"])
            remaining = max(0, deadline - int(time.time() * 1000) - 500)
            self.reply(await live.question_frame(key, index, remaining))
        elif state.get("status") == "closed" and index >= 0:
            self.reply(await live.closed_frame(key, index))
        elif state.get("status") == "ended":
            self.reply(await live.ended_frame(key))

    async def handle(self, data: dict[str, Any]) -> None:
        raise live.LiveError("bad_action")


class ScreenSocket(StaffSocket):
    """/ws/live/screen/<key>/: receives only."""


class HostSocket(StaffSocket):
    """/ws/live/host/<key>/: runs the game."""

    async def handle(self, data: dict[str, Any]) -> None:
        key = self.game_key
        assert key is not None
        action = data["type"]
        if action in ("start", "next"):
            state = await live.game_state(key)
            if action == "start" and state.get("status") != "lobby":
                raise live.LiveError("bad_state")
            if action == "start":
                from wanlixing.livequiz.services import game_mark_started

                await database_sync_to_async(game_mark_started)(game_key=key)
            await live.game_next(key)
        elif action == "close":
            state = await live.game_state(key)
            if not await live.game_close(key, int(state.get("qidx", -1)), due_only=False):
                raise live.LiveError("bad_state")
        elif action == "pause":
            await live.control(key, "pause")
            await live.publish(key, "all", {"type": "paused"})
        elif action == "resume":
            result = await live.control(key, "resume")
            remaining = max(0, int(result[1]) - 500)
            await live.publish(key, "all", {"type": "resumed", "remaining_ms": remaining})
        elif action == "end":
            await live.game_end(key)
        elif action in ("kick", "approve", "reject"):
            number = data.get("player")
            if not isinstance(number, int) or isinstance(number, bool):
                raise live.LiveError("no_player")
            decision = {"kick": "kick", "approve": "approve", "reject": "kick"}[action]
            await live.player_status_set(game_key=key, number=number, decision=decision)
            if decision == "kick":
                await live.publish(key, f"p:{number}", {"type": "kicked"})
            else:
                await live.publish(key, f"p:{number}", {"type": "approved"})
            self.reply({"type": "done", "action": action, "player": number})
        elif action == "find":
            self.reply({"type": "found", "players": await self.find(data.get("nickname"))})
        else:
            raise live.LiveError("bad_action")

    async def find(self, raw: Any) -> list[dict[str, Any]]:
        from wanlixing.livequiz import store

        if not isinstance(raw, str) or not raw.strip():
            return []
        key = self.game_key
        assert key is not None
        number = await store.aclient().hget(store.Keys(key).nicks, nickname_fold(raw[:40]))
        if number is None:
            return []
        return await live.names_for(key, [int(number)])
