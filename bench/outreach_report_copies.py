"""Scale a benchmark campaign up by copying its rows in SQL (minutes instead of an hour).

``bench/outreach_report.py`` builds its campaign with the demo builder, which takes well
over an hour for 1,000,000 participants on a busy 2-core machine. This script takes the
campaign an earlier run built (``--participants 100000 --events 20000``) and adds
``--copies - 1`` copies of its events, participants, registrations, knowledge scores and
survey measures with INSERT … SELECT, new ids and new participant codes: 10 copies give
1,000,000 participants and 200,000 events with the demo's distributions. Time the report
afterwards with ``bench/outreach_report.py --reuse DIR``.

    WANLIXING_VAR_DIR=DIR .venv/bin/python bench/outreach_report_copies.py --copies 10
    (with DATABASE_URL=postgresql://… for PostgreSQL)

Copied measures point to the original survey responses (nothing in the report reads
responses); every other reference points into the same copy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanlixing.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from wanlixing.outreach.models import Campaign

    campaign = Campaign.objects.order_by("-pk").first()
    if campaign is None:
        raise SystemExit("no campaign: run bench/outreach_report.py first")
    pg = connection.vendor == "postgresql"
    started = time.monotonic()

    def columns(table: str) -> list[str]:
        with connection.cursor() as cursor:
            return [c.name for c in connection.introspection.get_table_description(cursor, table)]

    def top(table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
            return int(cursor.fetchone()[0] or 0)

    tables = {
        "outreach_event": "e",
        "outreach_participant": "p",
        "outreach_registration": "r",
        "surveys_knowledgegain": "k",
        "surveys_measure": "m",
    }
    offsets = {alias: top(table) for table, alias in tables.items()}
    with transaction.atomic(), connection.cursor() as cursor:
        for copy in range(1, args.copies):
            for table, alias in tables.items():
                names = columns(table)
                shift = {"id": f"id + {copy * offsets[alias]}"}
                shift["event_id"] = f"event_id + {copy * offsets['e']}"
                shift["participant_id"] = f"participant_id + {copy * offsets['p']}"
                shift["registration_id"] = f"registration_id + {copy * offsets['r']}"
                letter = f"chr({96 + copy})" if pg else f"char({96 + copy})"
                shift["code"] = f"{letter} || substr(code, 2)"  # lower case: not in codes
                shift["key"] = "NULL"
                values = ", ".join(shift.get(n, n) for n in names)
                # Names from the database's own table description: no user text.
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                    f"SELECT {values} FROM {table} WHERE id <= {offsets[alias]}"
                    + (f" AND campaign_id = {campaign.pk}" if alias in "ekm" else "")
                )
        if pg:
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"  # noqa: S608
                )
    if pg:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        json.dumps(
            {
                "bench": "outreach_report_copies",
                "database": connection.vendor,
                "campaign": campaign.slug,
                "copies": args.copies,
                "seconds": round(time.monotonic() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
