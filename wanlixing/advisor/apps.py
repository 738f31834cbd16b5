from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisorConfig(AppConfig):
    name = "wanlixing.advisor"
    label = "advisor"
    verbose_name = _("智能顾问")
    starter_order = 40

    def ready(self) -> None:
        from wanlixing.accounts import personal_data

        from .personal import asked_questions_erase, asked_questions_export

        personal_data.register(
            "advisor", export=asked_questions_export, erase=asked_questions_erase
        )
        from .handoff import register_ticket_action

        register_ticket_action()

    def load_starter_data(self, stdout: Any) -> None:
        """Import the starter FAQ (177 entries) into the default collection. Idempotent:
        entries are matched by external_id, so a second run changes nothing."""
        from .starter import starter_load

        report = starter_load()
        stdout.write(
            f"  常见问题：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}"
        )
