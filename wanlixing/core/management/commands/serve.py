"""Serve the platform over HTTP and WebSocket (uvicorn), optionally with a task worker thread."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string

log = logging.getLogger(__name__)


def start_worker_thread() -> threading.Thread:
    """Run background tasks inside this process: the single-machine mode of `make run`."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=1.0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="inproc-" + get_random_string(12),
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, name="task-worker", daemon=True)
    thread.start()
    return thread


class Command(BaseCommand):
    help = "启动平台（HTTP + WebSocket）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="ASGI 工作进程数")
        parser.add_argument("--with-worker", action="store_true", help="在本进程内同时运行后台任务")

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        if options["with_worker"]:
            from wanlixing.core.periodic import start_scheduler_thread

            start_worker_thread()
            start_scheduler_thread()
            self.stdout.write("后台任务线程与定时任务已启动。")
        self.stdout.write(f"万里行已启动：http://{options['host']}:{options['port']}/")
        uvicorn.run(
            "wanlixing.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            lifespan="off",
            proxy_headers=True,
            log_level="info",
            ws_max_size=64 * 1024,
            # Frames are small JSON; per-connection compression would cost CPU on every
            # frame sent to thousands of live-quiz phones and save almost nothing.
            ws_per_message_deflate=False,
        )
