"""Background work for the help desk."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def tickets_sla_scan_task() -> dict[str, int]:
    """Reminders before the deadline, escalation when overdue, then fresh dashboard counts."""
    result = services.tickets_sla_scan()
    result["count_rows"] = services.ticket_counts_refresh()
    return result


@task()
def ticket_counts_refresh_task() -> int:
    return services.ticket_counts_refresh()
