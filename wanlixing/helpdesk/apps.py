from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "wanlixing.helpdesk"
    label = "helpdesk"
    verbose_name = _("咨询与投诉")
    starter_order = 50

    def ready(self) -> None:
        from wanlixing.accounts import personal_data
        from wanlixing.core import panels

        from . import services, views

        personal_data.register(
            "helpdesk_tickets", export=services.tickets_export, erase=services.tickets_erase
        )
        panels.register("me", "helpdesk", order=30, render=views.me_panel)

        from wanlixing.core import periodic

        from .tasks import tickets_sla_scan_task

        periodic.register("helpdesk-sla-scan", every_seconds=300, task=tickets_sla_scan_task)

    def load_starter_data(self, stdout: Any) -> None:
        from .starter import routing_rules_seed

        created = routing_rules_seed()
        stdout.write(f"  咨询投诉分派规则：新增 {created} 条")
