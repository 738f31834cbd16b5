"""Writing text frames straight to uvicorn's transport, when it is safe to.

A live game sends the same question to thousands of sockets at once. Through ASGI, every
frame to every socket travels through the socket's writer task, channels' session
wrapper, uvicorn's ``send`` and the websockets library's frame builder before it reaches
``transport.write``: most of the server's per-frame work. A server-to-client text frame
is just a two- to ten-byte header and the UTF-8 text (servers do not mask), so the bytes
of a broadcast are built once and written to each transport directly.

This is only done when the server is uvicorn with its default WebSocket implementation
(``websockets-sansio``), no extension such as per-message compression was negotiated,
the connection is open, its write buffer is below the high-water mark and nothing of the
socket's is still queued for the ordinary path (so frames stay in order). Otherwise
``Wire.write`` says no and the caller takes the ordinary ASGI ``send`` path, which is
also what every other server and channels' test communicator get.
"""

from __future__ import annotations

from typing import Any

try:  # uvicorn and websockets are the production server; both are optional here.
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from websockets.protocol import State
except ImportError:  # pragma: no cover - without uvicorn every socket uses ASGI send
    WebSocketsSansIOProtocol = None  # type: ignore[assignment,misc]
    State = None  # type: ignore[assignment,misc]


def text_frame(text: str) -> bytes:
    """An unmasked, unfragmented WebSocket text frame (RFC 6455 §5.2) carrying ``text``."""
    data = text.encode()
    n = len(data)
    if n < 126:
        return bytes((0x81, n)) + data
    if n < 65536:
        return b"\x81\x7e" + n.to_bytes(2, "big") + data
    return b"\x81\x7f" + n.to_bytes(8, "big") + data


class Wire:
    """The transport of one accepted uvicorn WebSocket connection."""

    __slots__ = ("conn", "proto", "transport", "writes")

    def __init__(self, proto: Any) -> None:
        self.proto = proto
        self.transport = proto.transport
        self.conn = proto.conn
        self.writes = 0

    def write(self, frame: bytes) -> bool:
        """Write one whole frame now; False when the ordinary path must be taken (closing,
        closed, or the peer is not reading fast enough)."""
        proto = self.proto
        if (
            proto.close_sent
            or proto.disconnected
            or not proto.writable.is_set()
            or self.conn.state is not State.OPEN
            or self.transport.is_closing()
        ):
            return False
        self.transport.write(frame)
        self.writes += 1
        return True


# The uvicorn connection state that Wire.write and wire_for read.
_PROTOCOL_STATE = (
    "close_sent",
    "conn",
    "disconnected",
    "handshake_complete",
    "initial_response",
    "transport",
    "writable",
)


def wire_for(send: Any) -> Wire | None:
    """The Wire behind an ASGI ``send`` callable after ``websocket.accept``, or None.

    ``send`` is uvicorn's bound ``WebSocketsSansIOProtocol.send``, possibly wrapped by
    channels' session middleware (whose ``send`` only acts on HTTP responses and keeps the
    wrapped callable as ``real_send``)."""
    if WebSocketsSansIOProtocol is None:
        return None
    for _depth in range(4):
        owner = getattr(send, "__self__", None)
        if owner is None:
            return None
        if isinstance(owner, WebSocketsSansIOProtocol):
            if not all(hasattr(owner, name) for name in _PROTOCOL_STATE):
                return None  # another uvicorn release: keep to the ASGI path
            if (
                owner.handshake_complete
                and owner.initial_response is None
                and not owner.close_sent
                and not owner.conn.extensions
                and owner.conn.state is State.OPEN
            ):
                return Wire(owner)
            return None
        send = getattr(owner, "real_send", None)
    return None
