"""Live quiz load test: N simulated phones in one game served by 2 ASGI workers + Redis.

    .venv/bin/python bench/livequiz.py --players 1000
    .venv/bin/python bench/livequiz.py --players 10000 --kill-worker

Starts ``wanlixing serve --workers 2`` (gunicorn's pre-forking arbiter with uvicorn
workers; ``--server uvicorn`` for ``uvicorn --workers 2``) with REDIS_URL (db 3 unless
--redis-url) on a throwaway PostgreSQL database (``wlx_livequiz_bench``, dropped at the
end; SQLite under var/ when PostgreSQL is not reachable), creates a game of 10 questions,
spawns websocket players in several processes (asyncio), lets the host run every
question while every player answers each, and prints one JSON line:

  join_ok / players, fan-out p50/p99/max (host "next" -> last player has the question),
  ack p50/p99 (answer frame sent -> stored-and-checked ack received), answers sent,
  acked and stored in the database, server CPU seconds and % of the wall time, peak RSS
  of the workers, Redis CPU; with --kill-worker one worker is SIGKILLed after question 5:
  acked answers missing from the database (must be 0) and the time until its players are
  back in the game through the other worker.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import multiprocessing as mp
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
DB_NAME = "wlx_livequiz_bench"


def raise_nofile() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return round(ordered[k], 4)


# --- Simulated players (child processes) ----------------------------------------------
#
# Each client process runs thousands of players on one event loop. A player is a bare
# asyncio Protocol speaking just enough RFC 6455 (handshake, masked text frames out,
# unmasked text/close/ping frames in), driven by callbacks: no task, no queue and no
# library object per socket, so the clients leave the shared cores to the server.


class Stats:
    def __init__(self) -> None:
        self.joined = 0
        self.sent = 0
        self.acked = 0
        self.ended = 0
        self.ack_s: list[float] = []
        self.rejoin_s: list[float] = []
        self.question_at: dict[int, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.disconnects: dict[str, int] = {}
        self.connects = 0

    def count(self, table: dict[str, int], key: str) -> None:
        table[key] = table.get(key, 0) + 1

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def ws_frame(text: str) -> bytes:
    """A masked client text frame."""
    payload = text.encode()
    n = len(payload)
    if n < 126:
        head = bytes((0x81, 0x80 | n))
    elif n < 65536:
        head = bytes((0x81, 0xFE)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x81, 0xFF)) + n.to_bytes(8, "big")
    mask = random.randbytes(4)  # a fresh key per frame (no system call per frame)
    repeated = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")
    return head + mask + masked


class Player(asyncio.Protocol):
    """One phone: joins, answers each question after a random think time, rejoins with
    its device token (backoff with jitter) whenever the connection drops."""

    def __init__(self, world: World, name: str) -> None:
        self.world = world
        self.name = name
        self.token: str | None = None
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = False
        self.answered: set[int] = set()
        self.pending: dict[int, float] = {}
        self.lost_at: float | None = None
        self.attempt = 0
        self.finished = False
        self.handle: asyncio.TimerHandle | None = None
        self.connecting: asyncio.Future | None = None

    # -- connection ---------------------------------------------------------------------

    def start(self) -> None:
        self.connecting = asyncio.ensure_future(self._connect())

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            await asyncio.wait_for(
                loop.create_connection(lambda: self, self.world.host, self.world.port), 30
            )
        except Exception as exc:
            self.world.stats.count(self.world.stats.disconnects, "connect:" + type(exc).__name__)
            self._retry()

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        self.buffer.clear()
        self.upgraded = False
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                f"GET {self.world.path} HTTP/1.1\r\nHost: {self.world.host}:{self.world.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: {self.world.origin}\r\n\r\n"
            ).encode()
        )

    def connection_lost(self, exc) -> None:  # type: ignore[override]
        self.transport = None
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None
        if self.finished or self.world.stopping:
            return
        reason = type(exc).__name__ if exc else "closed"
        self.world.stats.count(self.world.stats.disconnects, reason)
        if self.lost_at is None:
            self.lost_at = time.time()
        # Unacknowledged answers may be lost with the server: the rejoin's state frame
        # tells whether they were stored, else they are sent again.
        for index in self.pending:
            self.answered.discard(index)
        self.pending.clear()
        self._retry()

    def _retry(self) -> None:
        if self.finished or self.world.stopping:
            return
        # Exponential backoff with full jitter: 0.1-0.25 s, then up to 0.5, 1, 2 s.
        self.attempt += 1
        cap = min(2.0, 0.25 * 2 ** (self.attempt - 1))
        asyncio.get_running_loop().call_later(0.05 + random.random() * cap, self.start)

    def send(self, frame: dict) -> None:
        if self.transport is not None:
            self.transport.write(ws_frame(json.dumps(frame)))

    # -- incoming bytes -----------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        buf = self.buffer
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self.world.stats.count(self.world.stats.disconnects, "refused")
                assert self.transport is not None
                self.transport.close()
                return
            del buf[: end + 4]
            self.upgraded = True
        while len(buf) >= 2:
            opcode = buf[0] & 0x0F
            n = buf[1] & 0x7F
            at = 2
            if n == 126:
                if len(buf) < 4:
                    return
                n, at = int.from_bytes(buf[2:4], "big"), 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n, at = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < at + n:
                return
            payload = bytes(buf[at : at + n])
            del buf[: at + n]
            if opcode == 1:
                # A phone here does nothing with a question's results (the biggest frame
                # it gets): they are not decoded.
                if not payload.startswith(b'{"type":"closed"'):
                    self.frame(json.loads(payload))
            elif opcode == 8:
                if self.transport is not None:
                    self.transport.close()
                return
            elif opcode == 9 and self.transport is not None:
                # Pong with the ping's payload (short: the server's pings carry 4 bytes).
                self.transport.write(bytes((0x8A, 0x80 | len(payload))) + b"\0\0\0\0" + payload)

    # -- the game -----------------------------------------------------------------------

    def frame(self, frame: dict) -> None:
        stats = self.world.stats
        kind = frame["type"]
        if kind == "hello":
            stats.connects += 1
            if self.token:
                self.send({"type": "join", "token": self.token})
            else:
                self.send({"type": "join", "nickname": self.name})
        elif kind == "joined":
            self.attempt = 0
            if self.token is None:
                stats.joined += 1
            elif self.lost_at is not None:
                stats.rejoin_s.append(time.time() - self.lost_at)
            self.lost_at = None
            self.token = frame["token"]
        elif kind == "question":
            q = frame["question"]
            stats.question_at.setdefault(q["index"], []).append(time.time())
            think = min(self.world.think, max(0.0, q.get("remaining_ms", 20000) / 1000 - 1))
            self._answer_later(q["index"], len(q["options"]), random.random() * think)
        elif kind == "state" and frame.get("question") and not frame.get("answered"):
            q = frame["question"]
            self._answer_later(q["index"], len(q["options"]), 0.1 + random.random() * 0.5)
        elif kind == "ack":
            sent = self.pending.pop(frame["index"], None)
            if sent is not None:
                stats.ack_s.append(time.time() - sent)
            stats.acked += 1
        elif kind == "error":
            code = frame["code"]
            stats.count(stats.errors, code)
            if code == "busy":
                # Nothing stored: send the unacknowledged answers again.
                for index in list(self.pending):
                    self.pending.pop(index)
                    self.answered.discard(index)
                    self._answer_later(index, 4, 0.5 + random.random())
            elif code in ("throttled", "full", "nickname_taken", "token_unknown"):
                self.finished = True
                if self.transport is not None:
                    self.transport.close()
        elif kind == "ended":
            stats.ended += 1
            self.finished = True
            if self.transport is not None:
                self.transport.close()

    def _answer_later(self, index: int, options: int, delay: float) -> None:
        loop = asyncio.get_running_loop()
        self.handle = loop.call_later(delay, self._answer, index, options)

    def _answer(self, index: int, options: int) -> None:
        self.handle = None
        if index in self.answered or self.transport is None:
            return
        self.answered.add(index)
        self.pending[index] = time.time()
        self.world.stats.sent += 1
        self.send({"type": "answer", "index": index, "choice": [random.randrange(options)]})


class World:
    def __init__(self, url: str, origin: str, think: float) -> None:
        rest = url.split("://", 1)[1]
        hostport, _sep, path = rest.partition("/")
        self.host, _sep, port = hostport.partition(":")
        self.port = int(port or 80)
        self.path = "/" + path
        self.origin = origin
        self.think = think
        self.stats = Stats()
        self.stopping = False


def client_process(
    url: str, origin: str, first: int, count: int, think_max: float, ramp_s: float, out, done
) -> None:
    raise_nofile()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    world = World(url, origin, think_max)
    cpu0 = time.process_time()

    async def main() -> None:
        players = [Player(world, f"玩家{first + i}") for i in range(count)]
        for p in players:
            p.start()
            if ramp_s:
                await asyncio.sleep(ramp_s / count)
            else:
                await asyncio.sleep(0)
        while not done.is_set() and not all(p.finished for p in players):
            await asyncio.sleep(0.5)
        # The host has ended the game: players still reconnecting get a little longer.
        until = time.time() + 20
        while time.time() < until and not all(p.finished for p in players):
            await asyncio.sleep(0.5)
        world.stopping = True
        for p in players:
            if p.transport is not None:
                p.transport.close()

    try:
        asyncio.run(main())
    finally:
        result = world.stats.as_dict()
        result["cpu_s"] = time.process_time() - cpu0
        out.put(result)


# --- Server and game set-up -----------------------------------------------------------


def database_url(name: str) -> tuple[str, bool]:
    env = dict(os.environ, PGPASSWORD=os.environ.get("PGPASSWORD", ""))
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name],
        capture_output=True,
        env=env,
    )
    made = subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, env=env
    )
    if made.returncode == 0:
        return f"postgres://postgres@127.0.0.1:5432/{name}", True
    path = ROOT / "var" / f"{name}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}", False


def setup_game(questions: int, seconds: int) -> dict:
    """Create an organiser, questions and a game; return pin, key and a session cookie."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from wanlixing.accounts.models import Organisation, Role, User
    from wanlixing.accounts.services import membership_add
    from wanlixing.core.seeds import reference_data_ensure
    from wanlixing.learning.models import Question, Topic
    from wanlixing.livequiz.services import game_create

    reference_data_ensure()
    org = Organisation.objects.create(name="压测银行", kind="bank")
    host = User.objects.create_user(username="bench-host")
    membership_add(user=host, organisation=org, role=Role.ORGANISER)
    topic = Topic.objects.first()
    items = [
        Question.objects.create(
            key=f"bench-{i}",
            kind="single",
            stem=f"压测题目 {i + 1}：以下哪一项是正确的做法？",
            options=["甲", "乙", "丙", "丁"],
            correct=[i % 4],
            explanation="压测用题目的解析。",
            topic=topic,
            difficulty=1,
            source="bench",
        )
        for i in range(questions)
    ]
    game = game_create(
        by=host,
        organisation=org,
        title="压测直播答题",
        questions=items,
        seconds_per_question=seconds,
    )
    session = SessionStore()
    session[SESSION_KEY] = str(host.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = host.get_session_auth_hash()
    session.create()
    return {
        "pin": game.pin,
        "key": game.key,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    }


def proc_cpu_rss(pids: list[int]) -> tuple[float, int]:
    tick = os.sysconf("SC_CLK_TCK")
    cpu, rss = 0.0, 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) * 1024
        except (OSError, IndexError):
            continue
    return cpu, rss


