"""`wanlixing serve`: option checks, and several workers behind one address (pre-forked,
a dead worker replaced at once, a quick shutdown that really is quick)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": 0}, "--workers 至少为 1"),
        ({"workers": 2, "with_worker": True}, "--with-worker 只能用于单个工作进程"),
        ({"workers": 2}, "多个工作进程须共享 Redis"),
        ({"ws_ping_interval": 0}, "--ws-ping-interval 须大于 0"),
    ],
)
def test_bad_options_are_refused_in_chinese(options, message, settings):
    settings.REDIS_URL = "" if "Redis" in message else "redis://127.0.0.1:6379/14"
    with pytest.raises(CommandError, match=message):
        call_command("serve", **options)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def healthz(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status
    except OSError:
        return 0


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_two_workers_share_one_address_and_a_dead_worker_is_replaced_at_once(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "WANLIXING_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # Required with several workers; /healthz itself does not touch Redis.
        "REDIS_URL": "redis://127.0.0.1:6379/14",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "wanlixing.cli", "serve", "--workers", "2", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: healthz(port) == 200 and len(children(server.pid)) == 2, 60)
        first, second = children(server.pid)

        os.kill(first, signal.SIGKILL)
        # The arbiter forks a replacement from its loaded copy of the project: no
        # interpreter start, no imports.
        assert wait_for(lambda: len(set(children(server.pid)) - {first, second}) == 1, 2)
        assert second in children(server.pid)
        assert all(healthz(port) == 200 for _ in range(5))

        # A quick shutdown (SIGINT) stops the workers at once, not after the arbiter's
        # 30-second graceful timeout.
        workers = children(server.pid)
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 5)
    finally:
        if server.poll() is None:
            server.kill()
        for pid in children(server.pid):
            os.kill(pid, signal.SIGKILL)
