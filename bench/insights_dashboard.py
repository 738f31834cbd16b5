"""Dashboard page latency at 100,000 participants (the page reads the fact tables).

Builds a demo campaign, refreshes its slices (the background task: one read of the
campaign's rows, every slice from those columns), then requests the dashboard with
single filters (one stored slice each) and a combination of filters (computed from
the columns snapshot the refresh saved) through the test client as a signed-in
admin. Prints one JSON line: refresh wall and CPU seconds, p50/p95 in milliseconds,
the combined-filter median and the machine's load average.

    .venv/bin/python bench/insights_dashboard.py [--participants N] [--requests R] [--reuse DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        help="a WANLIXING_VAR_DIR where an earlier run built the campaign: skip the build",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    tmp = args.reuse or tempfile.mkdtemp(prefix="wlx-bench-")
    os.environ.setdefault("WANLIXING_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanlixing.settings")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from wanlixing.accounts.models import User
    from wanlixing.insights.services import facts_refresh
    from wanlixing.outreach.demo import demo_campaign_build
    from wanlixing.outreach.models import Campaign, Participant

    campaign = Campaign.objects.order_by("-pk").first() if args.reuse else None
    if campaign is None:
        campaign = demo_campaign_build(participants=args.participants, progress=False)
    started = time.monotonic()
    cpu_started = time.process_time()
    slices = facts_refresh(campaign_id=campaign.pk)
    refresh_seconds = time.monotonic() - started
    refresh_cpu_seconds = time.process_time() - cpu_started
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        username="bench-admin", password=None, email=""
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    base = f"/insights/?campaign={campaign.pk}"
    urls = [base, base + "&audience=elderly", base + "&region=44", base + "&kind=lecture",
            base + "&month_from=" + campaign.starts_on.strftime("%Y-%m")]  # fmt: skip
    client.get(base)
    timings = []
    for i in range(args.requests):
        started = time.monotonic()
        response = client.get(urls[i % len(urls)])
        timings.append((time.monotonic() - started) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    # A combination of filters is computed from the columns snapshot (not a stored slice).
    combined = []
    for _ in range(9):
        started = time.monotonic()
        response = client.get(base + "&audience=elderly&region=44")
        combined.append((time.monotonic() - started) * 1000)
        assert response.status_code == 200, response.status_code
    print(
        json.dumps(
            {
                "bench": "insights_dashboard",
                "database": connection.vendor,
                "participants": Participant.objects.count(),
                "fact_slices": slices,
                "facts_refresh_seconds": round(refresh_seconds, 1),
                "facts_refresh_cpu_seconds": round(refresh_cpu_seconds, 1),
                "requests": len(timings),
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
                "combined_filters_median_ms": round(statistics.median(combined), 1),
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