def server_cpu(server: subprocess.Popen) -> float:
    return proc_cpu_rss([server.pid, *children_of(server.pid)])[0]


def server_thread_cpu(server: subprocess.Popen) -> float:
    """CPU seconds of the workers' threads other than the event loop's (database flushes
    and other thread-pool work); exited threads are not counted."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in children_of(server.pid):
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{pid}/task"):
                if int(tid) == pid:
                    continue
                with contextlib.suppress(OSError, IndexError):
                    stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                    fields = stat.rsplit(")", 1)[1].split()
                    total += (int(fields[11]) + int(fields[12])) / tick
    return total


def server_sys_cpu(server: subprocess.Popen) -> float:
    """System (kernel) CPU seconds of the server processes: on loopback, a send() also
    does the receiving phone's TCP work, charged to the server."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in [server.pid, *children_of(server.pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[12]) / tick
        except (OSError, IndexError):
            continue
    return total


def listen_overflows() -> int:
    """TcpExt ListenOverflows since boot (Linux; 0 elsewhere)."""
    with contextlib.suppress(OSError, ValueError):
        lines = Path("/proc/net/netstat").read_text().splitlines()
        for names, values in zip(lines[::2], lines[1::2], strict=False):
            if names.startswith("TcpExt:"):
                table = dict(zip(names.split()[1:], values.split()[1:], strict=True))
                return int(table.get("ListenOverflows", 0))
    return 0


