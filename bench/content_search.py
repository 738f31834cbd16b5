"""Knowledge library search: import time, index size, query latency, top-k hit rate.

Loads the starter library into a throwaway SQLite database and prints one JSON line.
Run: .venv/bin/python bench/content_search.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Queries people type, with the starter item a good answer starts with (top-3 counts).
LABELLED = {
    "砍头息": "loan-upfront-fee-and-deduction",
    "借钱先扣服务费": "loan-upfront-fee-and-deduction",
    "安全账户": "impersonate-authority-safe-account",
    "公安局打电话说我洗钱": "case-impersonate-police-safe-account",
    "洗白征信": "case-credit-repair-intermediary",
    "征信有错怎么办": "credit-report-objection-free",
    "免费查征信": "credit-report-free-query",
    "刷单返利": "brushing-fraud-employee",
    "点赞兼职": "case-brushing-employee",
    "存款保险": "deposit-insurance-basics",
    "银行倒闭存款怎么办": "deposit-insurance-basics",
    "存款保陷": "deposit-insurance-basics",
    "存款保險": "deposit-insurance-basics",
    "验证码": "sms-code-never-share",
    "屏幕共享": "screen-sharing-danger",
    "信用卡分期手续费": "credit-card-installment-true-rate",
    "校园贷": "student-campus-loan",
    "网贷先交保证金": "case-fake-loan-upfront-fee",
    "冒充客服退款": "fake-customer-service-refund",
    "ＬＰＲ四倍": "loan-4x-lpr-civil-cap",
}


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="wlx-bench-content-")
    os.environ["WANLIXING_VAR_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanlixing.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from wanlixing.content.models import SearchTerm
    from wanlixing.content.selectors import article_related, articles_search
    from wanlixing.content.starter import starter_import, starter_read

    started = time.perf_counter()
    items = starter_read().items
    report = starter_import(items)
    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = starter_import(starter_read().items)
    reimport_seconds = time.perf_counter() - started

    latencies = []
    top1 = top3 = 0
    for query, slug in LABELLED.items():
        for _ in range(3):
            t0 = time.perf_counter()
            hits = articles_search(query, limit=10)
            latencies.append((time.perf_counter() - t0) * 1000)
        slugs = [h.article.slug for h in hits]
        top1 += slugs[:1] == [slug]
        top3 += slug in slugs[:3]
    from wanlixing.content.models import Article

    t0 = time.perf_counter()
    for article in Article.objects.all()[:30]:
        article_related(article, limit=5)
    related_ms = (time.perf_counter() - t0) * 1000 / 30

    latencies.sort()
    print(
        json.dumps(
            {
                "bench": "content_search",
                "items": len(items),
                "created": report.created,
                "import_s": round(import_seconds, 2),
                "reimport_unchanged": again.unchanged,
                "reimport_s": round(reimport_seconds, 2),
                "index_rows": SearchTerm.objects.count(),
                "queries": len(LABELLED),
                "search_ms_p50": round(statistics.median(latencies), 1),
                "search_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1], 1),
                "related_ms_mean": round(related_ms, 1),
                "top1_hit_rate": round(top1 / len(LABELLED), 3),
                "top3_hit_rate": round(top3 / len(LABELLED), 3),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
