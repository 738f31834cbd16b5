"""Campaign report JSON at scale: 1,000,000 participants and 200,000 events.

Builds a demo campaign with bulk inserts in a throwaway database (SQLite under a
temporary directory, or DATABASE_URL for PostgreSQL), then times the report JSON
(aggregation in SQL, statistics with scipy). Prints one JSON line.

    .venv/bin/python bench/outreach_report.py [--participants N] [--events M]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        help="a WANLIXING_VAR_DIR where an earlier run built the campaign: time the report only",
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

    call_command("migrate", verbosity=0)
    from wanlixing.insights.services import campaign_report_data
    from wanlixing.outreach.demo import demo_campaign_build
    from wanlixing.outreach.models import Campaign, Participant

    started = time.monotonic()
    campaign = Campaign.objects.order_by("-pk").first() if args.reuse else None
    build_seconds: float | None = None
    if campaign is None:
        campaign = demo_campaign_build(
            participants=args.participants, events=args.events, progress=False, batch_size=10000
        )
        build_seconds = round(time.monotonic() - started, 1)
    started = time.monotonic()
    cpu_started = time.process_time()
    data = campaign_report_data(campaign=campaign, scope=None)
    text = json.dumps(data, ensure_ascii=False)
    report_seconds = time.monotonic() - started
    # SQLite runs inside this process: its CPU time shows the work when the machine is busy.
    report_cpu_seconds = time.process_time() - cpu_started
    print(
        json.dumps(
            {
                "bench": "outreach_report",
                "database": connection.vendor,
                "participants": Participant.objects.count(),
                "events": data["events"]["total"],
                "registrations_person_times": data["reach"]["person_times"],
                "n_paired": data["knowledge_gain"]["n_paired"],
                "build_seconds": build_seconds,
                "report_json_seconds": round(report_seconds, 2),
                "report_json_cpu_seconds": round(report_cpu_seconds, 2),
                "report_json_bytes": len(text.encode()),
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
