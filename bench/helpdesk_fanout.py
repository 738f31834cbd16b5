"""Alert fan-out and routing speed on a throwaway SQLite database.

Prints one JSON line: users targeted, deliveries written per second for an in-app alert
to N users (batches of NOTIFY_BATCH_SIZE, tasks run inline), and the median time of a
route lookup with the seed rules plus regional rules.

    .venv/bin/python bench/helpdesk_fanout.py [users]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

USERS = int(sys.argv[1]) if len(sys.argv) > 1 else 20000

tmp = Path(tempfile.mkdtemp(prefix="wlx-bench-"))
os.environ["WANLIXING_VAR_DIR"] = str(tmp)
os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanlixing.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from wanlixing.accounts.models import User  # noqa: E402
from wanlixing.alerts import services as alert_services  # noqa: E402
from wanlixing.alerts.models import Alert, AlertRegion, Delivery  # noqa: E402
from wanlixing.helpdesk.models import RoutingRule  # noqa: E402
from wanlixing.helpdesk.starter import routing_rules_seed  # noqa: E402
from wanlixing.helpdesk.triage import route_for  # noqa: E402

call_command("migrate", verbosity=0)
counties = ["440305", "440303", "440106", "110101", "310104"]
User.objects.bulk_create(
    [
        User(username=f"b{i}", region_code=counties[i % len(counties)], password="!")  # noqa: S106 (unusable)
        for i in range(USERS)
    ],
    batch_size=2000,
)
alert = Alert.objects.create(
    fraud_type="brushing",
    title="刷单返利",
    watch_for="w",
    what_to_do="d",
    status="published",
    published_at=timezone.now(),
)
AlertRegion.objects.create(alert=alert, region_code="440000")
alert_services.AlertCount.objects.create(alert=alert, channel="in_app")

start = time.perf_counter()
batches = alert_services.alert_fan_out(alert_id=alert.pk)
fanout_seconds = time.perf_counter() - start
written = Delivery.objects.filter(alert=alert).count()

routing_rules_seed()
for code in ("440000", "440300", "440305", "110000"):
    RoutingRule.objects.create(category="insurance", region_code=code, channel="12378")
timings = []
for _ in range(300):
    t = time.perf_counter()
    route_for(category="insurance", institution_type="insurer", region_code="440305")
    timings.append(time.perf_counter() - t)

print(
    json.dumps(
        {
            "users": USERS,
            "targeted": written,
            "batches": batches,
            "fanout_seconds": round(fanout_seconds, 2),
            "deliveries_per_second": round(written / fanout_seconds),
            "route_lookup_ms_median": round(statistics.median(timings) * 1000, 2),
        }
    )
)
