"""Background work of insights: refreshing dashboard facts and building reports."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def facts_refresh_task(campaign_id: int) -> int:
    from .services import facts_refresh

    return facts_refresh(campaign_id=campaign_id)


@task(queue_name="default")
def report_build_task(job_id: int) -> str:
    from .services import report_job_build

    return report_job_build(job_id=job_id).status
