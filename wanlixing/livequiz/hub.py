"""Per-process fan-out: one Redis pub/sub subscription per game, local delivery.

A frame for 10,000 players is published once on the game's channel; each worker process
receives it once and puts the same text on the outgoing queue of each of its own
sockets. The channel layer is not used: it would carry one message per socket.

Each game with sockets on this worker also has a ticker that closes the question when
its time is up (every worker tries, the store lets one succeed, so a dead worker never
leaves a question open), sends the answer count to hosts and screens a few times a
second, and flushes stored answers into the database in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Protocol

from channels.db import database_sync_to_async
from django.conf import settings

from wanlixing.livequiz import live, store, wire

log = logging.getLogger(__name__)


class Sink(Protocol):
    number: int | None

    def push(self, text: str, frame: bytes | None = None) -> None: ...


class Room:
    def __init__(self, key: str) -> None:
        self.key = key
        self.players: dict[int, Sink] = {}
        self.staff: set[Sink] = set()
        self.ticker: asyncio.Task[None] | None = None
        self.last_counts = ""
        self.last_flush = time.monotonic()

    def empty(self) -> bool:
        return not self.players and not self.staff


class Hub:
    def __init__(self) -> None:
        self.rooms: dict[str, Room] = {}
        self.pubsub: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.background: set[asyncio.Task[Any]] = set()

    # -- membership ---------------------------------------------------------------------

    async def _room(self, key: str) -> Room:
        room = self.rooms.get(key)
        if room is None:
            room = self.rooms[key] = Room(key)
            if self.pubsub is None:
                self.pubsub = store.aclient().pubsub(ignore_subscribe_messages=True)
            await self.pubsub.subscribe(store.Keys(key).channel)
            if self.reader is None or self.reader.done():
                self.reader = asyncio.create_task(self._read())
            room.ticker = asyncio.create_task(self._tick(room))
        return room

    async def add_player(self, key: str, number: int, sink: Sink) -> None:
        room = await self._room(key)
        old = room.players.get(number)
        if old is not None and old is not sink:
            # The same player on a newer socket (a reload): the old one is closed.
            old.push(live.error_frame("replaced", "已在另一个页面继续答题。"))
            old.push("")
        room.players[number] = sink

    async def add_staff(self, key: str, sink: Sink) -> None:
        room = await self._room(key)
        room.staff.add(sink)
        room.last_counts = ""

    async def remove(self, key: str, sink: Sink) -> None:
        room = self.rooms.get(key)
        if room is None:
            return
        room.staff.discard(sink)
        number = getattr(sink, "number", None)
        if number is not None and room.players.get(number) is sink:
            del room.players[number]
        if room.empty():
            del self.rooms[key]
            if room.ticker is not None:
                room.ticker.cancel()
            live.game_forget(key)
            with contextlib.suppress(Exception):
                await self.pubsub.unsubscribe(store.Keys(key).channel)
            self.spawn(self._flush(key))

    def spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    # -- delivery -----------------------------------------------------------------------

    async def _read(self) -> None:
        prefix_len = len(store.Keys("").channel)
        while True:
            try:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("livequiz pub/sub read failed")
                await asyncio.sleep(0.5)
                continue
            if not message or message.get("type") != "message":
                if not self.rooms:
                    self.reader = None
                    return
                continue
            key = message["channel"][prefix_len:]
            to, _sep, text = message["data"].partition("\n")
            try:
                await self.deliver(key, to, text)
            except Exception:
                log.exception("livequiz delivery failed")

    async def deliver(self, key: str, to: str, text: str) -> None:
        room = self.rooms.get(key)
        if room is None:
            return
        if to == "staff":
            for sink in room.staff:
                sink.push(text)
            return
        if to.startswith("p:"):
            target = room.players.get(int(to[2:]))
            if target is not None:
                target.push(text)
                if '"type":"kicked"' in text:
                    target.push("")
            return
        # The frame's bytes are built once for every socket (wire.py).
        frame = wire.text_frame(text)
        if to == "all":
            for sink in room.staff:
                sink.push(text, frame)
        if text.startswith(('{"type":"closed"', '{"type":"ended"')):
            await self._send_with_standing(key, text, list(room.players.items()))
        else:
            for sink in list(room.players.values()):
                sink.push(text, frame)
        if text.startswith('{"type":"ended"'):
            self.spawn(self._finalise(key))

    async def _send_with_standing(
        self, key: str, text: str, players: list[tuple[int, Sink]]
    ) -> None:
        """A question's results (or the final board) with each local player's own rank
        and score added: one read of the whole board per worker, no JSON encoding per
        player, one frame per player."""
        table = await live.rank_table(key)
        head = text[:-1]
        for number, sink in players:
            found = table.get(str(number))
            if found is None:
                sink.push(head + ',"rank":null,"score":0}')
            else:
                sink.push(f'{head},"rank":{found[0]},"score":{found[1]}}}')

    # -- ticker -------------------------------------------------------------------------

    async def _tick(self, room: Room) -> None:
        every = settings.LIVEQUIZ_COUNTS_EVERY_MS / 1000
        flush_every = settings.LIVEQUIZ_FLUSH_SECONDS
        while True:
            await asyncio.sleep(every)
            try:
                state = await live.game_state(room.key)
                if not state:
                    continue
                due = state["status"] == "open" and time.time() * 1000 >= int(state["deadline_ms"])
                if due and await live.game_close(room.key, int(state["qidx"]), due_only=True):
                    self.spawn(self._flush(room.key))
                if room.staff:
                    counts = live.dumps(await live.staff_counts(room.key))
                    if counts != room.last_counts:
                        room.last_counts = counts
                        for sink in room.staff:
                            sink.push(counts)
                if flush_every and time.monotonic() - room.last_flush >= flush_every:
                    room.last_flush = time.monotonic()
                    self.spawn(self._flush(room.key))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("livequiz ticker failed for %s", room.key)

    # -- persistence --------------------------------------------------------------------

    async def _flush(self, key: str) -> None:
        if not settings.LIVEQUIZ_FLUSH_SECONDS:
            return
        from wanlixing.livequiz.services import game_flush

        try:
            await database_sync_to_async(game_flush, thread_sensitive=False)(game_key=key)
        except Exception:
            log.exception("livequiz flush failed for %s", key)

    async def _finalise(self, key: str) -> None:
        if not settings.LIVEQUIZ_FLUSH_SECONDS:
            return
        from wanlixing.livequiz.services import game_finalise

        # Every worker hears "ended"; the one holding the game's lock first finishes it,
        # the others find it finished (game_finalise is idempotent).
        lock = store.Keys(key).game + ":finalise"
        if not await store.aclient().set(lock, "1", nx=True, ex=600):
            return
        try:
            await database_sync_to_async(game_finalise, thread_sensitive=False)(game_key=key)
        except Exception:
            log.exception("livequiz finalise failed for %s", key)
            await store.aclient().delete(lock)


_hubs: dict[int, Hub] = {}


def hub() -> Hub:
    """The hub of the running event loop (one per worker process in production)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(id(loop))
    if found is None:
        found = _hubs[id(loop)] = Hub()
    return found


def reset_for_tests() -> None:
    _hubs.clear()
