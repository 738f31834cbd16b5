"""Background work for notifications (queue ``notifications``)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task(queue_name="notifications")
def delivery_send_task(delivery_id: int) -> str:
    return services.delivery_send(delivery_id=delivery_id)


@task(queue_name="notifications")
def alert_fan_out_task(alert_id: int) -> int:
    return services.alert_fan_out(alert_id=alert_id)


@task(queue_name="notifications")
def alert_deliver_batch_task(alert_id: int, user_ids: list[int]) -> int:
    return services.alert_deliver_batch(alert_id=alert_id, user_ids=user_ids)


@task(queue_name="notifications")
def deliveries_retry_due_task() -> int:
    """Send whatever is due: retries, the end of quiet hours, rows a lost worker held."""
    ids = services.deliveries_due()
    for delivery_id in ids:
        services.delivery_send(delivery_id=delivery_id)
    return len(ids)
