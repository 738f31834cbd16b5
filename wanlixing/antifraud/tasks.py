"""Background work of the anti-fraud tools."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="reports")
def emerging_scripts_refresh(days: int = 7) -> int:
    """Re-cluster recent reports into emerging scripts; returns how many were found."""
    from .services import emerging_scripts_compute

    return len(emerging_scripts_compute(days=days))