def open_sockets(pid: int) -> int:
    count = 0
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    return count


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM: both servers stop their workers and exit; if one does not within 40 s,
    it and its workers are killed (a killed gunicorn arbiter would leave them running)."""
    workers = children_of(server.pid)
    server.terminate()
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
    for pid in workers + children_of(server.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


# --- The host (main process) ----------------------------------------------------------


async def run_host(args, info: dict, base_ws: str, origin: str, server: subprocess.Popen):
    """The host: waits for the players, runs every question, ends the game. Like the host
    page, it reconnects when its socket drops (e.g. when its worker is killed)."""
    import websockets

    marks: dict[int, float] = {}
    result: dict = {"killed_worker": None, "host_reconnects": 0}
    counts: dict = {}
    holder: dict = {}

    async def keep_connected() -> None:
        while True:
            try:
                async with websockets.connect(
                    f"{base_ws}/ws/live/host/{info['key']}/",
                    origin=origin,
                    additional_headers={"Cookie": info["cookie"]},
                    max_size=2**22,
                    ping_interval=None,
                    open_timeout=60,
                ) as ws:
                    holder["ws"] = ws
                    async for raw in ws:
                        frame = json.loads(raw)
                        if frame["type"] == "counts":
                            counts.update(frame)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # dropped: reconnect
                result["host_drop"] = type(exc).__name__
            holder.pop("ws", None)
            result["host_reconnects"] += 1
            await asyncio.sleep(0.5)

    async def send(frame: dict) -> None:
        while True:
            ws = holder.get("ws")
            if ws is not None:
                try:
                    await ws.send(json.dumps(frame))
                    return
                except Exception:
                    holder.pop("ws", None)
            await asyncio.sleep(0.2)

    keeper = asyncio.ensure_future(keep_connected())
    started_at = time.time()
    deadline = time.time() + args.join_timeout
    last_report = 0.0
    while time.time() < deadline and counts.get("players", 0) < args.players:
        await asyncio.sleep(0.5)
        if time.time() - last_report > 10:
            last_report = time.time()
            print(f"joined {counts.get('players', 0)}", file=sys.stderr, flush=True)
    result["joined_by_host_count"] = counts.get("players", 0)
    result["join_wall_s"] = time.time() - started_at
    await asyncio.sleep(1)
    result["cpu_at_first_question"] = server_cpu(server)
    result["sys_cpu_at_first_question"] = server_sys_cpu(server)
    result["thread_cpu_at_first_question"] = server_thread_cpu(server)
    for index in range(args.questions):
        marks[index] = time.time()
        await send({"type": "start" if index == 0 else "next"})
        if args.kill_worker and index == args.questions // 2:
            await asyncio.sleep(1.0)
            workers = children_of(server.pid)
            if workers:
                victim = workers[-1]
                os.kill(victim, signal.SIGKILL)
                result["killed_worker"] = victim
                result["killed_at"] = time.time()
        # Answers arrive over --think seconds; wait for them (or the clock).
        wait_until = time.time() + args.seconds - 0.5
        while time.time() < wait_until:
            await asyncio.sleep(0.25)
            everyone = counts.get("answered", 0) >= counts.get("players", 0)
            settled = time.time() - marks[index] > args.think + 1
            if counts.get("index") == index and everyone and settled:
                break
        # As in a hall: the question closes, the screen shows the results for a moment,
        # then the host moves on.
        await send({"type": "close"})
        await asyncio.sleep(args.results_pause)
        if result["killed_worker"] and "sockets_per_worker" not in result:
            # Where the killed worker's phones went: open sockets of each live worker.
            result["sockets_per_worker"] = [open_sockets(pid) for pid in children_of(server.pid)]
        print(f"question {index + 1} done", file=sys.stderr, flush=True)
    result["cpu_after_last_question"] = server_cpu(server)
    result["sys_cpu_after_last_question"] = server_sys_cpu(server)
    result["thread_cpu_after_last_question"] = server_thread_cpu(server)
    result["questions_wall_s"] = time.time() - marks[0]
    await send({"type": "end"})
    await asyncio.sleep(2)
    keeper.cancel()
    result["marks"] = marks
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=20, help="time per question")
    parser.add_argument("--think", type=float, default=5.0, help="answers spread over seconds")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8763)
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds to spread joins")
    parser.add_argument("--join-timeout", type=float, default=180)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument(
        "--ws-ping-interval",
        type=float,
        default=20.0,
        help="seconds between the server's keep-alive pings",
    )
    parser.add_argument(
        "--db-name", default=DB_NAME, help="throwaway database (dropped before and after)"
    )
    parser.add_argument("--flush-seconds", type=int, default=3)
    parser.add_argument("--results-pause", type=float, default=2.0)
    parser.add_argument(
        "--server",
        choices=("serve", "uvicorn"),
        default="serve",
        help="serve: `wanlixing serve --workers N` (pre-forked, as deployed); uvicorn: "
        "`uvicorn --workers N` (each worker a fresh interpreter)",
    )
    parser.add_argument(
        "--ws",
        default="auto",
        help="uvicorn's WebSocket implementation (auto, websockets-sansio…); --server uvicorn",
    )
    args = parser.parse_args()
    if args.workers < 2:
        parser.error("--workers: the benchmark measures at least 2 workers")
    raise_nofile()
    load_at_start = os.getloadavg()

    db_url, is_pg = database_url(args.db_name)
    prefix = f"wlx-bench-{os.getpid()}"
    env = dict(
        os.environ,
        DATABASE_URL=db_url,
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX=prefix,
        DJANGO_SETTINGS_MODULE="wanlixing.settings",
        DEBUG="",
        LIVEQUIZ_JOINS_PER_ADDRESS="0",
        LIVEQUIZ_FLUSH_SECONDS=str(args.flush_seconds),
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    os.environ.update(env)
    subprocess.run(
        [str(ROOT / ".venv/bin/wanlixing"), "migrate", "-v", "0"], check=True, env=env, cwd=ROOT
    )
    info = setup_game(args.questions, args.seconds)
    where = ["--host", "127.0.0.1", "--port", str(args.port), "--workers", str(args.workers)]
    if args.server == "serve":
        command = [str(ROOT / ".venv/bin/wanlixing"), "serve", *where, "--backlog", "8192"]
        command += ["--ws-ping-interval", str(args.ws_ping_interval)]
        command += ["--log-level", "warning", "--no-access-log"]
    else:
        command = [PY, "-m", "uvicorn", "wanlixing.asgi:application", *where]
        command += ["--lifespan", "off", "--log-level", "warning", "--no-access-log"]
        command += ["--ws-max-size", "65536", "--ws", args.ws, "--ws-per-message-deflate", "false"]
        command += ["--ws-ping-interval", str(args.ws_ping_interval), "--backlog", "8192"]
        # A worker busy fanning out to thousands of sockets on a loaded machine may
        # answer the supervisor's health check late; it is not dead.
        command += ["--timeout-worker-healthcheck", "60"]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    base_http = f"http://127.0.0.1:{args.port}"
    base_ws = f"ws://127.0.0.1:{args.port}"
    import urllib.request

    for _ in range(120):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{base_http}/live/", timeout=2)
            break
        time.sleep(0.5)
    while len(children_of(server.pid)) < args.workers:
        time.sleep(0.2)
    time.sleep(2)

    import redis

    rconn = redis.Redis.from_url(args.redis_url)
    redis_cpu0 = sum(float(rconn.info("cpu")[k]) for k in ("used_cpu_sys", "used_cpu_user"))
    overflows0 = listen_overflows()

    out: mp.Queue = mp.Queue()
    done = mp.Event()
    per = [args.players // args.processes] * args.processes
    per[-1] += args.players - sum(per)
    url = f"{base_ws}/ws/live/play/{info['pin']}/"
    procs = []
    first = 0
    started = time.time()
    for count in per:
        p = mp.Process(
            target=client_process,
            args=(url, base_http, first, count, args.think, args.ramp, out, done),
            daemon=True,
        )
        p.start()
        procs.append(p)
        first += count

    peak_rss = 0
    cpu_start, _ = proc_cpu_rss([server.pid, *children_of(server.pid)])
    sampling = True
    killed_cpu = 0.0

    def sample() -> None:
        nonlocal peak_rss
        while sampling:
            _cpu, rss = proc_cpu_rss(children_of(server.pid))
            peak_rss = max(peak_rss, rss)
            time.sleep(0.5)

    import threading

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        host_result = asyncio.run(run_host(args, info, base_ws, base_http, server))
    except BaseException:
        stop_server(server)
        for p in procs:
            p.kill()
        raise
    game_wall = time.time() - started
    done.set()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=10)
    sampling = False
    cpu_end, _ = proc_cpu_rss([server.pid, *children_of(server.pid)])
    if host_result["killed_worker"]:
        # The killed worker's CPU is gone from /proc; the figure covers the survivors.
        killed_cpu = float("nan")
    redis_cpu1 = sum(float(rconn.info("cpu")[k]) for k in ("used_cpu_sys", "used_cpu_user"))

    # Wait for the game to be finished into the database (flush + finalise).
    from wanlixing.livequiz.models import Game, LiveAnswer

    game = Game.objects.get(key=info["key"])
    deadline = time.time() + 180
    while time.time() < deadline:
        game.refresh_from_db()
        if game.finalised_at is not None:
            break
        time.sleep(1)
    finalised = game.finalised_at is not None
    if not finalised:
        # The periodic job's work, done by hand so that the count below is complete.
        from wanlixing.livequiz.services import game_finalise

        try:
            game_finalise(game_key=info["key"])
        except Exception:
            stop_server(server)
            raise
    stored = LiveAnswer.objects.filter(game=game).count()

    stop_server(server)

    joined = sum(r["joined"] for r in results)
    sent = sum(r["sent"] for r in results)
    acked = sum(r["acked"] for r in results)
    ack_s = [x for r in results for x in r["ack_s"]]
    rejoin_s = [x for r in results for x in r["rejoin_s"]]
    errors: dict[str, int] = {}
    disconnects: dict[str, int] = {}
    for r in results:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
        for k, v in r["disconnects"].items():
            disconnects[k] = disconnects.get(k, 0) + v
    fanout = []
    reached = []
    for index, mark in host_result["marks"].items():
        times = [t for r in results for t in r["question_at"].get(index, [])]
        if times:
            fanout.append(max(times) - mark)
            reached.append(len(times))
    cpu = cpu_end - cpu_start
    cpu_join = host_result["cpu_at_first_question"] - cpu_start
    cpu_questions = host_result["cpu_after_last_question"] - host_result["cpu_at_first_question"]
    per_question = cpu_questions / args.questions
    sys_questions = (
        host_result["sys_cpu_after_last_question"] - host_result["sys_cpu_at_first_question"]
    )
    client_cpu = sum(r["cpu_s"] for r in results)
    figures = {
        "bench": "livequiz",
        "players": args.players,
        "server": args.server,
        "workers": args.workers,
        "client_processes": args.processes,
        "questions": args.questions,
        "database": "postgresql" if is_pg else "sqlite",
        "join_ok": joined,
        "join_success": round(joined / args.players, 4),
        "fanout_each_s": [round(f, 3) for f in fanout],
        "fanout_p50_s": pct(fanout, 50),
        "fanout_p99_s": pct(fanout, 99),
        "fanout_max_s": round(max(fanout), 4) if fanout else None,
        "question_reached_min": min(reached) if reached else 0,
        "ack_p50_s": pct(ack_s, 50),
        "ack_p99_s": pct(ack_s, 99),
        "ack_max_s": round(max(ack_s), 4) if ack_s else None,
        "answers_sent": sent,
        "answers_acked": acked,
        "answers_stored_db": stored,
        "acked_not_stored": max(0, acked - stored),
        "finalised_by_workers": finalised,
        "server_cpu_s": round(cpu, 1),
        "server_cpu_pct_of_wall": round(100 * cpu / game_wall, 1),
        "server_cpu_join_s": round(cpu_join, 1),
        "server_cpu_join_ms_per_player": round(1000 * cpu_join / args.players, 2),
        "server_cpu_per_question_s": round(per_question, 2),
        "server_cpu_per_question_per_1000_players_s": round(per_question * 1000 / args.players, 3),
        "server_cpu_questions_system_share": round(sys_questions / cpu_questions, 3)
        if cpu_questions
        else None,
        # The database flushes run in worker threads, beside the event loops.
        "server_cpu_questions_threads_share": round(
            (
                host_result["thread_cpu_after_last_question"]
                - host_result["thread_cpu_at_first_question"]
            )
            / cpu_questions,
            3,
        )
        if cpu_questions
        else None,
        "join_wall_s": round(host_result["join_wall_s"], 1),
        "client_cpu_s": round(client_cpu, 1),
        "client_connects": sum(r["connects"] for r in results),
        "server_peak_rss_mb": round(peak_rss / 2**20, 1),
        "redis_cpu_s": round(redis_cpu1 - redis_cpu0, 1),
        # Connections the kernel dropped because the accept queue was full (the phone's
        # TCP stack retries after 1 s, 3 s, …): net.core.somaxconn caps the backlog.
        "listen_overflows": listen_overflows() - overflows0,
        "somaxconn": int(Path("/proc/sys/net/core/somaxconn").read_text()),
        "wall_s": round(game_wall, 1),
        "load_average_1m": os.getloadavg()[0],
        "load_average_at_start": load_at_start,
        "cpus": os.cpu_count(),
        "errors": errors,
        "disconnects": disconnects,
    }
    if args.kill_worker:
        figures["killed_worker"] = host_result["killed_worker"]
        figures["stored_answers_lost"] = max(0, acked - stored)
        figures["rejoined"] = len(rejoin_s)
        figures["rejoin_p50_s"] = pct(rejoin_s, 50)
        figures["rejoin_p99_s"] = pct(rejoin_s, 99)
        figures["rejoin_max_s"] = round(max(rejoin_s), 3) if rejoin_s else None
        figures["sockets_per_worker_after_kill"] = host_result.get("sockets_per_worker")
        figures["server_cpu_note"] = "survivors only" if killed_cpu != killed_cpu else ""
    print(json.dumps(figures, ensure_ascii=False))
    for key in rconn.scan_iter(f"{prefix}:*", count=1000):
        rconn.delete(key)
    if is_pg:
        from django.db import connections

        connections.close_all()
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.db_name],
            capture_output=True,
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
