"""Periodic jobs: background tasks that must run every few minutes.

An app registers a job in its ``AppConfig.ready``::

    periodic.register("helpdesk-sla-scan", every_seconds=300, task=tickets_sla_scan_task)

Jobs are enqueued (never run inline) by ``run_due()``, called by the scheduler thread of
``wanlixing serve --with-worker`` and ``wanlixing worker``, or by ``wanlixing periodic``
from cron. A cache lock per job and time slot makes sure only one process enqueues a job
per interval, so any number of workers may run the scheduler (with several processes,
configure REDIS_URL so the lock is shared).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import close_old_connections

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    task: Any  # a django_tasks Task


_jobs: dict[str, Job] = {}


def register(name: str, *, every_seconds: int, task: Any) -> None:
    if every_seconds < 60:
        raise ValueError("periodic jobs run at most once a minute")
    _jobs[name] = Job(name, every_seconds, task)


def jobs() -> list[Job]:
    return [_jobs[name] for name in sorted(_jobs)]


def run_due(now: float | None = None) -> list[str]:
    """Enqueue every job whose current time slot has not been claimed yet; return their names."""
    now = time.time() if now is None else now
    enqueued = []
    for job in jobs():
        slot = int(now // job.every_seconds)
        if cache.add(f"periodic:{job.name}:{slot}", 1, timeout=job.every_seconds * 2):
            try:
                job.task.enqueue()
            except Exception:
                log.exception("could not enqueue periodic job %s", job.name)
                cache.delete(f"periodic:{job.name}:{slot}")
                continue
            enqueued.append(job.name)
    return enqueued


def start_scheduler_thread(interval_seconds: float = 30.0) -> threading.Thread:
    """Call run_due() every ``interval_seconds`` in a daemon thread."""

    def loop() -> None:
        while True:
            try:
                names = run_due()
                if names:
                    log.info("periodic jobs enqueued: %s", ", ".join(names))
            except Exception:
                log.exception("periodic scheduler failed")
            finally:
                close_old_connections()
            time.sleep(interval_seconds)

    thread = threading.Thread(target=loop, name="periodic-scheduler", daemon=True)
    thread.start()
    return thread
