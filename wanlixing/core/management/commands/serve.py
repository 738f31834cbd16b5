"""Serve the platform over HTTP and WebSocket.

One worker: uvicorn in this process, optionally with a task worker thread (`make run`).
Several: gunicorn's pre-forking arbiter with uvicorn workers (wanlixing/core/server.py).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
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
        parser.add_argument("--backlog", type=int, default=2048, help="监听队列长度")
        parser.add_argument(
            "--ws-ping-interval", type=float, default=20.0, help="WebSocket 保活间隔（秒）"
        )
        parser.add_argument(
            "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
        )
        parser.add_argument("--no-access-log", action="store_true", help="不记录访问日志")

    def handle(self, *args: Any, **options: Any) -> None:
        from wanlixing.core.server import ServeOptions, uvicorn_settings

        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers 至少为 1。")
        if options["ws_ping_interval"] <= 0:
            raise CommandError("--ws-ping-interval 须大于 0。")
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                "多个工作进程须共享 Redis（直播答题、缓存、限流）：请设置 REDIS_URL，"
                "或只用一个工作进程。"
            )
        if options["with_worker"] and workers > 1:
            raise CommandError(
                "--with-worker 只能用于单个工作进程；多个工作进程时请另外运行 wanlixing worker。"
            )
        serve = ServeOptions(
            host=options["host"],
            port=options["port"],
            workers=workers,
            backlog=options["backlog"],
            ws_ping_interval=options["ws_ping_interval"],
            log_level=options["log_level"],
            access_log=not options["no_access_log"],
        )
        if options["with_worker"]:
            from wanlixing.core.periodic import start_scheduler_thread

            start_worker_thread()
            start_scheduler_thread()
            self.stdout.write("后台任务线程与定时任务已启动。")
        address = f"http://{serve.host}:{serve.port}/"
        self.stdout.write(f"万里行已启动：{address}（{workers} 个工作进程）")
        if workers > 1:
            from wanlixing.core.server import run

            run(serve)
            return
        import uvicorn

        uvicorn.run(
            "wanlixing.asgi:application",
            host=serve.host,
            port=serve.port,
            backlog=serve.backlog,
            log_level=serve.log_level,
            **uvicorn_settings(serve),
        )
