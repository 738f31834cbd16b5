from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "wanlixing.alerts"
    label = "alerts"
    verbose_name = _("风险提示与通知")

    def ready(self) -> None:
        from wanlixing.accounts import personal_data
        from wanlixing.core import panels

        from . import services, views

        personal_data.register(
            "notifications",
            export=services.notifications_export,
            erase=services.notifications_erase,
        )
        panels.register("home", "alerts", order=10, render=views.home_panel)
        panels.register("me", "notifications", order=35, render=views.me_panel)

        from wanlixing.core import periodic

        from .tasks import deliveries_retry_due_task

        periodic.register("notifications-retry", every_seconds=300, task=deliveries_retry_due_task)
