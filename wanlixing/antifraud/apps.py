from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntifraudConfig(AppConfig):
    name = "wanlixing.antifraud"
    label = "antifraud"
    verbose_name = _("反诈工具")
    starter_order = 30

    def ready(self) -> None:
        from wanlixing.accounts import personal_data
        from wanlixing.core import periodic

        from . import services
        from .tasks import emerging_scripts_refresh

        periodic.register(
            "antifraud-emerging-scripts", every_seconds=3600, task=emerging_scripts_refresh
        )

        personal_data.register(
            "antifraud_reports",
            export=services.reports_export_for_user,
            erase=services.reports_erase_for_user,
        )

    def load_starter_data(self, stdout: Any) -> None:
        """Red flags, drills and LPR history; safe to run again."""
        from .services import starter_drills_load, starter_lpr_load, starter_redflags_load

        flags = starter_redflags_load()
        drills = starter_drills_load()
        lpr = starter_lpr_load()
        stdout.write(f"  反诈：红旗规则 {flags} 条，演练 {drills} 个，LPR 报价 {lpr} 条")
