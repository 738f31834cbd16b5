"""Background work for rewards."""

from __future__ import annotations

from django_tasks import task

from .services import badges_evaluate_all


@task(queue_name="default")
def badges_evaluate_all_task() -> int:
    """Check every learner's badges (after badge definitions change); returns how many
    badges were awarded."""
    return badges_evaluate_all()
