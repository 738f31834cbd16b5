"""Campaign report JSON at scale: 1,000,000 participants and 200,000 events.

Builds a demo campaign with bulk inserts in a throwaway database (SQLite under a
temporary directory, or DATABASE_URL for PostgreSQL), then times
``wanlixing report CAMPAIGN --format json`` (run in-process, so Django's start-up is
not counted). Prints one JSON line: wall seconds, CPU seconds of this process and,
on PostgreSQL running on this machine, of the server backend serving it (read from
/proc; parallel query workers, if the planner starts any, are not included), and the
machine's load average.

    .venv/bin/python bench/outreach_report.py [--participants N] [--events M] [--reuse DIR]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/DB .venv/bin/python bench/outreach_report.py
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def server_backend(connection) -> int | None:
    """The PostgreSQL backend's process id when the server runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def server_cpu(pid: int | None) -> float | None:
    """User + system CPU seconds of a process, from /proc (None when not readable)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    out = Path(tmp) / "report.json"
    backend = server_backend(connection)
    server_started = server_cpu(backend)
    started = time.monotonic()
    cpu_started = time.process_time()
    call_command("report", campaign.slug, format="json", out=str(out), stdout=io.StringIO())
    report_seconds = time.monotonic() - started
    # SQLite runs inside this process; PostgreSQL's backend is another process.
    report_cpu_seconds = time.process_time() - cpu_started
    server_seconds = None
    if backend is not None and server_started is not None:
        server_seconds = round((server_cpu(backend) or 0.0) - server_started, 2)
    text = out.read_text()
    data = json.loads(text)
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
                "db_server_cpu_seconds": server_seconds,
                "report_json_bytes": len(text.encode()),
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
