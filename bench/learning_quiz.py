"""Quiz-submission throughput and latency against the real ASGI server.

Prepares a throwaway database (SQLite in a temp dir, or BENCH_DATABASE_URL for
PostgreSQL), loads the starter question bank, creates users with API tokens, starts
`wanlixing serve` in a subprocess and drives it with many concurrent httpx clients.
Each round: start a 闯关 level (POST /attempts), then submit five answers (the measured
request: server-side checking, answers, 错题本, summaries, points ledger).

    .venv/bin/python bench/learning_quiz.py [--clients 32] [--rounds 20] [--workers 2]

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


SETUP = """
import json, sys
import django
django.setup()
from wanlixing.accounts.models import User
from wanlixing.accounts.services import api_token_create
from wanlixing.learning.models import Question, Quiz
tokens = []
for n in range(int(sys.argv[1])):
    user = User.objects.create_user(username=f"bench{n}", password=None)
    tokens.append(api_token_create(user=user, name="bench")[1])
quizzes = list(Quiz.objects.filter(kind="ladder").values_list("pk", flat=True))
correct = {str(pk): c for pk, c in Question.objects.values_list("pk", "correct")}
print(json.dumps({"tokens": tokens, "quizzes": quizzes, "correct": correct}))
"""


def prepare(env: dict[str, str], users: int) -> dict:
    wanlixing = str(BIN / "wanlixing")
    subprocess.run(
        [wanlixing, "bootstrap", "--no-starter"], env=env, check=True, capture_output=True
    )
    subprocess.run([wanlixing, "loadquestions"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [sys.executable, "-c", SETUP, str(users)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU of the server process and its worker processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        total = 0
        for each in pids:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except OSError:
        return float("nan")
    return total / ticks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def client_loop(
    base: str,
    token: str,
    quizzes: list[int],
    correct: dict[str, list[int]],
    rounds: int,
    starts: list[float],
    submits: list[float],
    errors: list[str],
    rng: random.Random,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        for _ in range(rounds):
            quiz = rng.choice(quizzes)
            t0 = time.perf_counter()
            response = await client.post(
                f"/api/v1/learning/quizzes/{quiz}/attempts", json={"level": 1}
            )
            starts.append(time.perf_counter() - t0)
            if response.status_code != 201:
                errors.append(f"start {response.status_code}")
                continue
            attempt = response.json()
            answers = {}
            for question in attempt["questions"]:
                right = correct[str(question["id"])]
                answers[str(question["id"])] = (
                    right if rng.random() < 0.8 else [(right[0] + 1) % len(question["options"])]
                )
            t0 = time.perf_counter()
            response = await client.post(
                f"/api/v1/learning/attempts/{attempt['id']}/submit", json={"answers": answers}
            )
            submits.append(time.perf_counter() - t0)
            if response.status_code != 200:
                errors.append(f"submit {response.status_code}")


async def drive(base: str, setup: dict, clients: int, rounds: int) -> dict:
    starts: list[float] = []
    submits: list[float] = []
    errors: list[str] = []
    rng = random.Random(7)
    t0 = time.perf_counter()
    await asyncio.gather(
        *(
            client_loop(
                base,
                setup["tokens"][i % len(setup["tokens"])],
                setup["quizzes"],
                setup["correct"],
                rounds,
                starts,
                submits,
                errors,
                random.Random(rng.random()),
            )
            for i in range(clients)
        )
    )
    elapsed = time.perf_counter() - t0
    return {
        "submissions": len(submits),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "elapsed_s": round(elapsed, 2),
        "submissions_per_s": round(len(submits) / elapsed, 1),
        "requests_per_s": round((len(submits) + len(starts)) / elapsed, 1),
        "submit_p50_ms": round(1000 * statistics.median(submits), 1) if submits else None,
        "submit_p95_ms": round(1000 * percentile(submits, 0.95), 1),
        "submit_max_ms": round(1000 * max(submits), 1) if submits else None,
        "start_p50_ms": round(1000 * statistics.median(starts), 1) if starts else None,
        "start_p95_ms": round(1000 * percentile(starts, 0.95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=64)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wlx-bench-quiz-") as tmp:
        env = {
            **os.environ,
            "WANLIXING_VAR_DIR": tmp,
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            ),
            "ADMIN_PASSWORD": "bench-admin-pass-1",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "wanlixing.settings",
        }
        env.pop("REDIS_URL", None)
        if os.environ.get("BENCH_REDIS_URL"):
            env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
        setup = prepare(env, args.users)
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "wanlixing"),
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w"),  # noqa: SIM115
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.time() > deadline:
                    raise SystemExit("server did not start")
                time.sleep(0.3)
            asyncio.run(drive(base, setup, 4, 2))  # warm-up
            cpu_before = server_cpu_seconds(server.pid)
            figures = asyncio.run(drive(base, setup, args.clients, args.rounds))
            cpu = server_cpu_seconds(server.pid) - cpu_before
            # Load-independent cost: server CPU per round (start + submit), database excluded
            # when it runs in its own server (PostgreSQL).
            figures["server_cpu_ms_per_round"] = round(
                1000 * cpu / max(1, figures["submissions"]), 1
            )
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(
        json.dumps(
            {
                "bench": "learning_quiz",
                "database": env["DATABASE_URL"].split(":", 1)[0],
                "workers": args.workers,
                "clients": args.clients,
                "cpus": os.cpu_count(),
                "load_avg_1m": round(os.getloadavg()[0], 1),
                **figures,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
