"""Several ASGI workers behind one address: gunicorn's pre-forking arbiter + uvicorn.

`wanlixing serve --workers N` (N > 1) loads the project once in the arbiter and forks the
workers from it (gunicorn's ``preload_app``). A worker that dies is replaced by a fork of
the loaded arbiter in well under a second, instead of a fresh interpreter importing Django
and the project (about 2 s on an idle core, far longer on a busy one). For a live quiz
this is what decides how fast a dead worker's phones are back in the game: the replacement
takes its share of the reconnecting phones almost at once (docs/readme/livequiz.md).

Each worker runs uvicorn's protocol stack (``uvicorn-worker``), so the HTTP, WebSocket and
direct frame-writing paths are the same as under ``uvicorn`` alone.
"""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication
from uvicorn_worker import UvicornWorker


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    backlog: int = 2048
    ws_ping_interval: float = 20.0
    log_level: str = "info"
    access_log: bool = True
    # A worker busy with thousands of sockets may be late with its heartbeat; it is not
    # hung. gunicorn kills a worker that has not reported for this many seconds.
    timeout: int = 60
    graceful_timeout: int = 30


def uvicorn_settings(options: ServeOptions) -> dict[str, Any]:
    """The uvicorn settings every worker uses (also those of single-process `serve`)."""
    return {
        "lifespan": "off",
        "proxy_headers": True,
        "ws_max_size": 64 * 1024,
        # Frames are small JSON; per-connection compression would cost CPU on every frame
        # sent to thousands of live-quiz phones and save almost nothing.
        "ws_per_message_deflate": False,
        "ws_ping_interval": options.ws_ping_interval,
        "access_log": options.access_log,
    }


class Worker(UvicornWorker):
    """uvicorn-worker's worker, with gunicorn's quick shutdown working.

    The arbiter asks for a quick shutdown (its SIGINT or SIGQUIT) by sending SIGQUIT to
    the workers. uvicorn-worker hands that signal to gunicorn's base handler, which only
    marks the worker as no longer alive, a flag the uvicorn server never reads: the worker
    went on serving until the arbiter killed it after the graceful timeout. Here SIGQUIT
    is turned into SIGTERM, which the uvicorn server handles (it closes the connections
    and stops)."""

    def _install_sigquit_handler(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGQUIT, signal.raise_signal, signal.SIGTERM)


def worker_class(options: ServeOptions) -> type[Worker]:
    kwargs = {"loop": "auto", "http": "auto", **uvicorn_settings(options)}
    return type("WanlixingWorker", (Worker,), {"CONFIG_KWARGS": kwargs})


def close_inherited_connections(_arbiter: Any, _worker: Any) -> None:
    """Run in the arbiter before it forks: no database connection may be shared with a
    child (loading the project opens none, but a hook or an app's ready() might)."""
    from django.db import connections

    connections.close_all()


class PreforkServer(BaseApplication):
    """gunicorn configured in code (its "custom application" pattern), loading
    ``wanlixing.asgi:application`` once, before the workers are forked."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        o = self.options
        settings = {
            "bind": [f"{o.host}:{o.port}"],
            "workers": o.workers,
            "worker_class": worker_class(o),
            "preload_app": True,
            "backlog": o.backlog,
            "timeout": o.timeout,
            "graceful_timeout": o.graceful_timeout,
            "loglevel": o.log_level,
            "accesslog": "-" if o.access_log else None,
            "errorlog": "-",
            "pre_fork": close_inherited_connections,
            "proc_name": "wanlixing",
            # gunicorn's runtime control socket (one path per user) is not used.
            "control_socket_disable": True,
        }
        for name, value in settings.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from wanlixing.asgi import application

        return application


def run(options: ServeOptions) -> None:
    PreforkServer(options).run()
