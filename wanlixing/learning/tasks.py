"""Background work of learning (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def refresh_item_statistics(question_ids: list[int] | None = None) -> int:
    """Recompute facility and discrimination from the answers recorded so far."""
    from .itemstats import item_statistics_refresh

    return item_statistics_refresh(question_ids=question_ids)
