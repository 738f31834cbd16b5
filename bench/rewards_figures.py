"""Rewards figures: award throughput, leaderboard read time, rebuild time.

Runs against a throwaway SQLite database (or DATABASE_URL if set to a scratch
PostgreSQL database) and prints one JSON line.

    .venv/bin/python bench/rewards_figures.py
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = tempfile.mkdtemp(prefix="wlx-bench-rewards-")
os.environ.setdefault("WANLIXING_VAR_DIR", scratch)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanlixing.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from wanlixing.accounts.models import User  # noqa: E402
from wanlixing.rewards.models import PointsEntry, WeeklyScore  # noqa: E402
from wanlixing.rewards.selectors import leaderboard_get  # noqa: E402
from wanlixing.rewards.services import (  # noqa: E402
    badges_load_starter,
    points_award,
    rewards_rebuild,
)
from wanlixing.rewards.weeks import REWARDS_TZ, local_today, week_start  # noqa: E402

AWARD_USERS, AWARDS = 200, 2000
BOARD_USERS = 50_000
LEDGER_USERS, LEDGER_ENTRIES = 5_000, 100_000
REGIONS = ["440305", "440304", "440106", "110101", "310115", "510107", "330106", "420111"]


def make_users(n: int, prefix: str) -> list[User]:
    rng = random.Random(n)
    User.objects.bulk_create(
        [
            User(username=f"{prefix}{i}", password="!", region_code=rng.choice(REGIONS))  # noqa: S106
            for i in range(n)
        ],
        batch_size=2000,
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


def main() -> None:
    call_command("migrate", verbosity=0)
    badges_load_starter()
    rng = random.Random(7)
    figures: dict[str, object] = {"database": connection.vendor}

    # 1. Awards through the public service (ledger + profile + weekly row + badges).
    users = make_users(AWARD_USERS, "award")
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(AWARDS):
        user = users[i % AWARD_USERS]
        points_award(user=user, activity=f"quiz:{i}:1", points=10, reason="bench")
    elapsed = time.perf_counter() - started
    figures["awards"] = AWARDS
    figures["awards_per_second"] = round(AWARDS / elapsed, 1)
    figures["award_ms_mean"] = round(elapsed / AWARDS * 1000, 2)
    # CPU time of this process (SQLite runs in-process): steadier on a busy machine.
    figures["award_cpu_ms_mean"] = round((time.process_time() - cpu) / AWARDS * 1000, 2)
    started = time.perf_counter()
    for i in range(200):
        points_award(user=users[0], activity=f"quiz:{i}:1", points=10, reason="bench")
    figures["duplicate_award_ms_mean"] = round((time.perf_counter() - started) / 200 * 1000, 2)

    # 2. Leaderboard reads over a large week (rows inserted directly).
    board_users = make_users(BOARD_USERS, "board")
    week = week_start(local_today())
    now = datetime.now(REWARDS_TZ)
    WeeklyScore.objects.bulk_create(
        [
            WeeklyScore(
                week=week,
                user=u,
                points=rng.randint(1, 500),
                last_award_at=now - timedelta(seconds=rng.randint(0, 500_000)),
                province_code=u.region_code[:2] + "0000",
                city_code=u.region_code[:4] + "00",
                hidden=rng.random() < 0.05,
            )
            for u in board_users
        ],
        batch_size=5000,
    )
    viewer = board_users[BOARD_USERS // 2]
    for scope in ("overall", "province", "city"):
        leaderboard_get(viewer=viewer, scope=scope, week=week)
        runs = 50
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(runs):
            board = leaderboard_get(viewer=viewer, scope=scope, week=week)
        figures[f"leaderboard_{scope}_ms"] = round((time.perf_counter() - started) / runs * 1000, 2)
        figures[f"leaderboard_{scope}_cpu_ms"] = round((time.process_time() - cpu) / runs * 1000, 2)
        figures[f"leaderboard_{scope}_participants"] = board.participants
    WeeklyScore.objects.filter(user__username__startswith="board").delete()

    # 3. Rebuild from a ledger of LEDGER_ENTRIES rows over eight weeks.
    ledger_users = make_users(LEDGER_USERS, "ledger")
    start = now - timedelta(weeks=8)
    PointsEntry.objects.bulk_create(
        [
            PointsEntry(
                user=ledger_users[rng.randrange(LEDGER_USERS)],
                activity=f"bench:{i}",
                points=rng.choice((5, 10, 20)),
                reason="bench",
                created_at=start + timedelta(seconds=rng.randint(0, 8 * 7 * 86400)),
            )
            for i in range(LEDGER_ENTRIES)
        ],
        batch_size=5000,
    )
    started, cpu = time.perf_counter(), time.process_time()
    report = rewards_rebuild()
    figures["rebuild_seconds"] = round(time.perf_counter() - started, 2)
    figures["rebuild_cpu_seconds"] = round(time.process_time() - cpu, 2)
    figures["rebuild_entries"] = PointsEntry.objects.count()
    figures["rebuild_users"] = report.users
    figures["rebuild_rows_changed"] = report.changed
    started, cpu = time.perf_counter(), time.process_time()
    again = rewards_rebuild()
    figures["rebuild_again_seconds"] = round(time.perf_counter() - started, 2)
    figures["rebuild_again_cpu_seconds"] = round(time.process_time() - cpu, 2)
    figures["rebuild_again_rows_changed"] = again.changed
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
