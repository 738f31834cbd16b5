"""Frames written straight to uvicorn's transport (wire.py), and the ASGI path beside it."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.frames import Frame, Opcode

from wanlixing.livequiz import live, wire
from wanlixing.livequiz.consumers import CLOSE, Socket
from wanlixing.livequiz.hub import hub
from wanlixing.livequiz.tests.factories import game_make
from wanlixing.livequiz.tests.test_consumers import app_for, run

pytestmark = pytest.mark.django_db


def parsed(frame: bytes) -> Frame:
    """``frame`` read back by the websockets library's own parser, as a client would."""
    data = bytearray(frame)

    def read_exact(n: int):
        chunk = bytes(data[:n])
        del data[:n]
        return chunk
        yield  # a generator, as Frame.parse expects

    gen = Frame.parse(read_exact, mask=False)
    try:
        while True:
            next(gen)
    except StopIteration as done:
        assert not data, "bytes left over after one frame"
        return done.value


@pytest.mark.parametrize("size", [0, 5, 125, 126, 300, 65535, 65536, 70000])
def test_text_frame_is_one_unmasked_final_text_frame(size):
    text = ("题" * size)[:size] if size < 200 else "a" * size
    frame = parsed(wire.text_frame(text))
    assert frame.opcode is Opcode.TEXT
    assert frame.fin
    assert bytes(frame.data).decode() == text


class FakeWire:
    def __init__(self, out: list[str]) -> None:
        self.out = out
        self.open = True
        self.writes = 0

    def write(self, frame: bytes) -> bool:
        if not self.open:
            return False
        self.out.append(bytes(parsed(frame).data).decode())
        self.writes += 1
        return True


def test_frames_stay_in_order_when_the_wire_says_no():
    out: list[str] = []

    async def send(message):
        await asyncio.sleep(0)  # uvicorn's send may wait for the transport
        out.append(message.get("text", message["type"]))

    async def scenario():
        sock = Socket({"type": "websocket"}, None, send)
        fake = FakeWire(out)
        sock.wire = fake
        sock.push("一")
        fake.open = False  # e.g. the peer stopped reading: the write buffer is full
        sock.push("二")
        fake.open = True
        # "二" is still queued: "三" must not overtake it through the wire.
        sock.push("三")
        writer = asyncio.create_task(sock._write())
        await asyncio.sleep(0)
        # The writer is in the middle of sending "二" (and "三" waits): queued too.
        assert sock.sending
        sock.push("四")
        while sock.sending or not sock.queue.empty():
            await asyncio.sleep(0)
        # All sent: the wire again.
        sock.push("五")
        sock.push(CLOSE)
        await asyncio.wait_for(writer, 2)
        assert out == ["一", "二", "三", "四", "五", "websocket.close"]
        assert fake.writes == 2

    asyncio.run(scenario())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_players_on_uvicorn_get_frames_through_the_wire_and_compressed_ones_through_asgi(
    organiser, org
):
    """A real uvicorn server (websockets-sansio) with real WebSocket clients."""
    game = game_make(by=organiser, organisation=org, count=2, scoring="accuracy")
    port = free_port()
    base = f"ws://127.0.0.1:{port}/ws/live/play/{game.pin}/"

    async def next_of(ws, kind: str) -> dict[str, Any]:
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
            if frame["type"] == kind:
                return frame

    async def scenario():
        config = uvicorn.Config(
            app_for(),
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
            ws="websockets-sansio",
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.02)
        try:
            # One phone without compression (the wire), one with per-message deflate
            # (negotiated, so its frames must go through the library: the ASGI path).
            async with (
                connect(base, compression=None) as plain,
                connect(base, compression="deflate") as deflated,
            ):
                numbers, tokens = {}, {}
                for ws, name in ((plain, "直连"), (deflated, "压缩")):
                    await next_of(ws, "hello")
                    await ws.send(json.dumps({"type": "join", "nickname": name}))
                    joined = await next_of(ws, "joined")
                    numbers[name], tokens[name] = joined["player"]["id"], joined["token"]
                room = hub().rooms[game.key]
                direct = room.players[numbers["直连"]]
                compressed = room.players[numbers["压缩"]]
                assert isinstance(direct.wire, wire.Wire)
                assert compressed.wire is None
                # The host's "start" (the host socket itself is tested elsewhere).
                await live.game_next(game.key)
                q_plain = await next_of(plain, "question")
                q_deflated = await next_of(deflated, "question")
                assert q_plain == q_deflated
                assert q_plain["question"]["index"] == 0
                await plain.send(json.dumps({"type": "answer", "index": 0, "choice": [1]}))
                ack = await next_of(plain, "ack")
                assert (ack["correct"], ack["score"]) == (True, 1000)
                await deflated.send(json.dumps({"type": "answer", "index": 0, "choice": [2]}))
                assert (await next_of(deflated, "ack"))["correct"] is False
                # Bad input is answered on the wire too, and the socket goes on.
                await plain.send("not json")
                assert (await next_of(plain, "error"))["code"] == "bad_frame"
                assert await live.game_close(game.key, 0, due_only=False)
                closed = await next_of(plain, "closed")
                assert (closed["rank"], closed["score"], closed["answer"]) == (1, 1000, [1])
                other = await next_of(deflated, "closed")
                assert (other["rank"], other["score"]) == (2, 0)
                # hello, joined, state, question, ack, error, closed: all on the wire.
                assert direct.wire.writes == 7
            # A reload: the phone rejoins with its token on a new socket, whose frames go
            # on the wire as well.
            async with connect(base, compression=None) as again:
                await next_of(again, "hello")
                await again.send(json.dumps({"type": "join", "token": tokens["直连"]}))
                assert (await next_of(again, "joined"))["player"]["id"] == numbers["直连"]
                state = await next_of(again, "state")
                assert (state["status"], state["score"], state["rank"]) == ("closed", 1000, 1)
                assert (await next_of(again, "closed"))["index"] == 0
                rejoined = hub().rooms[game.key].players[numbers["直连"]]
                assert rejoined is not direct
                assert rejoined.wire is not None
                assert rejoined.wire.writes == 4  # hello, joined, state, closed
        finally:
            server.should_exit = True
            await asyncio.wait_for(serving, 10)

    run(scenario)
