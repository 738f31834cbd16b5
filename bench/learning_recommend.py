"""Recommendation (为你推荐) latency with 100k users and 1M answers in the database.

Builds a throwaway database (SQLite in a temp dir, or BENCH_DATABASE_URL for an empty
PostgreSQL database): the starter question bank, 420 published library items, 100k
users (segments, regions, age bands), 1M answers with the per-user summary rows they
produce (topic stats, 错题本, 闯关 progress, literacy results, opened articles). Then
measures path_for_user() for sampled users (the user row loaded first, as the auth
middleware does) and GET /api/v1/learning/path through Django's full request stack.

    .venv/bin/python bench/learning_recommend.py [--users 100000] [--answers 1000000]

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGIONS = ["440305", "440106", "110101", "310104", "510107", "420102", "330106", "610113"]
AGE_BANDS = ["18-29", "30-44", "45-59", "60-69", "70+", ""]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(1000 * statistics.median(values), 2),
        "p95_ms": round(1000 * percentile(values, 0.95), 2),
        "max_ms": round(1000 * max(values), 2),
    }


def insert(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    for start in range(0, len(rows), 20000):
        cursor.executemany(sql, rows[start : start + 20000])


def build(users: int, answers: int, rng: random.Random) -> dict[str, float]:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from wanlixing.accounts.models import Segment, User
    from wanlixing.content.models import Article, Topic
    from wanlixing.learning.apps import STARTER_DIR
    from wanlixing.learning.bank import starter_load
    from wanlixing.learning.models import Question, Quiz

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    starter_load(STARTER_DIR)
    topics = list(Topic.objects.all())
    segments = list(Segment.objects.all())
    now = timezone.now()
    articles = []
    for topic in topics:
        for n in range(30):
            articles.append(
                Article(
                    kind=rng.choice(["article", "article", "case", "video"]),
                    slug=f"{topic.slug}-{n}",
                    title=f"{topic.name}·第{n}篇",
                    source="bench",
                    topic=topic,
                    status="published",
                    published_at=now - timezone.timedelta(days=n),
                    regions=[rng.choice(REGIONS)[:4] + "00"] if rng.random() < 0.1 else [],
                )
            )
    Article.objects.bulk_create(articles)
    through = Article.audiences.through
    through.objects.bulk_create(
        through(article_id=a.pk, segment_id=rng.choice(segments).pk)
        for a in Article.objects.all()
        if rng.random() < 0.6
    )
    timings["setup_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    password = make_password(None)
    with transaction.atomic():
        User.objects.bulk_create(
            (
                User(
                    username=f"b{n}",
                    password=password,
                    age_band=rng.choice(AGE_BANDS),
                    region_code=rng.choice(REGIONS),
                    area_type=rng.choice(["urban", "urban", "rural"]),
                )
                for n in range(users)
            ),
            batch_size=5000,
        )
    user_ids = list(User.objects.filter(username__startswith="b").values_list("pk", flat=True))
    seg_through = User.segments.through
    with transaction.atomic():
        seg_through.objects.bulk_create(
            (
                seg_through(user_id=uid, segment_id=rng.choice(segments).pk)
                for uid in user_ids
                if rng.random() < 0.6
            ),
            batch_size=10000,
        )
    timings["users_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    questions = list(Question.objects.practice().values_list("pk", "topic_id"))
    ladders = list(Quiz.objects.filter(kind="ladder").values_list("pk", flat=True))
    article_ids = list(Article.objects.values_list("pk", flat=True))
    per_user = answers // len(user_ids)
    stamp = now.isoformat() if connection.vendor == "postgresql" else now
    with connection.cursor() as cursor:
        for chunk in range(0, len(user_ids), 10000):
            responses, stats, wrongs, progress, visits, literacy = [], [], [], [], [], []
            for uid in user_ids[chunk : chunk + 10000]:
                topic_stats: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
                wrong: dict[int, int] = {}
                for qid, topic_id in rng.sample(questions, per_user):
                    ok = rng.random() < 0.7
                    responses.append((qid, None, uid, "practice", "[0]", ok, stamp))
                    topic_stats[topic_id][0] += 1
                    topic_stats[topic_id][1] += ok
                    if not ok:
                        wrong[qid] = topic_id
                        topic_stats[topic_id][2] += 1
                for topic_id, (a, c, w) in topic_stats.items():
                    stats.append((uid, topic_id, a, c, w, stamp))
                for qid, topic_id in wrong.items():
                    wrongs.append((uid, qid, topic_id, 1, "[0]", stamp, None))
                if rng.random() < 0.3:
                    for quiz in rng.sample(ladders, 2):
                        progress.append((uid, quiz, rng.randint(1, 5), 80, 1, stamp))
                if rng.random() < 0.3:
                    for article in rng.sample(article_ids, 3):
                        visits.append((uid, article, stamp))
                if rng.random() < 0.2:
                    dims = {
                        "compound": {"name": "复利", "score": 50, "topics": ["rational-investing"]}
                    }
                    literacy.append((uid, "A", 70, 14, 20, json.dumps(dims), stamp))
            with transaction.atomic():
                insert(
                    cursor,
                    "learning_response",
                    [
                        "question_id",
                        "attempt_id",
                        "user_id",
                        "source",
                        "chosen",
                        "is_correct",
                        "answered_at",
                    ],
                    responses,
                )
                insert(
                    cursor,
                    "learning_learnertopicstat",
                    [
                        "user_id",
                        "topic_id",
                        "answered",
                        "correct",
                        "wrong_open",
                        "last_answered_at",
                    ],
                    stats,
                )
                insert(
                    cursor,
                    "learning_wronganswer",
                    [
                        "user_id",
                        "question_id",
                        "topic_id",
                        "wrong_count",
                        "last_chosen",
                        "last_wrong_at",
                        "mastered_at",
                    ],
                    wrongs,
                )
                insert(
                    cursor,
                    "learning_quizprogress",
                    ["user_id", "quiz_id", "best_level", "best_score", "attempts", "updated_at"],
                    progress,
                )
                insert(
                    cursor,
                    "learning_articlevisit",
                    ["user_id", "article_id", "visited_at"],
                    visits,
                )
                insert(
                    cursor,
                    "learning_literacyresult",
                    ["user_id", "form", "score", "correct", "total", "dimensions", "taken_at"],
                    literacy,
                )
        cursor.execute("ANALYZE")
    timings["answers_s"] = time.perf_counter() - t0
    return {k: round(v, 1) for k, v in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument(
        "--reuse", action="store_true", help="measure an already built BENCH_DATABASE_URL"
    )
    args = parser.parse_args()
    rng = random.Random(2026)

    with tempfile.TemporaryDirectory(prefix="wlx-bench-rec-") as tmp:
        os.environ["WANLIXING_VAR_DIR"] = tmp
        os.environ["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        )
        os.environ.pop("REDIS_URL", None)
        os.environ["LOG_LEVEL"] = "WARNING"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanlixing.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection, reset_queries
        from django.test import Client

        from wanlixing.accounts.models import User
        from wanlixing.learning import recommend
        from wanlixing.learning.models import LearnerTopicStat, Response

        settings.ALLOWED_HOSTS = ["*"]
        build_times = {} if args.reuse else build(args.users, args.answers, rng)
        counts = {
            "users": User.objects.count(),
            "answers": Response.objects.count(),
            "topic_stat_rows": LearnerTopicStat.objects.count(),
        }

        t0 = time.perf_counter()
        recommend.catalog_clear()
        recommend.catalog_get()
        catalog_ms = round(1000 * (time.perf_counter() - t0), 1)

        sample = rng.sample(list(User.objects.values_list("pk", flat=True)), args.samples)
        service: list[float] = []
        lengths = []
        for pk in sample:
            user = User.objects.get(pk=pk)
            t0 = time.perf_counter()
            items = recommend.path_for_user(user)
            service.append(time.perf_counter() - t0)
            lengths.append(len(items))

        client = Client()
        http: list[float] = []
        for pk in sample[:200]:
            client.force_login(User.objects.get(pk=pk))
            t0 = time.perf_counter()
            response = client.get("/api/v1/learning/path")
            http.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.content
        reset_queries()
        print(
            json.dumps(
                {
                    "bench": "learning_recommend",
                    "database": connection.vendor,
                    **counts,
                    "build": build_times,
                    "catalog_build_ms": catalog_ms,
                    "samples": len(service),
                    "mean_items": round(statistics.mean(lengths), 1),
                    "path_for_user": ms(service),
                    "api_path_request": ms(http),
                    "load_avg_1m": round(os.getloadavg()[0], 1),
                },
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
